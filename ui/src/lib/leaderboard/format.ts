// How the leaderboard shows its numbers.
import type { RankMethod, Vote } from '../../ipc';

export const METHODS: readonly { method: RankMethod; label: string; hint: string }[] = [
  {
    method: 'elo',
    label: 'Elo',
    hint: 'Votes replayed in the order you cast them (K = 32, everyone starts at 1500): recent votes count more.',
  },
  {
    method: 'bradley_terry',
    label: 'Bradley–Terry',
    hint: 'Fitted to all votes at once, whatever their order; shown on the same scale as Elo (1500 = average).',
  },
];

/** A rating as a whole number ("1516"). */
export function formatRating(rating: number): string {
  return Number.isFinite(rating) ? Math.round(rating).toString() : '—';
}

/** Wins–losses–ties, "3–1–0". */
export function record(row: { wins: number; losses: number; ties: number }): string {
  return `${row.wins}–${row.losses}–${row.ties}`;
}

/** "1 vote", "12 votes". */
export function votesLabel(n: number): string {
  return `${n.toLocaleString('en-US')} vote${n === 1 ? '' : 's'}`;
}

/** The candidates of a vote as `provider/model`, each marked when it won. */
export function voteLine(vote: Vote): { name: string; won: boolean }[] {
  return vote.candidates.map((c, i) => ({ name: `${c.provider}/${c.model}`, won: !vote.tie && vote.winner === i }));
}
