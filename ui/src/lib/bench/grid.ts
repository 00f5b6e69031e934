// The prompt-set grid: one row per input, one column per pane (only for one repetition per input).
import type { BenchReport, BenchRun } from './types';

export function hasGrid(report: BenchReport): boolean {
  return report.plan.inputs.length > 0 && report.plan.repetitions === 1;
}

export interface GridRow {
  input: number;
  /** "topic=tides · tone=calm" */
  label: string;
  /** One per pane of the report, in its order; null when that run never happened (stopped before it). */
  cells: (BenchRun | null)[];
}

export function gridRows(report: BenchReport): GridRow[] {
  const byKey = new Map<string, BenchRun>();
  for (const run of report.runs) if (run.input !== null) byKey.set(`${run.input}:${run.pane}`, run);
  return report.plan.inputs.map((row, input) => ({
    input,
    label: Object.entries(row)
      .map(([k, v]) => `${k}=${v ?? ''}`)
      .join(' · '),
    cells: report.panes.map((p) => byKey.get(`${input}:${p.pane}`) ?? null),
  }));
}

/** The first `max` characters at a word boundary when one is near, with an ellipsis; the text when it fits. */
export function truncate(text: string, max: number): { text: string; cut: boolean } {
  if (text.length <= max) return { text, cut: false };
  const head = text.slice(0, max);
  const space = head.lastIndexOf(' ');
  return { text: `${(space > max * 0.7 ? head.slice(0, space) : head).trimEnd()}…`, cut: true };
}
