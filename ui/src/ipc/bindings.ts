// Generated from the Rust types by `JUXTA_WRITE_BINDINGS=1 cargo test -p juxta-app --lib bindings`.
// Do not edit: change the Rust type (src-tauri/ipc.rs or juxta-engine) and regenerate.

export type JsonValue = number | string | boolean | Array<JsonValue> | { [key in string]?: JsonValue } | null;

export type Protocol = "openai" | "anthropic" | "gemini" | "ollama" | "openai-responses";

export type ErrorKind = "auth" | "permission_denied" | "quota" | "not_found" | "invalid_request" | "rate_limited" | "overloaded" | "server" | "timeout" | "connection" | "stream" | "truncated" | "malformed" | "content_filter" | "cancelled" | "config" | "other";

export type IpcError = { kind: ErrorKind, message: string, provider?: string, status?: number, retryable: boolean, };

export type KeyStatus = { "state": "present", last4: string, } | { "state": "absent" } | { "state": "not_needed" } | { "state": "unavailable", message: string, };

export type ProviderView = { id: string, name: string, protocol: Protocol, base_url: string, local: boolean, key_env: string | null, 
/**
 * Added by the user, not a bundled preset.
 */
custom: boolean, extra_headers: { [key in string]: string }, 
/**
 * At most this many panes at once on this provider (the others queue); none = no limit.
 */
max_concurrent: number | null, key: KeyStatus, };

export type CustomProvider = { id: string, name: string, protocol: Protocol, base_url: string, extra_headers: { [key in string]: string }, 
/**
 * Panes at once on this provider (a local server that answers one at a time: 1); none = no limit.
 */
max_concurrent?: number, };

export type ModelInfo = { 
/**
 * The id to send as `model` (Gemini's `models/` prefix removed).
 */
id: string, display_name?: string, context_length?: number, };

export type ImportedKey = { provider: string, env_var: string, last4: string, };

export type LocalServer = { provider: string, name: string, base_url: string, models: Array<string>, };

export type ReasoningEffort = "minimal" | "low" | "medium" | "high";

export type Params = { temperature?: number, top_p?: number, max_output_tokens?: number, stop?: Array<string>, seed?: number, reasoning_effort?: ReasoningEffort, 
/**
 * A token budget for thinking (Anthropic `budget_tokens`, Gemini `thinkingBudget`).
 */
thinking_budget?: number, };

export type ToolCallRequest = { id: string, name: string, arguments: JsonValue, };

export type Message = { "role": "user", content: string, } | { "role": "assistant", content: string, tool_calls?: Array<ToolCallRequest>, 
/**
 * Opaque provider data that must be sent back on the next turn (Gemini thought signatures,
 * Anthropic thinking signatures), keyed by nothing but order.
 */
provider_state?: JsonValue, } | { "role": "tool", call_id: string, name: string, content: string, };

export type TargetRef = { provider: string, model: string, };

export type ToolSpec = { name: string, description: string, 
/**
 * JSON Schema of the arguments object.
 */
parameters: JsonValue, };

export type ToolChoice = { "type": "auto" } | { "type": "none" } | { "type": "required" } | { "type": "tool", "name": string };

export type ResponseFormat = { name: string, schema: JsonValue, strict?: boolean, };

export type DataCollection = "allow" | "deny";

export type Routing = { 
/**
 * Upstreams to try first, in order (`anthropic`, `google-vertex`, ...).
 */
order?: Array<string>, 
/**
 * Whether other upstreams may serve when those fail (OpenRouter's default: yes).
 */
allow_fallbacks?: boolean, 
/**
 * Only upstreams that support every parameter sent.
 */
require_parameters?: boolean, 
/**
 * `allow` or `deny`: whether upstreams that may store or train on prompts are used.
 */
data_collection?: DataCollection, 
/**
 * Only zero-data-retention upstreams.
 */
zdr?: boolean, 
/**
 * Allowed quantizations (`fp8`, `bf16`, `int4`, ...).
 */
quantizations?: Array<string>, 
/**
 * `price`, `throughput` or `latency`.
 */
sort?: string, };

