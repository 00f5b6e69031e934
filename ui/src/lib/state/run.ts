// One run of one pane (one turn), and the pure reducer that folds PaneEvents into it.
import type { JsonValue, MappingEntry, PaneError, PaneEvent, PaneReport, SchemaCheck, ToolCallOut, UsageOut } from '../../ipc';

/** The status word of a pane (also its `data-status` attribute). */
export type PaneStatus =
  | 'idle'
  | 'queued'
  | 'connecting'
  | 'waiting'
  | 'streaming'
  | 'retrying'
  | 'done'
  | 'stopped'
  | 'failed'
  /** Saved while it streamed and the app closed before it finished (history only). */
  | 'interrupted';

/** One HTTP attempt as the inspector shows it. */
export interface AttemptView {
  attempt: number;
  provider: string;
  model: string;
  url: string;
  headers: [string, string][];
  body: JsonValue;
  mapping: MappingEntry[];
  /** The HTTP status once connected. */
  status: number | null;
  /** Raw response text received during this attempt. */
  raw: string;
}

export interface RetryNote {
  attempt: number;
  error: PaneError;
  wait_ms: number;
}

export interface FallbackNote {
  from_provider: string;
  from_model: string;
  to_provider: string;
  to_model: string;
  reason: string;
}

/** A tool call being streamed (arguments are JSON text until complete). */
export interface ToolCallView {
  index: number;
  id: string | null;
  name: string | null;
  arguments: string;
  /** The arguments checked against the tool's schema, once the call is complete (none without tools). */
  check?: SchemaCheck | null;
}

export interface PaneRun {
  status: PaneStatus;
  text: string;
  reasoning: string;
  toolCalls: ToolCallView[];
  usage: UsageOut | null;
  attempts: AttemptView[];
  /** Raw text that arrived before any `request` event (rare). */
  raw: string;
  retries: RetryNote[];
  fallbacks: FallbackNote[];
  report: PaneReport | null;
  providerState: JsonValue | null;
  /** `startPane` itself rejected (unknown provider, missing key, ...). */
  startError: string | null;
  /** The id `startPane` resolved to (for `stopPane`). */
  paneId: number | null;
  /** The user asked to stop; `done` has not arrived yet. */
  stopping: boolean;
  /** Waiting for a free slot on a provider that runs `limit` answers at a time. */
  queuedBehind: { provider: string; limit: number } | null;
}

export function newRun(): PaneRun {
  return {
    status: 'queued',
    text: '',
    reasoning: '',
    toolCalls: [],
    usage: null,
    attempts: [],
    raw: '',
    retries: [],
    fallbacks: [],
    report: null,
    providerState: null,
    startError: null,
    paneId: null,
    stopping: false,
    queuedBehind: null,
  };
}

export function isActive(status: PaneStatus): boolean {
  return status === 'queued' || status === 'connecting' || status === 'waiting' || status === 'streaming' || status === 'retrying';
}

export function isFinished(status: PaneStatus): boolean {
  return status === 'done' || status === 'stopped' || status === 'failed' || status === 'interrupted';
}

/** `startPane` resolved: the pane is connecting unless its events already moved it on. */
export function markStarted(run: PaneRun, paneId: number): PaneRun {
  return { ...run, paneId, status: run.status === 'queued' ? 'connecting' : run.status };
}

/** `startPane` rejected: the pane failed before any request. */
export function markStartFailed(run: PaneRun, message: string): PaneRun {
  return { ...run, status: 'failed', startError: message, stopping: false };
}

export function markStopping(run: PaneRun): PaneRun {
  return isActive(run.status) ? { ...run, stopping: true } : run;
}

function withLastAttempt(run: PaneRun, change: (a: AttemptView) => AttemptView): PaneRun {
  if (run.attempts.length === 0) return run;
  const attempts = run.attempts.slice();
  attempts[attempts.length - 1] = change(attempts[attempts.length - 1]);
  return { ...run, attempts };
}

function upsertToolCall(calls: ToolCallView[], call: ToolCallOut): ToolCallView[] {
  const args = JSON.stringify(call.arguments);
  const at = calls.findIndex((c) => c.id === call.id);
  if (at >= 0) {
    const next = calls.slice();
    next[at] = { ...next[at], id: call.id, name: call.name, arguments: args, check: call.check ?? null };
    return next;
  }
  return [...calls, { index: calls.length, id: call.id, name: call.name, arguments: args, check: call.check ?? null }];
}

/** How a finished report reads as a status word. */
export function finalStatus(report: PaneReport): PaneStatus {
  if (report.finish_reason === 'cancelled' || report.error?.kind === 'cancelled') return 'stopped';
  if (report.error) return 'failed';
  return 'done';
}

