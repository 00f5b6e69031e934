import { describe, expect, it } from 'vitest';
import { benchReport, benchRun, paneSummary } from '../../test/bench';
import {
  binCount,
  binEdges,
  cdfRows,
  costPoints,
  ecdf,
  formatDuration,
  formatEta,
  formatPer1k,
  formatPercent,
  histogram,
  histogramRows,
  latencies,
  paneColor,
  PANE_COLORS,
  scatterPoints,
  seriesOf,
} from './charts';

describe('series', () => {
  it('keeps a colour per pane index and makes repeated labels unique', () => {
    const s = seriesOf([paneSummary({ pane: 0 }), paneSummary({ pane: 1, label: 'mock/echo' }), paneSummary({ pane: 2 })]);
    expect(s.map((x) => x.name)).toEqual(['openai/gpt-4o #1', 'mock/echo', 'openai/gpt-4o #3']);
    expect(s.map((x) => x.color)).toEqual([PANE_COLORS[0], PANE_COLORS[1], PANE_COLORS[2]]);
    expect(paneColor(10)).toBe(PANE_COLORS[0]);
    expect(paneColor(-1)).toBe(PANE_COLORS[9]);
  });
});

describe('latency distributions', () => {
  it('takes only successful runs of the pane', () => {
    const runs = [
      benchRun({ pane: 0, total_ms: 30 }),
      benchRun({ pane: 0, ok: false, error_class: 'server', total_ms: 5 }),
      benchRun({ pane: 1, total_ms: 7 }),
      benchRun({ pane: 0, total_ms: null }),
      benchRun({ pane: 0, total_ms: 10, ttft_ms: 4 }),
    ];
    expect(latencies(runs, 0, 'total')).toEqual([30, 10]);
    expect(latencies(runs, 0, 'ttft')).toEqual([100, 100, 4]);
  });

  it('builds an empirical CDF with one step per distinct value', () => {
    expect(ecdf([30, 10, 20, 20])).toEqual([
      { x: 10, y: 0 },
      { x: 10, y: 0.25 },
      { x: 20, y: 0.75 },
      { x: 30, y: 1 },
    ]);
    expect(ecdf([7])).toEqual([
      { x: 7, y: 0 },
      { x: 7, y: 1 },
    ]);
    expect(ecdf([])).toEqual([]);
  });

  it('gives CDF rows per pane, skipping panes without a success', () => {
    const report = benchReport();
    const rows = cdfRows(report, seriesOf(report.panes), 'total');
    expect(rows.filter((r) => r.name === 'openai/gpt-4o').map((r) => [r.x, r.y])).toEqual([
      [500, 0],
      [500, 0.5],
      [900, 1],
    ]);
    // pane 1 has one success (1000) and one 429: the CDF is over successes
    expect(rows.filter((r) => r.name === 'openrouter/openai/gpt-4o').map((r) => [r.x, r.y])).toEqual([
      [1000, 0],
      [1000, 1],
    ]);
  });

  it('bins values into equal-width bins, the last one closed', () => {
    expect(binEdges([0, 10, 4], 5)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(binEdges([3, 3], 4)).toEqual([3, 4]);
    expect(binEdges([], 4)).toEqual([]);
    const bins = histogram([0, 1, 2, 9, 10, 10], [0, 2, 4, 6, 8, 10]);
    expect(bins.map((b) => b.count)).toEqual([2, 1, 0, 0, 3]);
    expect(bins[0]).toEqual({ x0: 0, x1: 2, count: 2, share: 2 / 6 });
    expect(histogram([11, -1], [0, 10]).map((b) => b.count)).toEqual([0]);
    expect(binCount(4)).toBe(5);
    expect(binCount(100)).toBe(10);
    expect(binCount(10000)).toBe(30);
  });

  it('shares the bins between panes', () => {
    const report = benchReport();
    const rows = histogramRows(report, seriesOf(report.panes), 'total');
    // successes: 500, 900, 1000, 20 → edges from 20 to 1000 in 5 bins of 196
    const a = rows.filter((r) => r.name === 'openai/gpt-4o');
    const c = rows.filter((r) => r.name === 'mock/echo');
    expect(a.map((r) => r.x0)).toEqual(c.map((r) => r.x0));
    expect(a[0].x0).toBe(20);
    expect(a[a.length - 1].x1).toBe(1000);
    expect(a.map((r) => r.count)).toEqual([0, 0, 1, 0, 1]);
    expect(c.map((r) => r.share)).toEqual([1, 0, 0, 0, 0]);
  });
});

describe('scatter and cost', () => {
  it('plots (TTFT, total) of successful runs', () => {
    const report = benchReport();
    const pts = scatterPoints(report.runs, seriesOf(report.panes));
    expect(pts).toHaveLength(4);
    expect(pts[0]).toEqual({ name: 'openai/gpt-4o', ttft: 100, total: 500 });
    expect(pts.some((p) => p.name === 'openrouter/openai/gpt-4o' && p.total === 1000)).toBe(true);
  });

  it('places each priced pane at its latency percentile and names the unpriced ones', () => {
    const report = benchReport();
    const series = seriesOf(report.panes);
    const p50 = costPoints(report.panes, series, 'p50');
    expect(p50.points).toEqual([
      { name: 'openai/gpt-4o', latency: 650, cost: 0.2, label: 'openai/gpt-4o · $0.2000 / 1k' },
      { name: 'openrouter/openai/gpt-4o', latency: 1200, cost: 0.25, label: 'openrouter/openai/gpt-4o · $0.2500 / 1k' },
    ]);
    expect(p50.missing).toEqual(['mock/echo']);
    expect(costPoints(report.panes, series, 'p95').points.map((p) => p.latency)).toEqual([880, 1580]);
  });
});

describe('formats', () => {
  it('formats dollars per 1k, percentages and durations', () => {
    expect(formatPer1k(1.5)).toBe('$1.50 / 1k');
    expect(formatPer1k(0.0123)).toBe('$0.0123 / 1k');
    expect(formatPer1k(null)).toBe('—');
    expect(formatPercent(0)).toBe('0%');
    expect(formatPercent(0.125)).toBe('12.5%');
    expect(formatPercent(1 / 3)).toBe('33.3%');
    expect(formatPercent(1)).toBe('100%');
    expect(formatPercent(0.0004)).toBe('<0.1%');
    expect(formatDuration(400)).toBe('<1 s');
    expect(formatDuration(42_400)).toBe('42 s');
    expect(formatDuration(185_000)).toBe('3 min 05 s');
    expect(formatDuration(3_720_000)).toBe('1 h 02 min');
    expect(formatEta(null)).toBe('estimating…');
    expect(formatEta(42_000)).toBe('about 42 s left');
  });
});

describe('chart summaries', () => {
  it('says what each chart shows in words', async () => {
    const { latencySummary, scatterSummary, costSummary } = await import('./charts');
    const report = benchReport();
    const series = seriesOf(report.panes);
    expect(latencySummary(report.panes, series, 'total')).toBe(
      'Total time of successful runs per pane: openai/gpt-4o p50 650 ms, p95 880 ms; openrouter/openai/gpt-4o p50 1.20 s, p95 1.58 s; mock/echo p50 650 ms, p95 880 ms.',
    );
    expect(scatterSummary(report.runs, series)).toContain('(4 runs, 3 panes)');
    expect(costSummary(report.panes, series, 'p50')).toBe(
      'Cost per 1,000 runs against total time p50. Cheapest: openai/gpt-4o ($0.2000 / 1k); fastest: openai/gpt-4o (650 ms). Not plotted (no price known): mock/echo.',
    );
  });
});