export type PaneRequest = { provider: string, model: string, system: string | null, messages: Array<Message>, params: Params, fallbacks: Array<TargetRef>, 
/**
 * Functions every pane may call (the shared tools editor).
 */
tools?: Array<ToolSpec>, tool_choice?: ToolChoice, 
/**
 * The JSON Schema the answer must follow.
 */
response_format?: ResponseFormat, 
/**
 * OpenRouter's routing between upstreams (reported as unsupported elsewhere).
 */
routing?: Routing, 
/**
 * Speak this protocol to the provider instead of its own (OpenAI's Responses API for an
 * OpenAI-protocol provider).
 */
protocol?: Protocol, };

export type FinishReason = "stop" | "length" | "tool_calls" | "content_filter" | "error" | "cancelled" | "other";

export type MappingAction = "renamed" | "clamped" | "dropped" | "moved" | "defaulted" | "unsupported";

export type MappingEntry = { 
/**
 * The neutral parameter (`temperature`, `system`, `max_output_tokens`, ...).
 */
param: string, action: MappingAction, 
/**
 * The value or name the user gave, when there was one.
 */
from?: JsonValue, 
/**
 * What was sent (a wire field name for renames and moves, a value for clamps and defaults).
 */
to?: JsonValue, reason: string, };

export type PaneError = { kind: ErrorKind, status: number | null, message: string, retryable: boolean, };

export type Violation = { 
/**
 * A JSON pointer into the value (`/city`, `` for the value itself).
 */
path: string, message: string, };

export type SchemaCheck = { valid: boolean, violations: Array<Violation>, };

export type StructuredSource = "text" | "text_in_fence" | "tool_call";

export type StructuredCheck = { 
/**
 * Where the JSON came from: `text` (the answer), `text_in_fence` (the answer wrapped in a
 * ``` fence, which a strict parser would reject), or `tool_call` (a forced tool call, as
 * Anthropic's emulation does).
 */
source: StructuredSource, 
/**
 * The parsed value, when the answer was JSON at all.
 */
parsed: unknown, check: SchemaCheck, };

export type ToolCallOut = { id: string, name: string, arguments: JsonValue, 
/**
 * The arguments checked against the tool's schema (absent when no tools were given).
 */
check?: SchemaCheck, };

export type UsageOut = { input_tokens: number, output_tokens: number, reasoning_tokens: number, cached_tokens: number, };

export type Metrics = { 
/**
 * Request sent → first text or reasoning byte out of the decoder.
 */
ttft_ms: number | null, 
/**
 * Request sent → end of the stream.
 */
total_ms: number | null, 
/**
 * Output tokens over the generation time (first token → end).
 */
output_tokens_per_s: number | null, 
/**
 * True when the provider sent no usage and token counts were estimated from the text.
 */
estimated: boolean, };

export type Attempt = { provider: string, model: string, 
/**
 * The HTTP status, or none when no response came (connection failure, timeout).
 */
status: number | null, 
/**
 * Why it failed, or none when it streamed an answer.
 */
error: PaneError | null, 
/**
 * How long the pane waited before this attempt (backoff or `Retry-After`).
 */
waited_ms: number, };

export type PaneReport = { 
/**
 * The provider id asked for (the first target; see `attempts` for fallbacks).
 */
provider: string, model: string, 
/**
 * The model the provider said answered.
 */
served_model: string | null, 
/**
 * The upstream an aggregator routed to (OpenRouter's `provider`).
 */
served_by: string | null, 
/**
 * True when the answer came from a different model than the one asked for: a fallback,
 * or a provider serving another model (not a dated snapshot of the same one).
 */
substituted: boolean, text: string, reasoning: string, tool_calls: Array<ToolCallOut>, finish_reason: FinishReason | null, raw_finish_reason: string | null, usage: UsageOut | null, metrics: Metrics, 
/**
 * Time spent waiting for a free slot on a provider with a concurrency limit (not part of
 * TTFT or total time, which start when the request is sent).
 */
queued_ms: number, cost_usd: number | null, attempts: Array<Attempt>, mapping: Array<MappingEntry>, error: PaneError | null, 
/**
 * The answer checked against the response schema, when one was asked for.
 */
structured?: StructuredCheck, };

