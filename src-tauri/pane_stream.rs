//! From a pane's engine events to the messages its channel carries.
//!
//! A fast model sends hundreds of tiny deltas a second; eight panes of them would flood the webview
//! with IPC messages it can only draw once per frame anyway. So text, reasoning and raw bytes are
//! coalesced: the first delta after a quiet spell goes out at once (time to first token is never
//! delayed), later ones on the next tick of the app's frame grid (`frame_grid`: the window's delivery
//! follows the same ticks). Every other event flushes what is pending first, so the order the engine
//! produced is kept.

use std::time::Duration;

use juxta_engine::run::RunEvent;
use tokio::sync::mpsc::UnboundedReceiver;
use tokio::time::Instant;

use crate::delivery_log::{self, Stage};
use crate::frame_grid::{is_quiet, Grid};
use crate::ipc::PaneEvent;

#[derive(Default)]
struct Pending {
    text: String,
    reasoning: String,
    raw: String,
    /// When the oldest pending text or reasoning arrived (for `delivery_log`).
    since: Option<std::time::Instant>,
    /// The pane's id (names its flushes in `delivery_log`).
    pane: u64,
}

impl Pending {
    fn push_text(&mut self, text: &str, reasoning: bool) {
        self.since.get_or_insert_with(std::time::Instant::now);
        if reasoning { &mut self.reasoning } else { &mut self.text }.push_str(text);
    }

    fn is_empty(&self) -> bool {
        self.text.is_empty() && self.reasoning.is_empty() && self.raw.is_empty()
    }

    /// The pending messages, raw bytes first (they arrived before the text decoded from them).
    fn take(&mut self) -> Vec<PaneEvent> {
        let mut out = Vec::with_capacity(2);
        if !self.raw.is_empty() {
            out.push(PaneEvent::Raw { text: std::mem::take(&mut self.raw) });
        }
        if !self.text.is_empty() || !self.reasoning.is_empty() {
            if let Some(since) = self.since.take() {
                delivery_log::record(Stage::Pane { pane: self.pane }, since.elapsed());
            }
            out.push(PaneEvent::Delta {
                text: std::mem::take(&mut self.text),
                reasoning: std::mem::take(&mut self.reasoning),
            });
        }
        out
    }
}

/// Forward `events` to `send` until the pane's `Done` (always the last event) or until `send`
/// returns false (the window went away). Returns whether `Done` was delivered. `observe` sees
/// every event as it arrives, uncoalesced (the history writer). Pending text goes out on `grid`'s
/// ticks. `pane` is the pane's id, naming its flushes in `delivery_log`.
pub async fn forward(
    events: &mut UnboundedReceiver<RunEvent>,
    grid: Grid<Instant>,
    pane: u64,
    mut send: impl FnMut(PaneEvent) -> bool,
    mut observe: impl FnMut(&RunEvent),
) -> bool {
    let mut pending = Pending { pane, ..Pending::default() };
    let mut last_flush: Option<Instant> = None;
    loop {
        let event = if pending.is_empty() {
            events.recv().await
        } else {
            // Something waits for the next tick after the last flush (already past when it has been quiet
            // since): wake for it, or for the next event first.
            let deadline = last_flush.map_or_else(Instant::now, |t| grid.next_after(t, Duration::ZERO));
            tokio::select! {
                biased;
                ev = events.recv() => ev,
                _ = tokio::time::sleep_until(deadline) => {
                    if !flush(&mut pending, &mut last_flush, &mut send) {
                        return false;
                    }
                    continue;
                }
            }
        };
        let Some(event) = event else {
            // The pane task ended without Done (it panicked): deliver what was kept.
            flush(&mut pending, &mut last_flush, &mut send);
            return false;
        };
        observe(&event);
        match event {
            RunEvent::Text { text } => pending.push_text(&text, false),
            RunEvent::Reasoning { text } => pending.push_text(&text, true),
            RunEvent::Raw { text } => pending.raw.push_str(&text),
            other => {
                let done = matches!(other, RunEvent::Done { .. });
                if !flush(&mut pending, &mut last_flush, &mut send) {
                    return false;
                }
                if let Some(ev) = PaneEvent::from_run_event(other) {
                    if !send(ev) {
                        return false;
                    }
                }
                if done {
                    return true;
                }
                continue;
            }
        }
        // A delta after a quiet spell goes out now; otherwise it waits for its tick.
        if is_quiet(last_flush, Instant::now()) && !flush(&mut pending, &mut last_flush, &mut send) {
            return false;
        }
    }
}

fn flush(pending: &mut Pending, last_flush: &mut Option<Instant>, send: &mut impl FnMut(PaneEvent) -> bool) -> bool {
    if pending.is_empty() {
        return true;
    }
    *last_flush = Some(Instant::now());
    pending.take().into_iter().all(send)
}

#[cfg(test)]
mod tests {
    use super::*;
    use juxta_engine::run::PaneReport;
    use tokio::sync::mpsc;

    fn text(t: &str) -> RunEvent {
        RunEvent::Text { text: t.into() }
    }

    fn done() -> RunEvent {
        RunEvent::Done { report: Box::new(PaneReport::new("mock", "normal")) }
    }

