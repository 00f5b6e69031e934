// Small display helpers for metrics and errors (pure).
import type { ErrorKind } from '../../ipc';

/** 420 → "420 ms", 1234 → "1.23 s", 65000 → "65.0 s". */
export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 10000) return `${(ms / 1000).toFixed(2)} s`;
  return `${(ms / 1000).toFixed(1)} s`;
}

export function formatRate(perSecond: number | null | undefined, estimated: boolean): string {
  if (perSecond === null || perSecond === undefined) return '—';
  return `${estimated ? '≈ ' : ''}${perSecond.toFixed(1)} tok/s`;
}

export function formatTokens(n: number | null | undefined, estimated: boolean): string {
  if (n === null || n === undefined) return '—';
  return `${estimated ? '≈ ' : ''}${n.toLocaleString('en-US')}`;
}

/** USD with enough digits to see small costs: 0.000123 → "$0.000123", 1.5 → "$1.50". */
export function formatCost(usd: number | null | undefined): string {
  if (usd === null || usd === undefined) return '—';
  if (usd === 0) return '$0';
  if (usd >= 1) return `$${usd.toFixed(2)}`;
  if (usd >= 0.01) return `$${usd.toFixed(4)}`;
  return `$${usd.toPrecision(3)}`;
}

/** What the user can do about each kind of error. */
export const ERROR_HINTS: Record<ErrorKind, string> = {
  auth: 'The provider refused the key. Check or replace it in Providers.',
  permission_denied: 'The key works but may not use this model or endpoint. Check the key’s permissions or project.',
  quota: 'The account is out of credit or over its quota. Check billing with the provider.',
  not_found: 'The model or endpoint does not exist. Check the model id (the picker lists what the provider offers).',
  invalid_request: 'The provider rejected the request. The Inspector shows what was sent; try removing overrides.',
  rate_limited: 'Too many requests. Wait a moment and run again, or add a fallback model.',
  overloaded: 'The provider is overloaded. Try again shortly or add a fallback model.',
  server: 'The provider had an internal error. Try again later.',
  timeout: 'No answer in time. Try again, or lower the max output tokens.',
  connection: 'Could not reach the server. Check the base URL in Providers and that the server is running.',
  stream: 'The stream broke off. The partial answer is kept; run again to get a full one.',
  truncated: 'The answer was cut off. The partial answer is kept; raise max output tokens or run again.',
  malformed: 'The provider sent something Juxta could not read. The Inspector shows the raw stream.',
  content_filter: 'The provider’s content filter stopped the answer. Rephrase the prompt.',
  cancelled: 'Stopped. What arrived before the stop is kept.',
  config: 'Juxta’s configuration for this provider is incomplete. Check it in Providers.',
  other: 'Something unexpected happened. The Inspector shows the request and raw stream.',
};
