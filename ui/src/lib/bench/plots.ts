// The three benchmark charts, drawn with Observable Plot from the pure rows of charts.ts. Each returns
// the SVG element (so "Export SVG" is the element itself); titles and legends are drawn by Chart.svelte.
import * as Plot from '@observablehq/plot';
import {
  cdfRows,
  costPoints,
  formatMs,
  formatPer1k,
  histogramRows,
  scatterPoints,
  type LatencyMetric,
  type LatencyStat,
  type Series,
} from './charts';
import type { BenchReport } from './types';

export type Shape = 'cdf' | 'histogram';

export const HEIGHT = 320;

const METRIC_LABEL: Record<LatencyMetric, string> = { ttft: 'Time to first token (ms)', total: 'Total time (ms)' };

function colors(series: Series[]): Plot.ScaleOptions {
  return { type: 'ordinal', domain: series.map((s) => s.name), range: series.map((s) => s.color) };
}

/** Plot's own <style> would be an inline style the CSP refuses: Chart.svelte's CSS does its job. */
function finish(node: SVGSVGElement | HTMLElement): SVGSVGElement {
  const svg = (node instanceof SVGSVGElement ? node : node.querySelector('svg')) as SVGSVGElement;
  for (const s of svg.querySelectorAll('style')) s.remove();
  svg.setAttribute('role', 'img');
  return svg;
}

export function latencyPlot(report: BenchReport, series: Series[], metric: LatencyMetric, shape: Shape, width: number, ariaLabel: string): SVGSVGElement {
  const common = { width, height: HEIGHT, color: colors(series), ariaLabel, marginLeft: 48, x: { label: METRIC_LABEL[metric], grid: true } };
  if (shape === 'cdf') {
    const rows = cdfRows(report, series, metric);
    return finish(
      Plot.plot({
        ...common,
        y: { label: 'Share of successful runs (%)', domain: [0, 100], grid: true },
        marks: [
          Plot.ruleY([0]),
          Plot.line(rows, { x: 'x', y: (d) => d.y * 100, z: 'name', stroke: 'name', curve: 'step-after', strokeWidth: 2 }),
          Plot.tip(rows, Plot.pointer({ x: 'x', y: (d) => d.y * 100, title: (d) => `${d.name}\n${formatMs(d.x)}: ${Math.round(d.y * 100)}% at or below` })),
        ],
      }),
    );
  }
  const rows = histogramRows(report, series, metric);
  return finish(
    Plot.plot({
      ...common,
      y: { label: 'Share of successful runs (%)', grid: true },
      marks: [
        Plot.ruleY([0]),
        Plot.rectY(rows, { x1: 'x0', x2: 'x1', y: (d) => d.share * 100, fill: 'name', fillOpacity: 0.25, stroke: 'name', inset: 0.5 }),
        Plot.tip(rows, Plot.pointer({ x: (d) => (d.x0 + d.x1) / 2, y: (d) => d.share * 100, title: (d) => `${d.name}\n${formatMs(d.x0)}–${formatMs(d.x1)}: ${d.count} runs` })),
      ],
    }),
  );
}

export function scatterPlot(report: BenchReport, series: Series[], width: number, ariaLabel: string): SVGSVGElement {
  const points = scatterPoints(report.runs, series);
  return finish(
    Plot.plot({
      width,
      height: HEIGHT,
      marginLeft: 56,
      color: colors(series),
      ariaLabel,
      x: { label: METRIC_LABEL.ttft, grid: true },
      y: { label: METRIC_LABEL.total, grid: true },
      marks: [
        Plot.dot(points, { x: 'ttft', y: 'total', stroke: 'name', r: 3.5, strokeWidth: 1.5 }),
        Plot.tip(points, Plot.pointer({ x: 'ttft', y: 'total', title: (d) => `${d.name}\nTTFT ${formatMs(d.ttft)} · total ${formatMs(d.total)}` })),
      ],
    }),
  );
}

export function costPlot(report: BenchReport, series: Series[], stat: LatencyStat, width: number, ariaLabel: string): SVGSVGElement {
  const { points } = costPoints(report.panes, series, stat);
  return finish(
    Plot.plot({
      width,
      height: HEIGHT,
      marginLeft: 64,
      marginRight: 160, // room for the labels of the right-most points
      inset: 16,
      color: colors(series),
      ariaLabel,
      x: { label: `Total time ${stat} (ms)`, grid: true, zero: true },
      y: { label: 'Cost per 1,000 runs ($)', grid: true, zero: true },
      marks: [
        Plot.dot(points, { x: 'latency', y: 'cost', fill: 'name', r: 6 }),
        Plot.text(points, { x: 'latency', y: 'cost', text: 'name', textAnchor: 'start', dx: 10, fill: 'currentColor' }),
        Plot.tip(points, Plot.pointer({ x: 'latency', y: 'cost', title: (d) => `${d.name}\n${stat} ${formatMs(d.latency)} · ${formatPer1k(d.cost)}` })),
      ],
    }),
  );
}