export type PaneEvent = { "type": "request", attempt: number, provider: string, model: string, url: string, headers: Array<[string, string]>, body: JsonValue, mapping: Array<MappingEntry>, } | { "type": "connected", attempt: number, status: number, } | { "type": "queued", provider: string, limit: number, } | { "type": "delta", text: string, reasoning: string, } | { "type": "tool_call_delta", index: number, id: string | null, name: string | null, arguments: string, } | { "type": "tool_call", call: ToolCallOut, } | { "type": "usage", usage: UsageOut, } | { "type": "raw", text: string, } | { "type": "retry", attempt: number, error: PaneError, wait_ms: number, } | { "type": "fallback", from_provider: string, from_model: string, to_provider: string, to_model: string, reason: string, } | { "type": "done", report: PaneReport, provider_state: JsonValue | null, };

export type PaneSettings = { system?: string, params: Params, fallbacks?: Array<TargetRef>, };

export type AnswerStatus = "streaming" | "done" | "stopped" | "failed" | "interrupted";

export type SentRequest = { url: string, headers: Array<[string, string]>, body: unknown, };

export type Answer = { id: number, pane_id: number, status: AnswerStatus, started_at: number, finished_at: number | null, 
/**
 * The last attempt's request: URL, headers (key redacted) and JSON body.
 */
request: SentRequest | null, 
/**
 * While streaming: text and reasoning so far, the rest default. At the end: the whole report.
 */
report: PaneReport, 
/**
 * What the protocol needs back on a follow-up turn (thinking signatures).
 */
provider_state?: unknown, };

export type Turn = { id: number, created_at: number, 
/**
 * The user message.
 */
prompt: string, 
/**
 * The shared system prompt at the time (a pane's override wins over it).
 */
system: string, 
/**
 * The shared parameters at the time (a pane's overrides win over them).
 */
params: Params, 
/**
 * Set when the follow-up went to this one pane only.
 */
only_pane: number | null, 
/**
 * One answer per pane that was asked, in pane order.
 */
answers: Array<Answer>, };

export type PaneRecord = { id: number, provider: string, model: string, settings: PaneSettings, 
/**
 * The user's rating, 1 to 5 stars.
 */
rating: number | null, 
/**
 * The user's note on this pane's answers.
 */
note: string, };

export type Comparison = { 
/**
 * The local history id (import assigns a new one).
 */
id: number, 
/**
 * The first line of the first prompt unless the user renamed it.
 */
title: string, created_at: number, updated_at: number, pinned: boolean, 
/**
 * The panes, in their on-screen order.
 */
panes: Array<PaneRecord>, 
/**
 * The turns, oldest first.
 */
turns: Array<Turn>, };

export type Summary = { id: number, title: string, created_at: number, updated_at: number, pinned: boolean, 
/**
 * `provider:model` of each pane, in pane order.
 */
models: Array<string>, turns: number, };

export type SnippetPart = { text: string, hit: boolean, };

export type SearchHit = { summary: Summary, 
/**
 * The matching passage, split into plain parts and matched words (`hit`), so the UI can
 * highlight without parsing markup.
 */
snippet: Array<SnippetPart>, };

export type RecordTurn = { comparison_id: number | null, prompt: string, 
/**
 * The shared system prompt and parameters.
 */
system: string, params: Params, 
/**
 * The panes asked, in on-screen order.
 */
panes: Array<RecordPane>, 
/**
 * A follow-up to the one pane in `panes` only.
 */
only_pane: boolean, };

export type RecordPane = { pane_id: number | null, provider: string, model: string, settings: PaneSettings, };

