//! What crosses the IPC boundary, beside the engine's own report types. Mirrored in TypeScript by
//! `ui/src/ipc/types.ts`; field names are snake_case like `juxta compare --json`.
//! Nothing here can hold a key: a key goes in through `set_key` and never comes back.

use std::collections::BTreeMap;

use juxta_engine::catalog::Preset;
use juxta_engine::request::{Message, Params, ResponseFormat, Routing, ToolChoice, ToolSpec};
use juxta_engine::run::mapping::MappingEntry;
use juxta_engine::run::report::{PaneError, PaneReport, ToolCallOut, UsageOut};
use juxta_engine::run::runner::RunEvent;
use juxta_engine::secrets::SecretError;
use juxta_engine::store::PaneSettings;
use juxta_engine::{ErrorKind, Protocol, ProviderError};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

/// What a command rejects with: `{kind, message, provider?, status?, retryable}` (never a key). The UI
/// shows `message`; `kind` says what the user can do about it.
#[derive(Debug, Clone, PartialEq, Serialize, TS, thiserror::Error)]
#[error("{message}")]
pub struct IpcError {
    pub kind: ErrorKind,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub provider: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub status: Option<u16>,
    pub retryable: bool,
}

impl IpcError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> IpcError {
        IpcError { kind, message: message.into(), provider: None, status: None, retryable: false }
    }

    /// Input the user can correct (a bad id, URL, key format).
    pub fn invalid(message: impl Into<String>) -> IpcError {
        IpcError::new(ErrorKind::InvalidRequest, message)
    }

    /// History or a file could not be read or written (the message says which and why).
    pub fn storage(message: impl Into<String>) -> IpcError {
        IpcError::new(ErrorKind::Other, message)
    }

    pub fn unknown_provider(id: &str) -> IpcError {
        IpcError {
            provider: Some(id.to_string()),
            ..IpcError::new(ErrorKind::NotFound, format!("unknown provider {id:?}: add it in the Providers screen"))
        }
    }

    pub fn for_provider(mut self, id: &str) -> IpcError {
        self.provider = Some(id.to_string());
        self
    }
}

impl From<ProviderError> for IpcError {
    fn from(e: ProviderError) -> IpcError {
        IpcError { kind: e.kind, message: e.message, provider: None, status: e.status, retryable: e.retryable }
    }
}

impl From<SecretError> for IpcError {
    /// Keychain failures are configuration the user fixes (start or unlock a keychain); bad key
    /// formats are input they correct. Neither message quotes the key.
    fn from(e: SecretError) -> IpcError {
        let kind = match e {
            SecretError::Empty | SecretError::InvalidCharacters => ErrorKind::InvalidRequest,
            _ => ErrorKind::Config,
        };
        IpcError::new(kind, e.to_string())
    }
}

