// Which answers the "Diff answers" dialog compares: each pane's latest answer, and its JSON when
// it is structured (the parsed structured output when the pane has one, else the answer parsed).
import type { PaneRun } from '../state/run';
import { isFinished } from '../state/run';
import { parseJsonAnswer, type Json } from './diff';

export interface PaneAnswer {
  text: string;
  json?: Json;
}

/** The latest answer of a pane (text so far while it streams). */
export function answerOf(run: PaneRun | undefined): PaneAnswer {
  if (!run) return { text: '' };
  const text = run.report?.text || run.text;
  const parsed = run.report?.structured?.parsed;
  const json = parsed !== undefined && parsed !== null ? (parsed as Json) : parseJsonAnswer(text);
  return json === undefined ? { text } : { text, json };
}

/** The two panes a diff starts with: the first two that finished with an answer, else the first two. Indexes. */
export function defaultPair(runs: (PaneRun | undefined)[]): [number, number] {
  const finished = runs.flatMap((r, i) => (r && isFinished(r.status) && answerOf(r).text !== '' ? [i] : []));
  if (finished.length >= 2) return [finished[0], finished[1]];
  return [0, Math.min(1, runs.length - 1)];
}
