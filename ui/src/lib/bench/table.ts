// Words for the summary table's cells (pure).
import { modelGroups, type ModelGroup } from './plan';
import type { ErrorClass, ErrorCounts, PaneSummary } from './types';

export const ERROR_CLASS_LABELS: Record<ErrorClass, string> = {
  rate_limited: '429 rate limited',
  server: '5xx server',
  timeout: 'timeout',
  in_stream: 'in-stream error',
  other: 'other',
};

/** "429 rate limited: 2 · timeout: 1", or "no errors". */
export function errorBreakdown(errors: ErrorCounts): string {
  const parts = (Object.keys(ERROR_CLASS_LABELS) as ErrorClass[]).filter((k) => errors[k] > 0).map((k) => `${ERROR_CLASS_LABELS[k]}: ${errors[k]}`);
  return parts.length > 0 ? parts.join(' · ') : 'no errors';
}

/** "gpt-4o-2024-08-06 ×4, gpt-4o-mini ×1", most seen first; "none" when nothing was served. */
export function servedModelsText(served: { [key in string]?: number }): string {
  const entries = Object.entries(served)
    .map(([m, n]): [string, number] => [m, n ?? 0])
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return entries.length > 0 ? entries.map(([m, n]) => `${m} ×${n}`).join(', ') : 'none';
}

export interface TableGroup extends ModelGroup {
  rows: PaneSummary[];
}

/** The table's rows: panes asking the same model are adjacent under one heading, groups in pane order. */
export function tableGroups(panes: PaneSummary[]): TableGroup[] {
  const byPane = new Map(panes.map((p) => [p.pane, p]));
  return modelGroups(panes).map((g) => ({ ...g, rows: g.panes.map((i) => byPane.get(i)).filter((p): p is PaneSummary => p !== undefined) }));
}

/** "Same model, different routes" notes: one per model asked through two or more providers. */
export function routeNotes(panes: PaneSummary[]): string[] {
  return tableGroups(panes)
    .filter((g) => g.routes)
    .map((g) => `${g.model} through ${[...new Set(g.rows.map((r) => r.provider))].join(', ')}`);
}
