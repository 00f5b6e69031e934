// The comparison as the benchmark takes it: its panes, and its test-inputs table for a grid run.
import type { Comparison } from '../state/comparison.svelte';
import { findVariables, rowAt } from '../library/variables';
import type { BenchPane, BenchSetup } from './plan';

/** Each pane's request for the current prompt (no history: a bench is not a conversation) and its label. */
export function benchPanesOf(comparison: Comparison): BenchPane[] {
  return comparison.panes.map((pane) => ({
    request: comparison.request(pane, [{ role: 'user', content: comparison.prompt }]),
    label: `${pane.provider}/${pane.model}`,
  }));
}

/** Where the grid's inputs come from, as the setup form names them. */
export const TEST_INPUTS_SOURCE = "the composer's test inputs";

/**
 * A grid run of the composer's test inputs: every row once on every pane. Null when the prompt has no
 * `{{variables}}` or the table has no rows (then there is nothing to fill).
 */
export function gridSetupOf(comparison: Comparison): Partial<BenchSetup> | null {
  const { inputs } = comparison;
  const used = findVariables(comparison.system, comparison.prompt, ...comparison.panes.map((p) => p.overrides.system ?? ''));
  if (used.length === 0 || inputs.rows.length === 0) return null;
  const rows = inputs.rows.map((_, i) => rowAt(inputs, i) ?? {});
  return { repetitions: 1, inputs: rows, inputsPath: TEST_INPUTS_SOURCE };
}
