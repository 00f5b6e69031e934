// Builders for IPC payloads used across tests.
import type { Answer, JsonValue, PaneEvent, PaneReport, ProviderView, Comparison as SavedComparison, Summary } from '../ipc';

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
    max_concurrent: null,
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
    queued_ms: 0,
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

export function summary(over: Partial<Summary> = {}): Summary {
  return {
    id: 1,
    title: 'Why is the sky blue?',
    created_at: Date.now() - 3 * 60_000,
    updated_at: Date.now() - 3 * 60_000,
    pinned: false,
    models: ['openai:gpt-4o', 'anthropic:claude'],
    turns: 1,
    ...over,
  };
}

export function answer(over: Partial<Answer> = {}): Answer {
  return {
    id: 100,
    pane_id: 10,
    status: 'done',
    started_at: Date.UTC(2025, 2, 4, 12, 0),
    finished_at: Date.UTC(2025, 2, 4, 12, 1),
    request: {
      url: 'https://api.openai.com/v1/chat/completions',
      headers: [['authorization', 'Bearer ••••1234']],
      body: { model: 'gpt-4o', stream: true },
    },
    report: report({ text: 'Rayleigh scattering.' }),
    ...over,
  };
}

/** A saved comparison of two panes (10: openai, 11: anthropic) and one turn; the second answer was interrupted. */
export function savedComparison(over: Partial<SavedComparison> = {}): SavedComparison {
  return {
    id: 7,
    title: 'Why is the sky blue?',
    created_at: Date.UTC(2025, 2, 4, 12, 0),
    updated_at: Date.UTC(2025, 2, 4, 12, 1),
    pinned: false,
    panes: [
      { id: 10, provider: 'openai', model: 'gpt-4o', settings: { params: {} }, rating: 4, note: 'clear' },
      { id: 11, provider: 'anthropic', model: 'claude', settings: { system: 'Be a pirate.', params: { temperature: 0.2 } }, rating: null, note: '' },
    ],
    turns: [
      {
        id: 1,
        created_at: Date.UTC(2025, 2, 4, 12, 0),
        prompt: 'Why is the sky blue?',
        system: 'Be brief.',
        params: { temperature: 0.7 },
        only_pane: null,
        answers: [
          answer(),
          answer({
            id: 101,
            pane_id: 11,
            status: 'interrupted',
            finished_at: null,
            request: null,
            report: report({
              provider: 'anthropic',
              model: 'claude',
              text: 'Arr, the sky',
              served_model: null,
              usage: null,
              cost_usd: null,
              finish_reason: null,
              metrics: { ttft_ms: null, total_ms: null, output_tokens_per_s: null, estimated: false },
              attempts: [],
            }),
          }),
        ],
      },
    ],
    ...over,
  };
}
