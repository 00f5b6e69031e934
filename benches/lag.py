"""The arithmetic of the desktop app's lag figures (benches/app_perf.py), kept pure so it is tested
(benches/test_lag.py). Times are in ms; the page's and the app's clocks are both the wall clock."""
import bisect


def pct(values, p):
    """The p-th percentile of `values`, interpolated between the two nearest."""
    values = sorted(values)
    k = (len(values) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def streaming_gaps(changes, ended):
    """The intervals between one pane's successive text changes while it streams (up to its `done`): text that
    arrives just after a change shows at the next one, so this bounds how long the page holds a pane's text back."""
    gaps = []
    for i, times in changes.items():
        live = [t for t in times if t <= ended.get(i, float("inf"))]
        gaps += [b - a for a, b in zip(live, live[1:])]
    return gaps


def screen_behind(arrived, received, drawn, step=1.0):
    """How far behind its stream one pane's screen is, sampled every `step` ms. `arrived[k]` is when the oldest
    text of the pane's k-th delta reached the app (Unix ms), `received[k]` when the page got that delta, `drawn` when
    the page changed the pane's text (each render draws all text received before it). At any moment the screen is as
    far behind as the oldest text not yet drawn is old; sampled from the first text's arrival until the last is drawn."""
    drawn = sorted(drawn)
    first_drawn = []
    for r in received:
        j = bisect.bisect_left(drawn, r)
        first_drawn.append(drawn[j] if j < len(drawn) else float("inf"))
    if not arrived or first_drawn[-1] == float("inf"):
        return []
    out, k, t = [], 0, arrived[0]
    while t < first_drawn[-1]:
        while first_drawn[k] <= t:  # stops at the last, drawn only when the loop ends
            k += 1
        out.append(max(0.0, t - arrived[k]))
        t += step
    return out


def trips(deliveries, ran):
    """How long each delivery's script took to run in the page (ms), or None if the page never ran it: each send
    (Unix ms, the app's clock) matched by its key with the run of the same key (the page's clock). Page runs with no
    send (invoke answers) are skipped. (Matching by time alone misleads: a script one frame late is taken for the
    next delivery's, which was sent about a frame later, and shows as no wait at all.)"""
    run_at = {key: at for at, key in ran}
    return [max(0.0, run_at[key] - at) if key in run_at else None for at, _, key in deliveries]


def quantiles(values, n=50):
    """`n` evenly spaced quantiles (the middle of each n-th), standing for the whole distribution."""
    return [pct(values, 100 * (k + 0.5) / n) for k in range(n)]
