import { describe, expect, it } from 'vitest';
import { benchReport, benchRun, plan } from '../../test/bench';
import { gridRows, hasGrid, truncate } from './grid';

describe('prompt-set grid', () => {
  it('exists only for a prompt set run once', () => {
    expect(hasGrid(benchReport())).toBe(false);
    expect(hasGrid(benchReport({ plan: plan({ repetitions: 1, inputs: [{ a: '1' }] }) }))).toBe(true);
    expect(hasGrid(benchReport({ plan: plan({ repetitions: 2, inputs: [{ a: '1' }] }) }))).toBe(false);
  });

  it('puts each run at its input and pane', () => {
    const report = benchReport({
      plan: plan({ repetitions: 1, inputs: [{ topic: 'tides', tone: 'calm' }, { topic: 'rain' }] }),
      runs: [benchRun({ pane: 2, input: 1, text: 'C1' }), benchRun({ pane: 0, input: 0, text: 'A0' }), benchRun({ pane: 1, input: 0, ok: false, error_class: 'timeout', text: '' })],
    });
    const rows = gridRows(report);
    expect(rows.map((r) => r.label)).toEqual(['topic=tides · tone=calm', 'topic=rain']);
    expect(rows[0].cells.map((c) => c?.text ?? null)).toEqual(['A0', '', null]);
    expect(rows[1].cells.map((c) => c?.text ?? null)).toEqual([null, null, 'C1']);
  });

  it('truncates at a word when one is near', () => {
    expect(truncate('short', 10)).toEqual({ text: 'short', cut: false });
    expect(truncate('the quick brown fox', 12)).toEqual({ text: 'the quick…', cut: true });
    expect(truncate('abcdefghijklmnop', 5)).toEqual({ text: 'abcde…', cut: true });
  });
});