/// Whether a provider has a key in the keychain: never the key, at most its last four characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
#[derive(TS)]
pub enum KeyStatus {
    Present { last4: String },
    Absent,
    /// A local server that takes no key (one is still sent if stored).
    NotNeeded,
    /// The keychain could not be read; `message` says why and what to do.
    Unavailable { message: String },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[derive(TS)]
pub struct ProviderView {
    pub id: String,
    pub name: String,
    pub protocol: Protocol,
    pub base_url: String,
    pub local: bool,
    pub key_env: Option<String>,
    /// Added by the user, not a bundled preset.
    pub custom: bool,
    pub extra_headers: BTreeMap<String, String>,
    /// At most this many panes at once on this provider (the others queue); none = no limit.
    pub max_concurrent: Option<u32>,
    pub key: KeyStatus,
}

impl ProviderView {
    pub fn new(p: &Preset, custom: bool, key: KeyStatus) -> ProviderView {
        ProviderView {
            id: p.id.clone(),
            name: p.name.clone(),
            protocol: p.protocol,
            base_url: p.base_url.clone(),
            local: p.local,
            key_env: p.key_env.clone(),
            custom,
            extra_headers: p.extra_headers.clone(),
            max_concurrent: p.max_concurrent,
            key,
        }
    }
}

/// A provider the user defines in the providers screen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[derive(TS)]
pub struct CustomProvider {
    pub id: String,
    pub name: String,
    pub protocol: Protocol,
    pub base_url: String,
    #[serde(default)]
    pub extra_headers: BTreeMap<String, String>,
    /// Panes at once on this provider (a local server that answers one at a time: 1); none = no limit.
    #[serde(default)]
    #[ts(optional)]
    pub max_concurrent: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[derive(TS)]
pub struct ImportedKey {
    pub provider: String,
    pub env_var: String,
    pub last4: String,
}

/// A model server found on this machine.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[derive(TS)]
pub struct LocalServer {
    pub provider: String,
    pub name: String,
    pub base_url: String,
    pub models: Vec<String>,
}

pub use juxta_engine::store::TargetRef;

/// One pane's request: the conversation so far, ending with the new user message.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[derive(TS)]
pub struct PaneRequest {
    pub provider: String,
    pub model: String,
    #[serde(default)]
    pub system: Option<String>,
    pub messages: Vec<Message>,
    #[serde(default)]
    pub params: Params,
    #[serde(default)]
    pub fallbacks: Vec<TargetRef>,
    /// The history answer this pane's events are saved to: set in Rust by `start_turn` from the turn
    /// it has just recorded (none in private mode), never taken from the page.
    #[serde(skip)]
    #[ts(skip)]
    pub answer_id: Option<i64>,
    /// Functions every pane may call (the shared tools editor).
    #[serde(default)]
    #[ts(as = "Option<Vec<ToolSpec>>", optional)]
    pub tools: Vec<ToolSpec>,
    #[serde(default)]
    #[ts(optional)]
    pub tool_choice: Option<ToolChoice>,
    /// The JSON Schema the answer must follow.
    #[serde(default)]
    #[ts(optional)]
    pub response_format: Option<ResponseFormat>,
    /// OpenRouter's routing between upstreams (reported as unsupported elsewhere).
    #[serde(default)]
    #[ts(optional)]
    pub routing: Option<Routing>,
    /// Speak this protocol to the provider instead of its own (OpenAI's Responses API for an
    /// OpenAI-protocol provider).
    #[serde(default)]
    #[ts(optional)]
    pub protocol: Option<Protocol>,
}

/// A turn about to be sent, to be kept in history: `start_turn` creates the comparison (when
/// `comparison_id` is none), the panes that are new (`pane_id` none) and one answer per pane.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[derive(TS)]
pub struct RecordTurn {
    pub comparison_id: Option<i64>,
    pub prompt: String,
    /// The shared system prompt and parameters.
    pub system: String,
    #[serde(default)]
    pub params: Params,
    /// The panes asked, in on-screen order.
    pub panes: Vec<RecordPane>,
    /// A follow-up to the one pane in `panes` only.
    #[serde(default)]
    pub only_pane: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[derive(TS)]
pub struct RecordPane {
    pub pane_id: Option<i64>,
    pub provider: String,
    pub model: String,
    #[serde(default)]
    pub settings: PaneSettings,
}

/// Where a recorded turn went: `panes[i]` is the history pane and answer of `RecordTurn.panes[i]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[derive(TS)]
pub struct RecordedTurn {
    pub comparison_id: i64,
    pub turn_id: i64,
    pub panes: Vec<RecordedPane>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[derive(TS)]
pub struct RecordedPane {
    pub pane_id: i64,
    pub answer_id: i64,
}

/// What `start_turn` did: the turn's place in history (none in private mode, or when history could
/// not save it: `history_error` says why, and the panes run anyway) and each pane's start, in order.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[derive(TS)]
pub struct StartedTurn {
    pub recorded: Option<RecordedTurn>,
    pub history_error: Option<String>,
    pub panes: Vec<PaneStart>,
}

/// One pane of a started turn: its id (for `stop_pane`), or why it could not start (an unknown
/// provider, an empty conversation...). A pane that fails to start never stops the others.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[derive(TS)]
pub enum PaneStart {
    Started { id: u64 },
    Failed { error: IpcError },
}

/// The export formats (`juxta export --format` takes the same names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[derive(TS)]
pub enum ExportFormat {
    Markdown,
    Html,
    Json,
    Jsonl,
    Csv,
}

/// A pane's live events, as the UI receives them over the pane's channel. The engine's
/// `RunEvent`s, except that text and reasoning deltas are coalesced into `Delta` (at most one per
/// frame) and `Done` carries the state a follow-up turn must send back.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[derive(TS)]
pub enum PaneEvent {
    Request {
        attempt: usize,
        provider: String,
        model: String,
        url: String,
        headers: Vec<(String, String)>,
        body: Value,
        mapping: Vec<MappingEntry>,
    },
    Connected {
        attempt: usize,
        status: u16,
    },
    /// The provider's concurrency limit is reached: the pane waits for a free slot.
    Queued {
        provider: String,
        limit: u32,
    },
    Delta {
        text: String,
        reasoning: String,
    },
    ToolCallDelta {
        index: usize,
        id: Option<String>,
        name: Option<String>,
        arguments: String,
    },
    ToolCall {
        call: ToolCallOut,
    },
    Usage {
        usage: UsageOut,
    },
    Raw {
        text: String,
    },
    Retry {
        attempt: usize,
        error: PaneError,
        wait_ms: u64,
    },
    Fallback {
        from_provider: String,
        from_model: String,
        to_provider: String,
        to_model: String,
        reason: String,
    },
    Done {
        report: Box<PaneReport>,
        provider_state: Option<Value>,
    },
}

impl PaneEvent {
    /// The engine event as the UI sees it; `None` for text, reasoning and raw bytes, which the
    /// caller coalesces.
    pub fn from_run_event(ev: RunEvent) -> Option<PaneEvent> {
        Some(match ev {
            RunEvent::Request { attempt, provider, model, url, headers, body, mapping } => {
                PaneEvent::Request { attempt, provider, model, url, headers, body, mapping: mapping.0 }
            }
            RunEvent::Connected { attempt, status } => PaneEvent::Connected { attempt, status },
            RunEvent::Queued { provider, limit } => PaneEvent::Queued { provider, limit },
            RunEvent::ToolCallDelta { index, id, name, arguments } => {
                PaneEvent::ToolCallDelta { index, id, name, arguments }
            }
            RunEvent::ToolCall { call } => PaneEvent::ToolCall { call },
            RunEvent::Usage { usage } => PaneEvent::Usage { usage },
            RunEvent::Retry { attempt, error, wait_ms } => PaneEvent::Retry { attempt, error, wait_ms },
            RunEvent::Fallback { from_provider, from_model, to_provider, to_model, reason } => {
                PaneEvent::Fallback { from_provider, from_model, to_provider, to_model, reason }
            }
            RunEvent::Done { report } => {
                let provider_state = report.provider_state.clone();
                PaneEvent::Done { report, provider_state }
            }
            RunEvent::Text { .. } | RunEvent::Reasoning { .. } | RunEvent::Raw { .. } => return None,
        })
    }
}

/// The TypeScript side of this contract, `ui/src/ipc/bindings.ts`, is generated from these types
/// and the engine's: a test fails when it is stale. Regenerate with
/// `JUXTA_WRITE_BINDINGS=1 cargo test -p juxta-app --lib bindings`.
#[cfg(test)]
mod bindings {
    use juxta_engine::protocol::ModelInfo;
    use juxta_engine::request::{DataCollection, ReasoningEffort, ToolCallRequest};
    use juxta_engine::validate::{SchemaCheck, StructuredCheck, StructuredSource, Violation};
    use juxta_engine::run::mapping::MappingAction;
    use juxta_engine::run::report::Attempt;
    use juxta_engine::run::Metrics;
    use juxta_engine::FinishReason;
    use juxta_engine::bench::{BenchEvent, BenchPlan, BenchReport, BenchRun, ErrorClass, ErrorCounts, PaneSummary, Percentiles};
    use juxta_engine::rank::{Leaderboard, LeaderboardRow, RankMethod};
    use crate::commands::bench::{BenchExportFormat, ChartFormat};
    use juxta_engine::store::{
        Answer, AnswerStatus, BenchListItem, Candidate, Comparison, NewVote, PaneRecord, Prompt, PromptDraft, PromptFilter,
        PromptInputs, PromptSummary, PromptVariant, SearchHit, SentRequest, SnippetPart, Summary, Turn, VariantDraft,
        Vote,
    };
    use ts_rs::{Config, TS};

