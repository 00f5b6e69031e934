// Benchmark fixtures: runs, pane summaries and a finished report with hand-picked numbers.
import type { BenchPlan, BenchReport, BenchRun, PaneSummary, Percentiles } from '../lib/bench/types';

export function benchRun(partial: Partial<BenchRun> = {}): BenchRun {
  return {
    pane: 0,
    input: null,
    rep: 0,
    started_ms: 0,
    ok: true,
    error_class: null,
    stopped: false,
    error: null,
    ttft_ms: 100,
    total_ms: 500,
    output_tokens: 40,
    tokens_per_s: 80,
    cost_usd: 0.0002,
    retries: 0,
    served_model: 'gpt-4o-2024-08-06',
    substituted: false,
    text: 'The sky is blue.',
    ...partial,
  };
}

export function pct(p50: number, p95: number, p99: number, min: number, max: number, n = 4): Percentiles {
  return { n, min, p50, p95, p99, max, mean: (min + max) / 2 };
}

export function paneSummary(partial: Partial<PaneSummary> = {}): PaneSummary {
  return {
    pane: 0,
    label: 'openai/gpt-4o',
    provider: 'openai',
    model: 'gpt-4o',
    runs: 4,
    ok: 4,
    failed: 0,
    stopped: 0,
    error_rate: 0,
    errors: { rate_limited: 0, server: 0, timeout: 0, in_stream: 0, other: 0 },
    retries: 0,
    ttft: pct(120, 190, 198, 100, 200),
    total: pct(650, 880, 896, 500, 900),
    tokens_per_s: pct(80, 95, 99, 60, 100),
    cost_per_run: 0.0002,
    cost_per_1000: 0.2,
    substitution_rate: 0,
    served_models: { 'gpt-4o-2024-08-06': 4 },
    ...partial,
  };
}

export function plan(partial: Partial<BenchPlan> = {}): BenchPlan {
  return { repetitions: 2, concurrency: 4, rps: null, inputs: [], retries: null, ...partial };
}

/** Two routes to gpt-4o (direct, OpenRouter) and a mock pane; pane 1 had a 429 and a substitution. */
export function benchReport(partial: Partial<BenchReport> = {}): BenchReport {
  return {
    started_at: Date.UTC(2026, 10, 26, 9, 0, 0),
    elapsed_ms: 4321,
    plan: plan(),
    stopped: false,
    panes: [
      paneSummary(),
      paneSummary({
        pane: 1,
        label: 'openrouter/openai/gpt-4o',
        provider: 'openrouter',
        model: 'openai/gpt-4o',
        runs: 4,
        ok: 3,
        failed: 1,
        error_rate: 0.25,
        errors: { rate_limited: 1, server: 0, timeout: 0, in_stream: 0, other: 0 },
        retries: 2,
        ttft: pct(310, 395, 399, 300, 400, 3),
        total: pct(1200, 1580, 1596, 1000, 1600, 3),
        cost_per_run: 0.00025,
        cost_per_1000: 0.25,
        substitution_rate: 1 / 3,
        served_models: { 'openai/gpt-4o': 2, 'openai/gpt-4o-mini': 1 },
      }),
      paneSummary({
        pane: 2,
        label: 'mock/echo',
        provider: 'mock',
        model: 'echo',
        cost_per_run: null,
        cost_per_1000: null,
        served_models: { echo: 4 },
      }),
    ],
    runs: [
      benchRun({ pane: 0, rep: 0, ttft_ms: 100, total_ms: 500 }),
      benchRun({ pane: 0, rep: 1, ttft_ms: 200, total_ms: 900 }),
      benchRun({ pane: 1, rep: 0, ttft_ms: 300, total_ms: 1000, served_model: 'openai/gpt-4o' }),
      benchRun({ pane: 1, rep: 1, ok: false, error_class: 'rate_limited', error: 'HTTP 429', ttft_ms: null, total_ms: null, text: '' }),
      benchRun({ pane: 2, rep: 0, ttft_ms: 5, total_ms: 20, served_model: 'echo', cost_usd: null }),
    ],
    ...partial,
  };
}
