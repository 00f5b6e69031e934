// The comparison's panes as the benchmark takes them (the lead's wiring calls this when opening the view).
import type { Comparison } from '../state/comparison.svelte';
import type { BenchPane } from './plan';

/** Each pane's request for the current prompt (no history: a bench is not a conversation) and its label. */
export function benchPanesOf(comparison: Comparison): BenchPane[] {
  return comparison.panes.map((pane) => ({
    request: comparison.request(pane, [{ role: 'user', content: comparison.prompt }]),
    label: `${pane.provider}/${pane.model}`,
  }));
}
