// The setup form's values, the plan they become, the request count, and the "same model, different
// routes" grouping of panes (pure).
import type { PaneRequest } from '../../ipc';
import type { PromptRow } from './promptset';
import type { BenchPlan } from './types';

/** A comparison pane as the benchmark takes it: the request it would send, and its label on screen. */
export interface BenchPane {
  request: PaneRequest;
  label: string;
}

export interface BenchSetup {
  repetitions: number;
  concurrency: number;
  /** Requests per second over the whole bench; null = no pacing. */
  rps: number | null;
  retries: 'normal' | 'none';
  /** Prompt set rows (empty = the prompt as is). */
  inputs: PromptRow[];
  /** Where the rows came from (shown to the user). */
  inputsPath: string | null;
}

export const DEFAULT_SETUP: BenchSetup = { repetitions: 20, concurrency: 4, rps: null, retries: 'normal', inputs: [], inputsPath: null };

/** Above this many requests the setup shows a warning (time, rate limits and cost add up). */
export const LARGE_BENCH = 500;

/** N panes × M inputs (1 without a prompt set) × R repetitions. */
export function requestCount(panes: number, inputs: number, repetitions: number): number {
  return Math.max(0, panes) * Math.max(1, inputs) * Math.max(0, repetitions);
}

/** Why the setup cannot start, or null. */
export function setupProblem(setup: BenchSetup, panes: number): string | null {
  if (panes === 0) return 'Add a model to the comparison first.';
  if (!Number.isInteger(setup.repetitions) || setup.repetitions < 1) return 'Repetitions must be a whole number, 1 or more.';
  if (!Number.isInteger(setup.concurrency) || setup.concurrency < 1) return 'Concurrency must be a whole number, 1 or more.';
  if (setup.rps !== null && !(setup.rps > 0 && Number.isFinite(setup.rps))) return 'Pacing must be a number of requests per second above 0, or empty for none.';
  return null;
}

export function toPlan(setup: BenchSetup): BenchPlan {
  return {
    repetitions: setup.repetitions,
    concurrency: setup.concurrency,
    rps: setup.rps,
    inputs: setup.inputs.map((r) => ({ ...r })),
    retries: setup.retries === 'none' ? 0 : null,
  };
}

/** The model a route serves, for grouping: an aggregator's "openai/gpt-4o" and a direct "gpt-4o" match. */
export function modelKey(model: string): string {
  const m = model.trim().toLowerCase();
  return m.slice(m.lastIndexOf('/') + 1);
}

export interface ModelGroup {
  /** The shortest model name of the group, as asked. */
  model: string;
  /** Pane indices, in pane order. */
  panes: number[];
  /** Two or more providers ask this model: the "same model, different routes" case. */
  routes: boolean;
}

/** Panes grouped by the model they ask, groups in order of first appearance. */
export function modelGroups(panes: { pane: number; provider: string; model: string }[]): ModelGroup[] {
  const groups = new Map<string, { model: string; panes: number[]; providers: Set<string> }>();
  for (const p of panes) {
    const key = modelKey(p.model);
    const g = groups.get(key) ?? { model: p.model, panes: [], providers: new Set<string>() };
    if (p.model.length < g.model.length) g.model = p.model;
    g.panes.push(p.pane);
    g.providers.add(p.provider);
    groups.set(key, g);
  }
  return [...groups.values()].map((g) => ({ model: g.model, panes: g.panes, routes: g.providers.size > 1 }));
}
