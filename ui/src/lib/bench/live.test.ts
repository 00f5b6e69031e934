import { describe, expect, it } from 'vitest';
import { benchReport, benchRun } from '../../test/bench';
import { applyBenchEvent, newLive, progressParts } from './live';

describe('live benchmark', () => {
  it('folds progress, runs and the final report', () => {
    let live = newLive(2);
    live = applyBenchEvent(live, { type: 'progress', done: 0, failed: 0, remaining: 4, elapsed_ms: 0, eta_ms: null });
    live = applyBenchEvent(live, { type: 'run', run: benchRun({ pane: 1 }) });
    live = applyBenchEvent(live, { type: 'run', run: benchRun({ pane: 1, ok: false, error_class: 'server' }) });
    live = applyBenchEvent(live, { type: 'run', run: benchRun({ pane: 0, ok: false, stopped: true }) });
    live = applyBenchEvent(live, { type: 'progress', done: 3, failed: 1, remaining: 1, elapsed_ms: 1500, eta_ms: 500 });
    expect(live.counters).toEqual([
      { ok: 0, failed: 0, stopped: 1 },
      { ok: 1, failed: 1, stopped: 0 },
    ]);
    expect(live.recent).toHaveLength(3);
    expect(live.progress).toEqual({ done: 3, failed: 1, remaining: 1, elapsed_ms: 1500, eta_ms: 500 });
    expect(live.report).toBeNull();
    const report = benchReport();
    expect(applyBenchEvent(live, { type: 'finished', report }).report).toBe(report);
  });

  it('splits the progress bar into succeeded, failed and remaining', () => {
    expect(progressParts({ done: 3, failed: 1, remaining: 1, elapsed_ms: 0, eta_ms: null }, 4)).toEqual({ total: 4, ok: 0.5, failed: 0.25, remaining: 0.25 });
    expect(progressParts(null, 60)).toEqual({ total: 60, ok: 0, failed: 0, remaining: 1 });
  });
});
