// The IPC contract between the webview and Rust. Payloads use the same snake_case shapes as
// `juxta compare --json` (README), so what the app shows and what the CLI prints read alike.
// Rust side: src-tauri/ipc.rs (app DTOs) and juxta-engine's run/report types.

export type JsonValue = number | string | boolean | JsonValue[] | { [key: string]: JsonValue } | null;

/** The wire protocol a provider speaks. */
export type Protocol = 'openai' | 'anthropic' | 'gemini';

/** Whether a provider has a key in the OS keychain. Never the key itself: at most its last four characters. */
export type KeyStatus =
  | { state: 'present'; last4: string }
  | { state: 'absent' }
  /** A local server: no key needed (one is still sent if stored). */
  | { state: 'not_needed' }
  /** The keychain could not be read (none on this system, locked, refused): `message` says which. */
  | { state: 'unavailable'; message: string };

/** A provider as the UI sees it. */
export interface ProviderView {
  id: string;
  name: string;
  protocol: Protocol;
  base_url: string;
  /** A server on this machine (Ollama, LM Studio, vLLM, the mock, ...). */
  local: boolean;
  /** The environment variable its key is usually kept in (for "import from environment"). */
  key_env: string | null;
  /** Added by the user (editable, deletable), not a bundled preset. */
  custom: boolean;
  extra_headers: Record<string, string>;
  key: KeyStatus;
}

/** A user-defined OpenAI-compatible (or other protocol) provider, saved in the app's config dir. */
export interface CustomProvider {
  /** Lower-case letters, digits and `-`; unique. */
  id: string;
  name: string;
  protocol: Protocol;
  base_url: string;
  extra_headers: Record<string, string>;
}

export interface ModelInfo {
  id: string;
  display_name?: string | null;
  context_length?: number | null;
}

export interface ImportedKey {
  provider: string;
  env_var: string;
  last4: string;
}

/** A server found on this machine at a well-known port (first-run guide). */
export interface LocalServer {
  /** The preset to use for it (`ollama`, `lmstudio`, `vllm`, `llamacpp`). */
  provider: string;
  name: string;
  base_url: string;
  models: string[];
}

// ---- Requests --------------------------------------------------------------------------------

export type ReasoningEffort = 'minimal' | 'low' | 'medium' | 'high';

/** Sampling and length parameters; an absent field means "leave it to the provider". */
export interface Params {
  temperature?: number;
  top_p?: number;
  max_output_tokens?: number;
  stop?: string[];
  seed?: number;
  reasoning_effort?: ReasoningEffort;
  /** Tokens of thinking (Anthropic `budget_tokens`, Gemini `thinkingBudget`). */
  thinking_budget?: number;
}

export interface ToolCallRequest {
  id: string;
  name: string;
  arguments: JsonValue;
}

/** One turn of a pane's conversation. */
export type Message =
  | { role: 'user'; content: string }
  | {
      role: 'assistant';
      content: string;
      tool_calls?: ToolCallRequest[];
      /** Opaque data the provider needs back next turn (from `done.provider_state`). */
      provider_state?: JsonValue;
    }
  | { role: 'tool'; call_id: string; name: string; content: string };

export interface TargetRef {
  provider: string;
  model: string;
}

/** Everything one pane sends: the conversation so far ends with the new user message. */
export interface PaneRequest {
  provider: string;
  model: string;
  system: string | null;
  messages: Message[];
  params: Params;
  /** Tried in order when the model fails before answering. */
  fallbacks: TargetRef[];
}

// ---- What a pane reports -----------------------------------------------------------------------

export type ErrorKind =
  | 'auth'
  | 'permission_denied'
  | 'quota'
  | 'not_found'
  | 'invalid_request'
  | 'rate_limited'
  | 'overloaded'
  | 'server'
  | 'timeout'
  | 'connection'
  | 'stream'
  | 'truncated'
  | 'malformed'
  | 'content_filter'
  | 'cancelled'
  | 'config'
  | 'other';

export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'error' | 'cancelled' | 'other';

export type MappingAction = 'renamed' | 'clamped' | 'dropped' | 'moved' | 'defaulted' | 'unsupported';

/** One way the provider's request differs from what the user asked for, and why. */
export interface MappingEntry {
  param: string;
  action: MappingAction;
  from?: JsonValue;
  to?: JsonValue;
  reason: string;
}

export interface PaneError {
  kind: ErrorKind;
  status: number | null;
  /** The provider's message, or ours; never a key. */
  message: string;
  retryable: boolean;
}

export interface ToolCallOut {
  id: string;
  name: string;
  arguments: JsonValue;
}

export interface UsageOut {
  input_tokens: number;
  output_tokens: number;
  reasoning_tokens: number;
  cached_tokens: number;
}

export interface Metrics {
  ttft_ms: number | null;
  total_ms: number | null;
  output_tokens_per_s: number | null;
  /** No usage was sent: token counts were estimated from the text. */
  estimated: boolean;
}

/** One HTTP attempt (retries and fallbacks each add one). */
export interface Attempt {
  provider: string;
  model: string;
  status: number | null;
  error: PaneError | null;
  waited_ms: number;
}

/** How a pane ended: the same object `juxta compare --json` prints per pane. */
export interface PaneReport {
  provider: string;
  model: string;
  served_model: string | null;
  served_by: string | null;
  substituted: boolean;
  text: string;
  reasoning: string;
  tool_calls: ToolCallOut[];
  finish_reason: FinishReason | null;
  raw_finish_reason: string | null;
  usage: UsageOut | null;
  metrics: Metrics;
  cost_usd: number | null;
  attempts: Attempt[];
  mapping: MappingEntry[];
  error: PaneError | null;
}

/**
 * The live events of one pane, in order, over its own channel. Text and reasoning deltas are
 * coalesced in Rust to at most one `delta` per animation frame. `done` is always last.
 */
export type PaneEvent =
  /** An attempt is about to be sent: the exact request (key redacted) and how it was mapped. */
  | {
      type: 'request';
      attempt: number;
      provider: string;
      model: string;
      url: string;
      headers: [string, string][];
      body: JsonValue;
      mapping: MappingEntry[];
    }
  /** Response headers arrived with a success status: the answer streams next. */
  | { type: 'connected'; attempt: number; status: number }
  | { type: 'delta'; text: string; reasoning: string }
  | { type: 'tool_call_delta'; index: number; id: string | null; name: string | null; arguments: string }
  | { type: 'tool_call'; call: ToolCallOut }
  | { type: 'usage'; usage: UsageOut }
  /** Raw response bytes as received (for the inspector), capped per pane. */
  | { type: 'raw'; text: string }
  /** The attempt failed before its first byte; tried again after `wait_ms`. */
  | { type: 'retry'; attempt: number; error: PaneError; wait_ms: number }
  | { type: 'fallback'; from_provider: string; from_model: string; to_provider: string; to_model: string; reason: string }
  | { type: 'done'; report: PaneReport; provider_state: JsonValue | null };
