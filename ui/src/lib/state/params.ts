// Shared parameters, per-pane overrides, and what a pane actually sends (pure, no runes).
import type { Params, Protocol, ReasoningEffort, Routing, TargetRef } from '../../ipc';

export type ParamKey = keyof Params;

/** What a pane changes relative to the composer's shared values. An absent field follows the shared value. */
export interface Overrides {
  /** A system prompt for this pane only ('' = none at all). */
  system?: string;
  params: Params;
  /** Tried in order when the pane's model fails before answering. */
  fallbacks?: TargetRef[];
  /** OpenRouter's routing between upstreams (other providers report it as unsupported). */
  routing?: Routing;
  /** Another protocol of the same provider (OpenAI's Responses API). */
  protocol?: Protocol;
}

export type FieldKind = 'decimal' | 'integer' | 'stop' | 'effort';

export interface ParamField {
  key: ParamKey;
  label: string;
  kind: FieldKind;
  min?: number;
  max?: number;
  step?: number;
  hint: string;
}

export const PARAM_FIELDS: readonly ParamField[] = [
  { key: 'temperature', label: 'Temperature', kind: 'decimal', min: 0, max: 2, step: 0.1, hint: '0–2; lower is more deterministic' },
  { key: 'top_p', label: 'Top p', kind: 'decimal', min: 0, max: 1, step: 0.05, hint: 'nucleus sampling, 0–1' },
  { key: 'max_output_tokens', label: 'Max output tokens', kind: 'integer', min: 1, step: 1, hint: 'upper bound of the answer length' },
  { key: 'stop', label: 'Stop sequences', kind: 'stop', hint: 'comma or newline separated' },
  { key: 'seed', label: 'Seed', kind: 'integer', step: 1, hint: 'for providers that support reproducible sampling' },
  { key: 'reasoning_effort', label: 'Reasoning effort', kind: 'effort', hint: 'for reasoning models' },
  { key: 'thinking_budget', label: 'Thinking budget', kind: 'integer', min: 0, step: 1, hint: 'tokens of thinking (Anthropic, Gemini)' },
];

export const REASONING_EFFORTS: readonly ReasoningEffort[] = ['minimal', 'low', 'medium', 'high'];

/** Stop sequences typed as text: split on commas and newlines, trimmed, empties dropped. */
export function parseStop(text: string): string[] {
  return text
    .split(/[,\n]/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** `provider:model` items separated by commas or newlines. The model may itself contain `:` (e.g. `llama3:8b`). */
export function parseTargets(text: string): TargetRef[] {
  return text
    .split(/[,\n]/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .flatMap((item) => {
      const target = parseTarget(item);
      return target ? [target] : [];
    });
}

export function parseTarget(item: string): TargetRef | null {
  const at = item.indexOf(':');
  if (at <= 0 || at === item.length - 1) return null;
  return { provider: item.slice(0, at).trim(), model: item.slice(at + 1).trim() };
}

export function formatTargets(targets: TargetRef[] | undefined): string {
  return (targets ?? []).map((t) => `${t.provider}:${t.model}`).join('\n');
}

/** The text an input shows for a parameter value ('' = not set). */
export function formatParam(key: ParamKey, value: Params[ParamKey]): string {
  if (value === undefined || value === null) return '';
  if (key === 'stop') return (value as string[]).join('\n');
  return String(value);
}

/** Parses what the user typed for a parameter; `undefined` means "not set" (empty or not a valid value). */
export function parseParam(key: ParamKey, text: string): Params[ParamKey] {
  const field = PARAM_FIELDS.find((f) => f.key === key);
  if (!field) return undefined;
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  switch (field.kind) {
    case 'stop': {
      const stop = parseStop(text);
      return stop.length > 0 ? stop : undefined;
    }
    case 'effort':
      return (REASONING_EFFORTS as readonly string[]).includes(trimmed) ? (trimmed as ReasoningEffort) : undefined;
    case 'integer': {
      const n = Number(trimmed);
      if (!Number.isFinite(n)) return undefined;
      return clamp(Math.round(n), field);
    }
    case 'decimal': {
      const n = Number(trimmed);
      if (!Number.isFinite(n)) return undefined;
      return clamp(n, field);
    }
  }
}

function clamp(n: number, field: ParamField): number {
  if (field.min !== undefined && n < field.min) return field.min;
  if (field.max !== undefined && n > field.max) return field.max;
  return n;
}

/** A copy of `params` with `key` set to `value`, or removed when `value` is undefined. */
export function withParam(params: Params, key: ParamKey, value: Params[ParamKey]): Params {
  const next: Record<string, unknown> = { ...params };
  if (value === undefined) delete next[key];
  else next[key] = value;
  return next as Params;
}

/** Only the fields that are set (an absent field = the provider's default). */
export function compactParams(params: Params): Params {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null) continue;
    if (Array.isArray(v) && v.length === 0) continue;
    out[k] = v;
  }
  return out as Params;
}

/** What a pane sends: the shared values, replaced field by field by the pane's overrides. */
export function effectiveParams(shared: Params, overrides: Params): Params {
  return compactParams({ ...compactParams(shared), ...compactParams(overrides) });
}

/** The pane's system prompt: its override when it has one, else the shared one; empty = none. */
export function effectiveSystem(shared: string, overrides: Overrides): string | null {
  const system = overrides.system !== undefined ? overrides.system : shared;
  return system.trim() === '' ? null : system;
}

export function isOverridden(overrides: Overrides, key: ParamKey): boolean {
  return overrides.params[key] !== undefined;
}

/** How many things this pane overrides (for the badge on its settings toggle). */
export function overrideCount(overrides: Overrides): number {
  return (
    Object.keys(compactParams(overrides.params)).length +
    (overrides.system !== undefined ? 1 : 0) +
    ((overrides.fallbacks?.length ?? 0) > 0 ? 1 : 0) +
    (overrides.routing !== undefined ? 1 : 0) +
    (overrides.protocol !== undefined ? 1 : 0)
  );
}
