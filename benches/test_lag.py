"""The lag figures' arithmetic (benches/lag.py). Run by tests/run.sh: python3 -m unittest discover -s benches"""
import unittest

from lag import pct, screen_behind, streaming_gaps, trips


class ScreenBehind(unittest.TestCase):
    def test_the_oldest_text_not_yet_drawn_sets_how_far_behind(self):
        # Deltas whose text reached the app at 0, 10 and 20 ms, received by the page 5 ms later; renders at 12 and 40.
        behind = screen_behind([0, 10, 20], [5, 15, 25], [12, 40], step=10)
        # At 0 and 10 the first delta (arrived at 0) is not drawn yet; at 20 and 30 the second (arrived at 10) is not.
        self.assertEqual(behind, [0, 10, 10, 20])

    def test_a_render_before_a_delta_arrives_in_the_page_does_not_draw_it(self):
        self.assertEqual(screen_behind([0], [5], [3, 50], step=25), [0, 25])

    def test_text_never_drawn_gives_no_figure_rather_than_a_small_one(self):
        self.assertEqual(screen_behind([0, 10], [5, 15], [8]), [])


class Trips(unittest.TestCase):
    def test_each_delivery_is_matched_with_its_own_run_not_the_next(self):
        # Sent every 16 ms; the first script ran a frame late, just after the second was sent. Matching by time would
        # pair the second send with the first run and report no wait; matching by key reports both as they were.
        deliveries = [(0.0, 4.0, "7:1"), (16.0, 4.0, "7:3")]
        ran = [(16.5, "7:1"), (17.0, "7:3"), (18.0, "9:undefined")]
        self.assertEqual(trips(deliveries, ran), [16.5, 1.0])

    def test_a_delivery_the_page_never_ran_is_none(self):
        self.assertEqual(trips([(0.0, 1.0, "7:1")], []), [None])


class Gaps(unittest.TestCase):
    def test_gaps_stop_at_the_streams_end(self):
        self.assertEqual(streaming_gaps({"0": [0, 60, 130, 200]}, {"0": 150}), [60, 70])

    def test_percentiles_interpolate(self):
        self.assertEqual(pct([0, 10], 50), 5)
        self.assertEqual(pct([3, 1, 2], 100), 3)


if __name__ == "__main__":
    unittest.main()
