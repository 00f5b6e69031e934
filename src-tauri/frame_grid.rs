//! One frame clock for both stages that deliver a pane's text to the page.
//!
//! `pane_stream` coalesces each pane's deltas into at most one message a frame, and `channel_batch`
//! delivers a window's messages in one script at most once a frame. With a clock each, text could
//! wait a whole frame in each stage: up to 32 ms before the page even has it (#3's lag goal is
//! 100 ms in all). On one grid, panes flush on its ticks and the window's delivery follows each tick
//! by `GATHER`, so text waits at most a frame and the gather.

use std::ops::{Add, Sub};
use std::sync::OnceLock;
use std::time::Duration;

/// One frame at 60 Hz.
pub const FRAME: Duration = Duration::from_millis(16);

/// How long after a tick the window's delivery waits for the panes' flushes of that tick (their tasks
/// wake on tokio's 1 ms timer, a little after it).
pub const GATHER: Duration = Duration::from_millis(4);

/// Ticks `FRAME` apart from `origin`.
#[derive(Clone, Copy, Debug)]
pub struct Grid<I> {
    origin: I,
}

impl<I> Grid<I>
where
    I: Copy + PartialOrd + Add<Duration, Output = I> + Sub<I, Output = Duration>,
{
    pub fn new(origin: I) -> Self {
        Self { origin }
    }

    /// The first point `offset` past a tick that is strictly later than `at`.
    pub fn next_after(&self, at: I, offset: Duration) -> I {
        let first = self.origin + offset;
        if at < first {
            return first;
        }
        // Instants subtract saturating (std and tokio alike).
        let frames = (at - first).as_nanos() / FRAME.as_nanos() + 1;
        first + FRAME * u32::try_from(frames).unwrap_or(u32::MAX)
    }
}

/// Nothing went out in the last frame: what comes now goes at once (time to first token is never delayed).
pub fn is_quiet<I>(last_send: Option<I>, now: I) -> bool
where
    I: Copy + PartialOrd + Add<Duration, Output = I>,
{
    last_send.is_none_or(|t| now >= t + FRAME)
}

/// The app's grid: one origin for every pane and window of the process.
pub fn origin() -> std::time::Instant {
    static ORIGIN: OnceLock<std::time::Instant> = OnceLock::new();
    *ORIGIN.get_or_init(std::time::Instant::now)
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use super::*;

    const MS: Duration = Duration::from_millis(1);

    #[test]
    fn the_next_point_is_strictly_later_and_on_the_grid() {
        let t0 = Instant::now();
        let grid = Grid::new(t0);
        assert_eq!(grid.next_after(t0, Duration::ZERO), t0 + FRAME, "a tick is not after itself");
        assert_eq!(grid.next_after(t0 + MS, Duration::ZERO), t0 + FRAME);
        assert_eq!(grid.next_after(t0 + FRAME + MS, Duration::ZERO), t0 + 2 * FRAME);
        assert_eq!(grid.next_after(t0 + MS, GATHER), t0 + GATHER);
        assert_eq!(grid.next_after(t0 + GATHER, GATHER), t0 + FRAME + GATHER);
        assert_eq!(grid.next_after(t0 + 100 * FRAME + 5 * MS, GATHER), t0 + 101 * FRAME + GATHER);
    }

    #[test]
    fn a_time_before_the_origin_gets_the_first_point() {
        let t0 = Instant::now() + FRAME;
        assert_eq!(Grid::new(t0).next_after(t0 - 3 * MS, GATHER), t0 + GATHER);
    }

    #[test]
    fn quiet_means_nothing_sent_for_a_frame() {
        let now = Instant::now();
        assert!(is_quiet::<Instant>(None, now));
        assert!(is_quiet(Some(now - FRAME), now));
        assert!(!is_quiet(Some(now - 5 * MS), now));
    }

    #[test]
    fn a_pane_flush_woken_late_still_makes_its_tick_delivery() {
        // A pane flushes on a tick, woken up to 3 ms late; the window delivers GATHER after that
        // tick, so the text waited at most a frame and the gather, not two frames.
        let t0 = Instant::now();
        let grid = Grid::new(t0);
        for late in 0..GATHER.as_millis() as u32 {
            let flushed_at = t0 + 7 * FRAME + late * MS;
            // The delivery scheduled for a message arriving then:
            assert_eq!(grid.next_after(flushed_at, GATHER), t0 + 7 * FRAME + GATHER, "woken {late} ms late");
        }
    }
}