    use super::*;

    const PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/ui/src/ipc/bindings.ts");

    fn decl<T: TS>(cfg: &Config) -> String {
        format!("export {}\n", T::decl(cfg))
    }

    fn generate() -> String {
        // JSON numbers are JavaScript numbers: no bigint for u64 token counts.
        let cfg = Config::new().with_large_int("number");
        let parts = [
            "// Generated from the Rust types by `JUXTA_WRITE_BINDINGS=1 cargo test -p juxta-app --lib bindings`.\n// Do not edit: change the Rust type (src-tauri/ipc.rs or juxta-engine) and regenerate.\n".to_string(),
            "export type JsonValue = number | string | boolean | Array<JsonValue> | { [key in string]?: JsonValue } | null;\n".to_string(),
            decl::<Protocol>(&cfg),
            decl::<ErrorKind>(&cfg),
            decl::<IpcError>(&cfg),
            decl::<KeyStatus>(&cfg),
            decl::<ProviderView>(&cfg),
            decl::<CustomProvider>(&cfg),
            decl::<ModelInfo>(&cfg),
            decl::<ImportedKey>(&cfg),
            decl::<LocalServer>(&cfg),
            decl::<ReasoningEffort>(&cfg),
            decl::<Params>(&cfg),
            decl::<ToolCallRequest>(&cfg),
            decl::<Message>(&cfg),
            decl::<TargetRef>(&cfg),
            decl::<ToolSpec>(&cfg),
            decl::<ToolChoice>(&cfg),
            decl::<ResponseFormat>(&cfg),
            decl::<DataCollection>(&cfg),
            decl::<Routing>(&cfg),
            decl::<PaneRequest>(&cfg),
            decl::<FinishReason>(&cfg),
            decl::<MappingAction>(&cfg),
            decl::<MappingEntry>(&cfg),
            decl::<PaneError>(&cfg),
            decl::<Violation>(&cfg),
            decl::<SchemaCheck>(&cfg),
            decl::<StructuredSource>(&cfg),
            decl::<StructuredCheck>(&cfg),
            decl::<ToolCallOut>(&cfg),
            decl::<UsageOut>(&cfg),
            decl::<Metrics>(&cfg),
            decl::<Attempt>(&cfg),
            decl::<PaneReport>(&cfg),
            decl::<PaneEvent>(&cfg),
            decl::<PaneSettings>(&cfg),
            decl::<AnswerStatus>(&cfg),
            decl::<SentRequest>(&cfg),
            decl::<Answer>(&cfg),
            decl::<Turn>(&cfg),
            decl::<PaneRecord>(&cfg),
            decl::<Comparison>(&cfg),
            decl::<Summary>(&cfg),
            decl::<SnippetPart>(&cfg),
            decl::<SearchHit>(&cfg),
            decl::<RecordTurn>(&cfg),
            decl::<RecordPane>(&cfg),
            decl::<RecordedTurn>(&cfg),
            decl::<RecordedPane>(&cfg),
            decl::<StartedTurn>(&cfg),
            decl::<PaneStart>(&cfg),
            decl::<ExportFormat>(&cfg),
            decl::<Candidate>(&cfg),
            decl::<NewVote>(&cfg),
            decl::<Vote>(&cfg),
            decl::<RankMethod>(&cfg),
            decl::<LeaderboardRow>(&cfg),
            decl::<Leaderboard>(&cfg),
            decl::<BenchPlan>(&cfg),
            decl::<ErrorClass>(&cfg),
            decl::<BenchRun>(&cfg),
            decl::<Percentiles>(&cfg),
            decl::<ErrorCounts>(&cfg),
            decl::<PaneSummary>(&cfg),
            decl::<BenchReport>(&cfg),
            decl::<BenchEvent>(&cfg),
            decl::<BenchListItem>(&cfg),
            decl::<BenchExportFormat>(&cfg),
            decl::<ChartFormat>(&cfg),
            decl::<PromptInputs>(&cfg),
            decl::<PromptDraft>(&cfg),
            decl::<PromptVariant>(&cfg),
            decl::<Prompt>(&cfg),
            decl::<PromptSummary>(&cfg),
            decl::<PromptFilter>(&cfg),
            decl::<VariantDraft>(&cfg),
        ];
        parts.join("\n")
    }

    #[test]
    fn bindings_are_current() {
        let want = generate();
        if std::env::var_os("JUXTA_WRITE_BINDINGS").is_some() {
            std::fs::write(PATH, &want).expect("write bindings.ts");
        }
        let have = std::fs::read_to_string(PATH).unwrap_or_default();
        assert!(
            have == want,
            "ui/src/ipc/bindings.ts is stale: run JUXTA_WRITE_BINDINGS=1 cargo test -p juxta-app --lib bindings"
        );
    }
}
