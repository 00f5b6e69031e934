// Builders for IPC payloads used across tests.
import type { JsonValue, PaneEvent, PaneReport, ProviderView } from '../ipc';

export function provider(over: Partial<ProviderView> = {}): ProviderView {
  return {
    id: 'openai',
    name: 'OpenAI',
    protocol: 'openai',
    base_url: 'https://api.openai.com/v1',
    local: false,
    key_env: 'OPENAI_API_KEY',
    custom: false,
    extra_headers: {},
    key: { state: 'absent' },
    ...over,
  };
}

export function report(over: Partial<PaneReport> = {}): PaneReport {
  return {
    provider: 'openai',
    model: 'gpt-4o',
    served_model: 'gpt-4o-2024-08-06',
    served_by: null,
    substituted: false,
    text: '',
    reasoning: '',
    tool_calls: [],
    finish_reason: 'stop',
    raw_finish_reason: 'stop',
    usage: { input_tokens: 12, output_tokens: 34, reasoning_tokens: 0, cached_tokens: 0 },
    metrics: { ttft_ms: 420, total_ms: 1234, output_tokens_per_s: 27.5, estimated: false },
    cost_usd: 0.000123,
    attempts: [{ provider: 'openai', model: 'gpt-4o', status: 200, error: null, waited_ms: 0 }],
    mapping: [],
    error: null,
    ...over,
  };
}

export function requestEvent(over: Partial<Extract<PaneEvent, { type: 'request' }>> = {}): PaneEvent {
  return {
    type: 'request',
    attempt: 1,
    provider: 'openai',
    model: 'gpt-4o',
    url: 'https://api.openai.com/v1/chat/completions',
    headers: [
      ['authorization', 'Bearer ••••1234'],
      ['content-type', 'application/json'],
    ],
    body: { model: 'gpt-4o', stream: true, messages: [{ role: 'user', content: 'hi' }] },
    mapping: [],
    ...over,
  };
}

export const delta = (text: string, reasoning = ''): PaneEvent => ({ type: 'delta', text, reasoning });
export const done = (r: PaneReport, provider_state: JsonValue | null = null): PaneEvent => ({
  type: 'done',
  report: r,
  provider_state,
});
