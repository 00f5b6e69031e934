// Pure computations behind the benchmark's charts and table: series per pane, bins, CDF points, and the
// display formats. No DOM here (plots.ts draws these with Observable Plot).
import { formatCost, formatMs } from '../state/format';
import type { BenchReport, BenchRun, PaneSummary } from './types';

export { formatMs };

/** Observable's "observable10" scheme: readable on the light and the dark theme, distinct for 10 panes. */
export const PANE_COLORS = ['#4269d0', '#efb118', '#ff725c', '#6cc5b0', '#3ca951', '#ff8ab7', '#a463f2', '#97bbf5', '#9c6b4e', '#9498a0'];

/** A pane keeps its colour in every chart and in the table (by pane index, wrapping after 10). */
export function paneColor(pane: number): string {
  return PANE_COLORS[((pane % PANE_COLORS.length) + PANE_COLORS.length) % PANE_COLORS.length];
}

export interface Series {
  pane: number;
  /** Unique among the report's panes (a repeated label gets " #n", n = pane number). */
  name: string;
  color: string;
}

/** One legend entry per pane, in pane order; names are unique so a colour scale can key on them. */
export function seriesOf(panes: PaneSummary[]): Series[] {
  const counts = new Map<string, number>();
  for (const p of panes) counts.set(p.label, (counts.get(p.label) ?? 0) + 1);
  return panes.map((p) => ({
    pane: p.pane,
    name: (counts.get(p.label) ?? 0) > 1 ? `${p.label} #${p.pane + 1}` : p.label,
    color: paneColor(p.pane),
  }));
}

export type LatencyMetric = 'ttft' | 'total';

/** A successful run's TTFT or total time (failed and stopped runs have no latency to plot). */
export function latencyOf(run: BenchRun, metric: LatencyMetric): number | null {
  if (!run.ok) return null;
  const v = metric === 'ttft' ? run.ttft_ms : run.total_ms;
  return v !== null && Number.isFinite(v) ? v : null;
}

export function latencies(runs: BenchRun[], pane: number, metric: LatencyMetric): number[] {
  const out: number[] = [];
  for (const run of runs) {
    if (run.pane !== pane) continue;
    const v = latencyOf(run, metric);
    if (v !== null) out.push(v);
  }
  return out;
}

export interface CdfPoint {
  x: number;
  /** Share of runs at or below x, 0..1. */
  y: number;
}

/** Empirical CDF as step points (draw with a step-after curve): starts at (min, 0), one point per distinct value. */
export function ecdf(values: number[]): CdfPoint[] {
  if (values.length === 0) return [];
  const sorted = values.slice().sort((a, b) => a - b);
  const n = sorted.length;
  const points: CdfPoint[] = [{ x: sorted[0], y: 0 }];
  for (let i = 0; i < n; i++) {
    if (i + 1 < n && sorted[i + 1] === sorted[i]) continue; // ties: one step to the last of them
    points.push({ x: sorted[i], y: (i + 1) / n });
  }
  return points;
}

export interface SeriesPoint extends CdfPoint {
  name: string;
}

/** CDF rows of every pane (series with no successful run contribute nothing). */
export function cdfRows(report: BenchReport, series: Series[], metric: LatencyMetric): SeriesPoint[] {
  return series.flatMap((s) => ecdf(latencies(report.runs, s.pane, metric)).map((p) => ({ ...p, name: s.name })));
}

/** `count` equal-width bin edges over [min, max] (count + 1 numbers); one unit-wide bin when all values are equal. */
export function binEdges(values: number[], count: number): number[] {
  if (values.length === 0 || count < 1) return [];
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (min === max) return [min, min + 1];
  const width = (max - min) / count;
  return Array.from({ length: count + 1 }, (_, i) => (i === count ? max : min + i * width));
}

/** A bin count that shows the shape without noise: √n, between 5 and 30. */
export function binCount(n: number): number {
  return Math.max(5, Math.min(30, Math.ceil(Math.sqrt(n))));
}

export interface Bin {
  x0: number;
  x1: number;
  count: number;
  /** count / values.length (0 when there are none). */
  share: number;
}

/** Counts values into [x0, x1) bins; the last bin also holds its upper edge. Values outside the edges are ignored. */
export function histogram(values: number[], edges: number[]): Bin[] {
  if (edges.length < 2) return [];
  const bins: Bin[] = edges.slice(0, -1).map((x0, i) => ({ x0, x1: edges[i + 1], count: 0, share: 0 }));
  const last = bins.length - 1;
  for (const v of values) {
    if (v < edges[0] || v > edges[edges.length - 1]) continue;
    let i = bins.findIndex((b) => v >= b.x0 && v < b.x1);
    if (i < 0) i = last; // v equals the upper edge
    bins[i].count++;
  }
  for (const b of bins) b.share = values.length > 0 ? b.count / values.length : 0;
  return bins;
}

export interface BinRow extends Bin {
  name: string;
}

