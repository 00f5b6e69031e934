//! Folding a pane's `RunEvent`s into what is saved of its answer. Pure: the writer thread owns
//! one [`LiveAnswer`] per answer that has unsaved changes.

use serde_json::Value;

use super::model::{AnswerStatus, SentRequest};
use crate::event::FinishReason;
use crate::run::{PaneReport, RunEvent, ToolCallOut};

/// An answer as it streams, and how it ended once it has.
#[derive(Debug, Default)]
pub(crate) struct LiveAnswer {
    pub text: String,
    pub reasoning: String,
    pub tool_calls: Vec<ToolCallOut>,
    pub request: Option<SentRequest>,
    /// The request is saved already: not packed again at every flush.
    pub request_saved: bool,
    pub end: Option<Ended>,
}

#[derive(Debug)]
pub(crate) struct Ended {
    pub status: AnswerStatus,
    /// The report without text, reasoning and tool calls (stored in their own columns).
    pub report: PaneReport,
    pub provider_state: Option<Value>,
    pub finished_at: i64,
}

/// The events that change what is saved; the rest (raw bytes, deltas of tool calls, retries)
/// end up in the final report anyway and are not worth a copy on the channel.
pub(crate) fn worth_recording(event: &RunEvent) -> bool {
    matches!(
        event,
        RunEvent::Request { .. }
            | RunEvent::Text { .. }
            | RunEvent::Reasoning { .. }
            | RunEvent::ToolCall { .. }
            | RunEvent::Done { .. }
    )
}

impl LiveAnswer {
    /// Fold one event in. Returns true when it ended the answer.
    pub fn apply(&mut self, event: RunEvent, now: i64) -> bool {
        if self.end.is_some() {
            return false;
        }
        match event {
            RunEvent::Request { url, headers, body, .. } => {
                self.request = Some(SentRequest { url, headers, body });
                self.request_saved = false;
            }
            RunEvent::Text { text } => self.text.push_str(&text),
            RunEvent::Reasoning { text } => self.reasoning.push_str(&text),
            RunEvent::ToolCall { call } => self.tool_calls.push(call),
            RunEvent::Done { report } => {
                let status = final_status(&report);
                let (report, text, reasoning, tool_calls, provider_state) = split_report(*report);
                // The report is the whole truth; the deltas were a preview of it.
                self.text = text;
                self.reasoning = reasoning;
                self.tool_calls = tool_calls;
                self.end = Some(Ended { status, report, provider_state, finished_at: now });
                return true;
            }
            _ => {}
        }
        false
    }
}

/// How a finished pane is shown: stopped by the user, failed, or done.
pub(crate) fn final_status(report: &PaneReport) -> AnswerStatus {
    if report.finish_reason == Some(FinishReason::Cancelled) {
        AnswerStatus::Stopped
    } else if report.error.is_some() {
        AnswerStatus::Failed
    } else {
        AnswerStatus::Done
    }
}

/// A report, and the parts of it that have their own columns.
pub(crate) type SplitReport = (PaneReport, String, String, Vec<ToolCallOut>, Option<Value>);

pub(crate) fn split_report(mut report: PaneReport) -> SplitReport {
    let text = std::mem::take(&mut report.text);
    let reasoning = std::mem::take(&mut report.reasoning);
    let tool_calls = std::mem::take(&mut report.tool_calls);
    let state = report.provider_state.take();
    (report, text, reasoning, tool_calls, state)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::PaneError;
    use crate::ErrorKind;

    fn done(mut report: PaneReport) -> RunEvent {
        report.text = "final text".into();
        RunEvent::Done { report: Box::new(report) }
    }

    #[test]
    fn deltas_accumulate_and_the_report_wins_at_the_end() {
        let mut a = LiveAnswer::default();
        assert!(!a.apply(RunEvent::Text { text: "fin".into() }, 1));
        assert!(!a.apply(RunEvent::Reasoning { text: "hmm".into() }, 1));
        assert_eq!((a.text.as_str(), a.reasoning.as_str()), ("fin", "hmm"));
        let mut report = PaneReport::new("p", "m");
        report.provider_state = Some(serde_json::json!({"sig": "abc"}));
        assert!(a.apply(done(report), 42));
        assert_eq!(a.text, "final text");
        assert_eq!(a.reasoning, "", "the report had no reasoning");
        let end = a.end.as_ref().unwrap();
        assert_eq!((end.status, end.finished_at), (AnswerStatus::Done, 42));
        assert_eq!(end.report.text, "", "text is not stored twice");
        assert_eq!(end.provider_state, Some(serde_json::json!({"sig": "abc"})));
        // Nothing changes an ended answer.
        assert!(!a.apply(RunEvent::Text { text: "late".into() }, 50));
        assert_eq!(a.text, "final text");
    }

    #[test]
    fn a_stop_is_stopped_and_an_error_is_failed() {
        let mut stopped = PaneReport::new("p", "m");
        stopped.finish_reason = Some(FinishReason::Cancelled);
        stopped.error =
            Some(PaneError { kind: ErrorKind::Cancelled, status: None, message: "stopped".into(), retryable: false });
        assert_eq!(final_status(&stopped), AnswerStatus::Stopped);
        let mut failed = PaneReport::new("p", "m");
        failed.error =
            Some(PaneError { kind: ErrorKind::Server, status: Some(500), message: "boom".into(), retryable: true });
        assert_eq!(final_status(&failed), AnswerStatus::Failed);
        assert_eq!(final_status(&PaneReport::new("p", "m")), AnswerStatus::Done);
    }

    #[test]
    fn the_last_request_is_kept() {
        let mut a = LiveAnswer::default();
        for url in ["http://a", "http://b"] {
            a.apply(
                RunEvent::Request {
                    attempt: 0,
                    provider: "p".into(),
                    model: "m".into(),
                    url: url.into(),
                    headers: vec![("authorization".into(), "Bearer [redacted …1234]".into())],
                    body: serde_json::json!({}),
                    mapping: Default::default(),
                },
                1,
            );
        }
        assert_eq!(a.request.as_ref().unwrap().url, "http://b");
        assert!(!worth_recording(&RunEvent::Raw { text: "x".into() }));
        assert!(worth_recording(&RunEvent::Text { text: "x".into() }));
    }
}