export type RecordedTurn = { comparison_id: number, turn_id: number, panes: Array<RecordedPane>, };

export type RecordedPane = { pane_id: number, answer_id: number, };

export type StartedTurn = { recorded: RecordedTurn | null, history_error: string | null, panes: Array<PaneStart>, };

export type PaneStart = { "type": "started", id: number, } | { "type": "failed", error: IpcError, };

export type ExportFormat = "markdown" | "html" | "json" | "jsonl" | "csv";

export type Candidate = { provider: string, 
/**
 * The model asked for: the leaderboard ranks `provider/model`.
 */
model: string, 
/**
 * The model that actually answered, when the provider said (it may differ: substitution).
 */
served_model?: string, 
/**
 * The blind name it had when the user voted ("Model B").
 */
pane_label?: string, };

export type NewVote = { 
/**
 * The history comparison voted on; None when the run was not recorded (private mode).
 */
comparison_id: number | null, 
/**
 * The history turn voted on, when recorded.
 */
turn_id: number | null, 
/**
 * In the real (unshuffled) pane order.
 */
candidates: Array<Candidate>, winner: number | null, tie: boolean, 
/**
 * The prompt voted on; only its start is kept ([`PROMPT_EXCERPT_CHARS`]).
 */
prompt: string, };

export type Vote = { id: number, created_at: number, 
/**
 * None when the run was not recorded, or its comparison was purged since.
 */
comparison_id: number | null, turn_id: number | null, candidates: Array<Candidate>, winner: number | null, tie: boolean, prompt: string, };

export type RankMethod = "elo" | "bradley_terry";

export type LeaderboardRow = { 
/**
 * `provider/model`: what is ranked.
 */
key: string, provider: string, model: string, 
/**
 * What to show: the model, with its provider beside it in the UI.
 */
label: string, 
/**
 * On the Elo scale (1500 = average start) for both methods.
 */
rating: number, 
/**
 * Votes this model took part in (= wins + losses + ties).
 */
votes: number, 
/**
 * Votes it won, votes another model won, votes called a tie.
 */
wins: number, losses: number, ties: number, };

export type Leaderboard = { method: RankMethod, 
/**
 * The votes counted (a vote between two panes of one model compares nothing and is left out).
 */
votes: number, rows: Array<LeaderboardRow>, };

export type BenchPlan = { 
/**
 * Runs per pane and per input row, >= 1.
 */
repetitions: number, 
/**
 * Most requests in flight at once per provider, >= 1.
 */
concurrency: number, 
/**
 * Requests started per second over the whole bench; None = as fast as the limits allow.
 */
rps: number | null, 
/**
 * The prompt set's rows (variable name -> value); empty = the prompt as it is.
 */
inputs: Array<{ [key in string]: string }>, 
/**
 * Retries per run; None = each pane's own retry policy, Some(0) = count raw failures.
 */
retries: number | null, };

export type ErrorClass = "rate_limited" | "server" | "timeout" | "in_stream" | "other";

export type BenchRun = { 
/**
 * Index into the comparison's panes.
 */
pane: number, 
/**
 * Index into `plan.inputs` (None when there are no inputs).
 */
input: number | null, 
/**
 * 0-based repetition.
 */
rep: number, 
/**
 * When the request left, in ms from the bench start.
 */
started_ms: number, ok: boolean, 
/**
 * Some when the run failed; None for a success and for a stopped run.
 */
error_class: ErrorClass | null, 
/**
 * Stopped by the user while in flight (neither ok nor failed).
 */
stopped: boolean, 
/**
 * The pane's error message (never a key).
 */
error: string | null, 
/**
 * Request leaving -> first content event (text, reasoning or tool call).
 */
ttft_ms: number | null, 
/**
 * Request leaving -> end of the stream.
 */
total_ms: number | null, 
/**
 * As the provider reported them (None when it sent no usage).
 */
output_tokens: number | null, 
/**
 * Output tokens over the generation time (first token -> end).
 */
tokens_per_s: number | null, cost_usd: number | null, 
/**
 * Attempts after the first (retries and fallbacks).
 */
retries: number, served_model: string | null, 
/**
 * The model that answered is not the one asked for (a fallback or a provider's swap).
 */
substituted: boolean, 
/**
 * The answer.
 */
text: string, };