    /// `events` fed at their times (ms from the start) through `forward`, on a grid whose ticks fall
    /// `phase_ms` after each 16 ms from the start; what it sent, with when.
    async fn collect_on(events: Vec<(u64, RunEvent)>, phase_ms: u64) -> Vec<(u64, PaneEvent)> {
        let (tx, mut rx) = mpsc::unbounded_channel();
        let start = Instant::now();
        let grid = Grid::new(start + Duration::from_millis(phase_ms));
        let feeder = tokio::spawn(async move {
            for (at_ms, ev) in events {
                tokio::time::sleep_until(start + Duration::from_millis(at_ms)).await;
                tx.send(ev).unwrap();
            }
        });
        let mut got = Vec::new();
        let delivered = forward(&mut rx, grid, 0, |ev| {
            got.push((start.elapsed().as_millis() as u64, ev));
            true
        }, |_| {})
        .await;
        feeder.await.unwrap();
        assert!(delivered);
        got
    }

    async fn collect(events: Vec<(u64, RunEvent)>) -> Vec<(u64, PaneEvent)> {
        collect_on(events, 0).await
    }

    fn delta(t: &str) -> PaneEvent {
        PaneEvent::Delta { text: t.into(), reasoning: String::new() }
    }

    #[tokio::test(start_paused = true)]
    async fn the_first_delta_is_not_delayed_and_a_burst_becomes_one_message_per_frame() {
        let mut events = vec![(0, text("a"))];
        // 30 deltas 1 ms apart, right after the first.
        events.extend((1..=30).map(|i| (i, text("b"))));
        events.push((100, done()));
        let got = collect(events).await;

        assert_eq!(got[0], (0, delta("a")), "first delta at once");
        let deltas: Vec<_> = got.iter().filter(|(_, e)| matches!(e, PaneEvent::Delta { .. })).collect();
        // 31 deltas over 30 ms at one per 16 ms frame: the first, then two or three frames.
        assert!(deltas.len() <= 4, "{deltas:?}");
        for pair in deltas.windows(2) {
            assert!(pair[1].0 - pair[0].0 >= 16, "two messages within a frame: {pair:?}");
        }
        let all: String = deltas
            .iter()
            .map(|(_, e)| match e {
                PaneEvent::Delta { text, .. } => text.as_str(),
                _ => unreachable!(),
            })
            .collect();
        assert_eq!(all, format!("a{}", "b".repeat(30)), "nothing lost, order kept");
        assert!(matches!(got.last().unwrap().1, PaneEvent::Done { .. }));
    }

    #[tokio::test(start_paused = true)]
    async fn pending_text_goes_out_on_the_grid_ticks() {
        // Ticks at 6, 22, 38, ... ms (the window's delivery follows them); a delta every ms from 0 to 40.
        let mut events: Vec<_> = (0..=40).map(|i| (i, text("x"))).collect();
        events.push((100, done()));
        let got = collect_on(events, 6).await;
        let times: Vec<u64> = got.iter().filter(|(_, e)| matches!(e, PaneEvent::Delta { .. })).map(|(t, _)| *t).collect();
        assert_eq!(times, [0, 6, 22, 38, 54], "the first at once, then on the ticks");
        let sent: usize = got
            .iter()
            .map(|(_, e)| match e {
                PaneEvent::Delta { text, .. } => text.len(),
                _ => 0,
            })
            .sum();
        assert_eq!(sent, 41, "nothing lost");
    }

    #[tokio::test(start_paused = true)]
    async fn other_events_flush_pending_text_first_and_done_is_last() {
        let usage = juxta_engine::run::UsageOut { input_tokens: 1, output_tokens: 2, reasoning_tokens: 0, cached_tokens: 0 };
        let got = collect(vec![
            (0, text("x")),
            (1, RunEvent::Reasoning { text: "think".into() }),
            (2, text("y")),
            (3, RunEvent::Usage { usage }),
            (4, done()),
        ])
        .await;
        let kinds: Vec<_> = got.iter().map(|(_, e)| e.clone()).collect();
        assert_eq!(kinds[0], delta("x"));
        assert_eq!(kinds[1], PaneEvent::Delta { text: "y".into(), reasoning: "think".into() });
        assert_eq!(kinds[2], PaneEvent::Usage { usage });
        assert!(matches!(kinds[3], PaneEvent::Done { .. }));
        assert_eq!(kinds.len(), 4);
    }

    #[tokio::test(start_paused = true)]
    async fn a_closed_window_stops_forwarding() {
        let (tx, mut rx) = mpsc::unbounded_channel();
        tx.send(text("a")).unwrap();
        tx.send(done()).unwrap();
        let mut calls = 0;
        let mut seen = 0;
        let delivered = forward(&mut rx, Grid::new(Instant::now()), 0, |_| {
            calls += 1;
            false
        }, |_| seen += 1)
        .await;
        assert!(!delivered);
        assert_eq!(calls, 1);
        assert_eq!(seen, 1, "the observer saw the event the window could not take");
        // What is left is still there for the history writer to drain.
        assert!(matches!(rx.try_recv(), Ok(RunEvent::Done { .. })));
    }
}