/** Folds one event into the run (pure: returns a new object, never mutates). */
export function applyEvent(run: PaneRun, event: PaneEvent): PaneRun {
  switch (event.type) {
    case 'request': {
      const attempt: AttemptView = {
        attempt: event.attempt,
        provider: event.provider,
        model: event.model,
        url: event.url,
        headers: event.headers,
        body: event.body,
        mapping: event.mapping,
        status: null,
        raw: '',
      };
      return { ...run, status: 'connecting', queuedBehind: null, attempts: [...run.attempts, attempt] };
    }
    case 'queued':
      return { ...run, status: 'queued', queuedBehind: { provider: event.provider, limit: event.limit } };
    case 'connected': {
      const next = withLastAttempt(run, (a) => ({ ...a, status: event.status }));
      return { ...next, status: 'waiting' };
    }
    case 'delta': {
      if (event.text === '' && event.reasoning === '') return run;
      return { ...run, status: 'streaming', text: run.text + event.text, reasoning: run.reasoning + event.reasoning };
    }
    case 'tool_call_delta': {
      const calls = run.toolCalls.slice();
      const at = calls.findIndex((c) => c.index === event.index);
      const prev = at >= 0 ? calls[at] : { index: event.index, id: null, name: null, arguments: '' };
      const merged: ToolCallView = {
        index: event.index,
        id: event.id ?? prev.id,
        name: event.name ?? prev.name,
        arguments: prev.arguments + event.arguments,
      };
      if (at >= 0) calls[at] = merged;
      else calls.push(merged);
      return { ...run, status: 'streaming', toolCalls: calls };
    }
    case 'tool_call':
      return { ...run, toolCalls: upsertToolCall(run.toolCalls, event.call) };
    case 'usage':
      return { ...run, usage: event.usage };
    case 'raw':
      if (run.attempts.length === 0) return { ...run, raw: run.raw + event.text };
      return withLastAttempt(run, (a) => ({ ...a, raw: a.raw + event.text }));
    case 'retry':
      return { ...run, status: 'retrying', retries: [...run.retries, { attempt: event.attempt, error: event.error, wait_ms: event.wait_ms }] };
    case 'fallback': {
      const { type: _type, ...note } = event;
      return { ...run, fallbacks: [...run.fallbacks, note] };
    }
    case 'done': {
      const report = event.report;
      let toolCalls = run.toolCalls;
      if (report.tool_calls.length > 0) {
        toolCalls = report.tool_calls.map((c, index) => ({
          index,
          id: c.id,
          name: c.name,
          arguments: JSON.stringify(c.arguments),
          check: c.check ?? null,
        }));
      }
      return {
        ...run,
        status: finalStatus(report),
        // What streamed is kept when the report carries less (a stop or a failure mid-answer).
        text: report.text.length >= run.text.length ? report.text : run.text,
        reasoning: report.reasoning.length >= run.reasoning.length ? report.reasoning : run.reasoning,
        toolCalls,
        usage: report.usage ?? run.usage,
        report,
        providerState: event.provider_state,
        stopping: false,
        queuedBehind: null,
      };
    }
  }
}

/** Seconds with one decimal: 2000 → "2.0 s". */
export function formatWait(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** "429 rate limited" */
export function describeError(error: PaneError): string {
  return error.status !== null ? `${error.status} ${error.message}` : error.message;
}

/** An error kind as words ("rate_limited" → "rate limited"): a 320 px status line breaks it between words. */
export function kindWords(kind: PaneError['kind']): string {
  return kind.replaceAll('_', ' ');
}

/** The one-line status of a run, as the pane shows it. */
export function statusLabel(run: PaneRun | undefined): string {
  if (!run) return 'ready';
  const lastRetry = run.retries.at(-1);
  const stopping = run.stopping && isActive(run.status) ? ' · stopping…' : '';
  switch (run.status) {
    case 'idle':
      return 'ready';
    case 'queued': {
      const q = run.queuedBehind;
      const why = q ? `: ${q.provider} runs ${q.limit} at a time` : '';
      return `queued${why}${stopping}`;
    }
    case 'connecting': {
      const attempt = run.attempts.at(-1);
      return `connecting${attempt && attempt.attempt > 1 ? ` (attempt ${attempt.attempt})` : ''}${stopping}`;
    }
    case 'waiting':
      return `waiting for first token${stopping}`;
    case 'streaming':
      return `streaming${stopping}`;
    case 'retrying':
      return lastRetry
        ? `retry ${lastRetry.attempt} after ${formatWait(lastRetry.wait_ms)}: ${describeError(lastRetry.error)}${stopping}`
        : `retrying${stopping}`;
    case 'done':
      return 'done';
    case 'stopped':
      return 'stopped';
    case 'interrupted':
      return 'interrupted (the app closed while it streamed)';
    case 'failed': {
      const error = run.report?.error;
      if (error) return `failed: ${kindWords(error.kind)}`;
      return 'failed';
    }
  }
}

/** Tool call arguments pretty-printed when they are (already) valid JSON. */
export function prettyArguments(text: string): string {
  if (text.trim() === '') return '{}';
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}
