// Blind mode on the live comparison: remembers whether it is on, follows the runs to start a round
// for each (shuffled, names hidden), and records the user's vote before revealing the names.
import { untrack } from 'svelte';
import { errorMessage, recordVote } from '../../ipc';
import type { Comparison, PaneModel } from '../state/comparison.svelte';
import { isFinished } from '../state/run';
import { advance, arrange, ballot, labelOf, readyToVote, type BlindRound } from './round';
import type { Rng } from './shuffle';

const STORAGE_KEY = 'juxta.blind.v1';

function loadEnabled(): boolean {
  try {
    return globalThis.localStorage?.getItem(STORAGE_KEY) === 'on';
  } catch {
    return false;
  }
}

function saveEnabled(on: boolean): void {
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, on ? 'on' : 'off');
  } catch {
    // Storage disabled: the toggle lasts until the window closes.
  }
}

/** What the user chose, with the names revealed (for "You chose Model B: provider/model"). */
export interface Reveal {
  /** Each blind name and the model behind it, in the blind order. */
  names: { label: string; model: string }[];
  /** The chosen blind name and its model; null for a tie or a skip. */
  winner: { label: string; model: string } | null;
  tie: boolean;
  /** The vote could not be saved (the names are revealed anyway). */
  error: string | null;
}

export class BlindMode {
  enabled: boolean = $state(false);
  round: BlindRound | null = $state(null);
  /** Set once the user voted or skipped; cleared by the next round. */
  reveal: Reveal | null = $state(null);
  saving: boolean = $state(false);
  /** Turn ids already looked at: a run whose turns are all new is a new round. */
  private seen = new Set<number>();
  private rng: Rng;

  constructor({ enabled = loadEnabled(), rng = Math.random }: { enabled?: boolean; rng?: Rng } = {}) {
    this.enabled = enabled;
    this.rng = rng;
  }

  setEnabled(on: boolean): void {
    this.enabled = on;
    saveEnabled(on);
    // Turned off: the names come back at once, without a vote.
    if (!on) this.round = null;
  }

  /** True while the round hides the names. */
  get hiding(): boolean {
    return this.round !== null && !this.round.revealed;
  }

  /**
   * Follows the comparison's runs (call it from an `$effect.pre`, before the panes render). Turns
   * seen while blind mode is off never start a round: switching it on hides only the next run.
   */
  sync(comparison: Comparison): void {
    const panes = comparison.panes.map((p) => ({ key: p.key, turnId: p.current?.id ?? null, continues: p.turns.length > 1 }));
    untrack(() => {
      if (comparison.readonly) return;
      const prev = this.round;
      const next = this.enabled ? advance(prev, panes, this.seen, promptOf(comparison), this.rng) : null;
      for (const p of panes) if (p.turnId !== null) this.seen.add(p.turnId);
      if (next !== prev) {
        this.round = next;
        if (next && !next.revealed && next !== prev) this.reveal = null;
      }
    });
  }

  /**
   * The history comparison the unrevealed round was saved to, or null. History stores the run with its
   * models, so the sidebar must not list them, nor open it, until the vote (or Skip) reveals the names.
   */
  concealedHistoryId(comparison: Comparison): number | null {
    return this.hiding ? comparison.historyId : null;
  }

  /** The blind name of a pane while names are hidden. */
  labelFor(pane: PaneModel): string | undefined {
    return labelOf(this.round, pane.key) ?? undefined;
  }

  arrange(panes: PaneModel[]): PaneModel[] {
    return arrange(panes, this.round);
  }

  canVote(comparison: Comparison): boolean {
    return readyToVote(this.round, (key) => {
      const pane = comparison.panes.find((p) => p.key === key);
      return pane !== undefined && isFinished(pane.status);
    });
  }

  /** Records the vote for the pane `winner` (a key) or a tie, then reveals the names. */
  async vote(comparison: Comparison, winner: string | 'tie'): Promise<void> {
    const round = this.round;
    if (!round || !this.canVote(comparison) || this.saving) return;
    const inRound = comparison.panes.filter((p) => round.order.includes(p.key));
    const turnIds = new Set(inRound.map((p) => p.current?.historyTurnId ?? null));
    const recorded = inRound.every((p) => p.current?.answerId != null);
    const [turnId] = turnIds;
    const vote = ballot(
      round,
      comparison.panes.map((p) => ({
        key: p.key,
        provider: p.provider,
        model: p.model,
        servedModel: p.current?.run.report?.served_model ?? null,
      })),
      winner,
      {
        comparisonId: recorded ? comparison.historyId : null,
        turnId: recorded && turnIds.size === 1 ? (turnId ?? null) : null,
      },
    );
    if (!vote) return;
    this.saving = true;
    let error: string | null = null;
    try {
      await recordVote(vote);
    } catch (err) {
      error = `Your vote could not be saved: ${errorMessage(err)}`;
    } finally {
      this.saving = false;
    }
    this.finish(comparison, winner === 'tie' ? { tie: true } : { winner }, error);
  }

  /** Reveals the names without recording anything. */
  skip(comparison: Comparison): void {
    if (!this.round || this.round.revealed) return;
    this.finish(comparison, { skipped: true }, null);
  }

  private finish(comparison: Comparison, choice: NonNullable<BlindRound['choice']>, error: string | null): void {
    const round = this.round;
    if (!round) return;
    const modelOf = (key: string) => {
      const pane = comparison.panes.find((p) => p.key === key);
      return pane ? `${pane.provider}/${pane.model}` : '(removed)';
    };
    const names = round.order.map((key, i) => ({ label: labelOf(round, key) ?? `#${i + 1}`, model: modelOf(key) }));
    const winnerAt = 'winner' in choice ? round.order.indexOf(choice.winner) : -1;
    this.reveal = { names, winner: winnerAt >= 0 ? names[winnerAt] : null, tie: 'tie' in choice, error };
    this.round = { ...round, revealed: true, choice };
  }

  /** Hides the revealed result (the panes stay in their real order). */
  dismiss(): void {
    this.reveal = null;
  }
}

/** The message of the run: the user text of the panes' current turn. */
function promptOf(comparison: Comparison): string {
  return comparison.panes[0]?.current?.user ?? comparison.prompt;
}
