// A blind round: the panes of one run shown shuffled under "Model A", "Model B", … until the user
// votes (or skips). Pure functions over plain data; ./blind.svelte.ts holds the live state.
import type { Candidate, NewVote } from '../../ipc';
import { blindName, shuffle, type Rng } from './shuffle';

/** What a round needs to know of a pane. */
export interface RoundPane {
  key: string;
  /** The pane's current turn (null before its first run). */
  turnId: number | null;
  /** The current turn follows earlier ones (a follow-up), rather than starting a conversation. */
  continues?: boolean;
}

export interface BlindRound {
  /** Pane keys in the order shown; the n-th is `blindName(n)`. */
  order: string[];
  /** The prompt voted on (the run's message). */
  prompt: string;
  /** Names shown again, in the real order (after a vote, a skip). */
  revealed: boolean;
  /** What the user chose: a pane key, a tie, or nothing (skipped). Null until then. */
  choice: { winner: string } | { tie: true } | { skipped: true } | null;
}

/** A run reaches every pane (Run, or a follow-up to all): each pane has a turn not seen before. */
export function isNewRun(panes: readonly RoundPane[], seen: ReadonlySet<number>): boolean {
  return panes.length >= 2 && panes.every((p) => p.turnId !== null && !seen.has(p.turnId));
}

/**
 * The round after the panes changed. A new run starts a round with a fresh shuffle, except that
 * a follow-up in a round not yet voted on keeps its order (Model B stays Model B through the
 * conversation). A pane removed leaves the round; with fewer than two left there is nothing to
 * compare. Returns `prev` itself when nothing changed.
 */
export function advance(
  prev: BlindRound | null,
  panes: readonly RoundPane[],
  seen: ReadonlySet<number>,
  prompt: string,
  rng: Rng,
): BlindRound | null {
  const keys = panes.map((p) => p.key);
  if (isNewRun(panes, seen)) {
    const followUp = panes.every((p) => p.continues === true);
    const sameSet = prev !== null && !prev.revealed && prev.order.length === keys.length && keys.every((k) => prev.order.includes(k));
    const order = followUp && sameSet ? prev.order : shuffle(keys, rng);
    return { order, prompt, revealed: false, choice: null };
  }
  if (prev === null) return null;
  const order = prev.order.filter((k) => keys.includes(k));
  if (order.length === prev.order.length) return prev;
  return order.length >= 2 ? { ...prev, order } : null;
}

/** The blind name of a pane, while the round hides names; null otherwise (or not in the round). */
export function labelOf(round: BlindRound | null, key: string): string | null {
  if (!round || round.revealed) return null;
  const at = round.order.indexOf(key);
  return at < 0 ? null : blindName(at);
}

/** The panes in the order to show: the round's shuffle while blind (panes not in it after), else as they are. */
export function arrange<T extends { key: string }>(panes: readonly T[], round: BlindRound | null): T[] {
  if (!round || round.revealed) return panes.slice();
  const inRound = round.order.flatMap((k) => panes.filter((p) => p.key === k));
  return [...inRound, ...panes.filter((p) => !round.order.includes(p.key))];
}

/** The vote bar shows once every pane of a blind round has finished its answer. */
export function readyToVote(round: BlindRound | null, finished: (key: string) => boolean): boolean {
  return round !== null && !round.revealed && round.choice === null && round.order.every(finished);
}

/** A pane as a vote names it. */
export interface VotedPane {
  key: string;
  provider: string;
  model: string;
  servedModel?: string | null;
}

/**
 * The vote to record: the round's panes in their real order (`panes` is the comparison's order),
 * the winner as an index into them, or a tie. Null when `winner` is not in the round.
 */
export function ballot(
  round: BlindRound,
  panes: readonly VotedPane[],
  winner: string | 'tie',
  ids: { comparisonId: number | null; turnId: number | null },
): NewVote | null {
  const voted = panes.filter((p) => round.order.includes(p.key));
  const candidates: Candidate[] = voted.map((p) => {
    const c: Candidate = { provider: p.provider, model: p.model, pane_label: blindName(round.order.indexOf(p.key)) };
    if (p.servedModel) c.served_model = p.servedModel;
    return c;
  });
  const tie = winner === 'tie';
  const index = tie ? null : voted.findIndex((p) => p.key === winner);
  if (index === -1 || candidates.length < 2) return null;
  return { comparison_id: ids.comparisonId, turn_id: ids.turnId, candidates, winner: index, tie, prompt: round.prompt };
}