/** Histogram rows of every pane over bins shared by all panes (so the bars line up). */
export function histogramRows(report: BenchReport, series: Series[], metric: LatencyMetric): BinRow[] {
  const perPane = series.map((s) => latencies(report.runs, s.pane, metric));
  const all = perPane.flat();
  const edges = binEdges(all, binCount(all.length));
  return series.flatMap((s, i) => (perPane[i].length === 0 ? [] : histogram(perPane[i], edges).map((b) => ({ ...b, name: s.name }))));
}

export interface ScatterPoint {
  name: string;
  ttft: number;
  total: number;
}

/** (TTFT, total) of every successful run that has both. */
export function scatterPoints(runs: BenchRun[], series: Series[]): ScatterPoint[] {
  const names = new Map(series.map((s) => [s.pane, s.name]));
  const out: ScatterPoint[] = [];
  for (const run of runs) {
    const name = names.get(run.pane);
    const ttft = latencyOf(run, 'ttft');
    const total = latencyOf(run, 'total');
    if (name !== undefined && ttft !== null && total !== null) out.push({ name, ttft, total });
  }
  return out;
}

export type LatencyStat = 'p50' | 'p95';

export interface CostPoint {
  name: string;
  /** Total time at the chosen percentile, ms. */
  latency: number;
  /** USD per 1,000 runs. */
  cost: number;
  /** The point's label on the chart: "name · $x / 1k". */
  label: string;
}

/** One point per pane with both a total time and a known cost; `missing` names the others. */
export function costPoints(panes: PaneSummary[], series: Series[], stat: LatencyStat): { points: CostPoint[]; missing: string[] } {
  const points: CostPoint[] = [];
  const missing: string[] = [];
  panes.forEach((p, i) => {
    const name = series[i]?.name ?? p.label;
    const cost = p.cost_per_1000;
    if (p.total === null || cost === null || !Number.isFinite(cost)) {
      missing.push(name);
      return;
    }
    points.push({ name, latency: p.total[stat], cost, label: `${name} · ${formatPer1k(cost)}` });
  });
  return { points, missing };
}

// ---- Display formats ----------------------------------------------------------------------------

/** Dollars per 1,000 runs: 1.5 → "$1.50 / 1k"; unknown → "—". */
export function formatPer1k(usd: number | null | undefined): string {
  if (usd === null || usd === undefined || !Number.isFinite(usd)) return '—';
  return `${formatCost(usd)} / 1k`;
}

/** A 0..1 ratio: 0 → "0%", 0.125 → "12.5%", 1 → "100%", a tiny non-zero share → "<0.1%". */
export function formatPercent(ratio: number | null | undefined): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return '—';
  if (ratio === 0) return '0%';
  const pct = ratio * 100;
  if (pct < 0.1) return '<0.1%';
  if (Number.isInteger(pct)) return `${pct}%`;
  return `${pct.toFixed(1)}%`;
}

/** Elapsed or remaining time for the progress bar: "<1 s", "42 s", "3 min 05 s", "1 h 02 min". */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1000) return '<1 s';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const min = Math.floor(s / 60);
  if (min < 60) return `${min} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(min / 60)} h ${String(min % 60).padStart(2, '0')} min`;
}

/** The ETA next to the progress bar: "about 42 s left", or "estimating…" before the engine has one. */
export function formatEta(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return 'estimating…';
  return `about ${formatDuration(ms)} left`;
}

// ---- Accessible summaries (each chart's figcaption and aria-label) -------------------------------

/** "Total time of successful runs per pane: openai/gpt-4o p50 650 ms, p95 880 ms; …". */
export function latencySummary(panes: PaneSummary[], series: Series[], metric: LatencyMetric): string {
  const what = metric === 'ttft' ? 'Time to first token' : 'Total time';
  const parts = panes.map((p, i) => {
    const stats = metric === 'ttft' ? p.ttft : p.total;
    const name = series[i]?.name ?? p.label;
    return stats ? `${name} p50 ${formatMs(stats.p50)}, p95 ${formatMs(stats.p95)}` : `${name} no successful run`;
  });
  return `${what} of successful runs per pane: ${parts.join('; ')}.`;
}

export function scatterSummary(runs: BenchRun[], series: Series[]): string {
  const n = scatterPoints(runs, series).length;
  return `Time to first token against total time, one dot per successful run (${n} runs, ${series.length} panes).`;
}

export function costSummary(panes: PaneSummary[], series: Series[], stat: LatencyStat): string {
  const { points, missing } = costPoints(panes, series, stat);
  if (points.length === 0) return 'No pane has a known price, so there is no cost to plot.';
  const cheapest = points.reduce((a, b) => (b.cost < a.cost ? b : a));
  const fastest = points.reduce((a, b) => (b.latency < a.latency ? b : a));
  const unpriced = missing.length > 0 ? ` Not plotted (no price known): ${missing.join(', ')}.` : '';
  return `Cost per 1,000 runs against total time ${stat}. Cheapest: ${cheapest.name} (${formatPer1k(cheapest.cost)}); fastest: ${fastest.name} (${formatMs(fastest.latency)}).${unpriced}`;
}