export type Percentiles = { 
/**
 * How many values.
 */
n: number, min: number, p50: number, p95: number, p99: number, max: number, mean: number, };

export type ErrorCounts = { rate_limited: number, server: number, timeout: number, in_stream: number, other: number, };

export type PaneSummary = { pane: number, 
/**
 * `provider/model`.
 */
label: string, provider: string, model: string, runs: number, ok: number, failed: number, stopped: number, 
/**
 * failed / (runs - stopped), 0..1 (0 when nothing ran to an end).
 */
error_rate: number, errors: ErrorCounts, 
/**
 * Retries over all runs.
 */
retries: number, 
/**
 * Over successful runs.
 */
ttft: Percentiles | null, total: Percentiles | null, tokens_per_s: Percentiles | null, 
/**
 * Mean over the runs with a known cost (USD).
 */
cost_per_run: number | null, cost_per_1000: number | null, 
/**
 * Substituted / ok, 0..1.
 */
substitution_rate: number, 
/**
 * Every served model name seen, with its count.
 */
served_models: { [key in string]: number }, };

export type BenchReport = { 
/**
 * Unix ms, wall clock (for display only).
 */
started_at: number, elapsed_ms: number, plan: BenchPlan, 
/**
 * Stopped before every run was done: runs not yet started are absent.
 */
stopped: boolean, panes: Array<PaneSummary>, 
/**
 * In the order they finished.
 */
runs: Array<BenchRun>, };

export type BenchEvent = { "type": "progress", done: number, failed: number, remaining: number, elapsed_ms: number, eta_ms: number | null, } | { "type": "run", run: BenchRun, } | { "type": "finished", report: BenchReport, };

export type BenchListItem = { id: number, name: string, 
/**
 * When it started (Unix ms).
 */
created_at: number, 
/**
 * `provider/model` of every pane, in order.
 */
panes: Array<string>, 
/**
 * Runs kept (stopped ones included).
 */
runs: number, 
/**
 * Runs that failed (not counting stopped ones).
 */
failed: number, stopped: boolean, elapsed_ms: number, };

export type BenchExportFormat = "csv" | "json";

export type ChartFormat = "svg" | "png";

export type PromptInputs = { columns: Array<string>, 
/**
 * Each row has exactly one cell per column.
 */
rows: Array<Array<string>>, };

export type PromptDraft = { name: string, tags: Array<string>, system: string, user: string, inputs: PromptInputs, };

export type PromptVariant = { id: number, prompt_id: number, provider: string, model: string, label: string, system: string | null, user: string | null, params: Params, note: string, created_at: number, updated_at: number, };

export type Prompt = { id: number, name: string, tags: Array<string>, system: string, user: string, inputs: PromptInputs, created_at: number, updated_at: number, 
/**
 * Ordered by provider, model and label.
 */
variants: Array<PromptVariant>, };

export type PromptSummary = { id: number, name: string, tags: Array<string>, 
/**
 * The start of the user prompt (for the list; the whole text comes with `get_prompt`).
 */
preview: string, variants: number, updated_at: number, };

export type PromptFilter = { 
/**
 * Words that must each appear in the name, a tag, the system or the user prompt (any case).
 */
text: string, 
/**
 * A tag the prompt must have (any case).
 */
tag: string, };

export type VariantDraft = { prompt_id: number, provider: string, model: string, 
/**
 * Tells several variants for one model apart ('' for the only one).
 */
label: string, 
/**
 * None: the prompt's own system prompt.
 */
system: string | null, 
/**
 * None: the prompt's own user prompt.
 */
user: string | null, 
/**
 * The pane's parameter overrides (absent fields follow the shared values).
 */
params: Params, note: string, };
