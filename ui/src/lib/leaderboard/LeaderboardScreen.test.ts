import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Leaderboard, LeaderboardRow, Vote } from '../../ipc';

vi.mock('../../ipc', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../ipc')>()),
  leaderboard: vi.fn(),
  listVotes: vi.fn(),
  deleteVote: vi.fn(async () => undefined),
  clearVotes: vi.fn(async () => 2),
}));

import { clearVotes, deleteVote, leaderboard, listVotes } from '../../ipc';
import LeaderboardScreen from './LeaderboardScreen.svelte';

function row(model: string, rating: number, [wins, losses, ties]: [number, number, number]): LeaderboardRow {
  return { key: `openai/${model}`, provider: 'openai', model, label: model, rating, votes: wins + losses + ties, wins, losses, ties };
}

const ELO: Leaderboard = { method: 'elo', votes: 2, rows: [row('gpt-4o', 1516.4, [2, 0, 0]), row('gpt-4o-mini', 1483.6, [0, 2, 0])] };
const BT: Leaderboard = { method: 'bradley_terry', votes: 2, rows: [row('gpt-4o-mini', 1540.2, [0, 2, 0]), row('gpt-4o', 1459.8, [2, 0, 0])] };

const VOTES: Vote[] = [
  {
    id: 8,
    created_at: Date.now() - 60_000 * 5,
    comparison_id: 3,
    turn_id: 4,
    candidates: [
      { provider: 'openai', model: 'gpt-4o' },
      { provider: 'openai', model: 'gpt-4o-mini' },
    ],
    winner: 0,
    tie: false,
    prompt: 'Why is the sky blue?',
  },
  {
    id: 7,
    created_at: Date.now() - 60_000 * 60 * 5,
    comparison_id: null,
    turn_id: null,
    candidates: [
      { provider: 'openai', model: 'gpt-4o' },
      { provider: 'openai', model: 'gpt-4o-mini' },
    ],
    winner: null,
    tie: true,
    prompt: '',
  },
];

beforeEach(() => {
  vi.mocked(leaderboard).mockReset().mockImplementation(async (method) => (method === 'elo' ? ELO : BT));
  vi.mocked(listVotes).mockReset().mockResolvedValue(VOTES);
  vi.mocked(deleteVote).mockClear();
  vi.mocked(clearVotes).mockClear();
});

const rows = () =>
  screen.getAllByTestId('leaderboard-row').map((r) => Array.from(r.querySelectorAll('td')).map((td) => td.textContent?.replace(/\s+/g, ' ').trim()));

describe('the leaderboard', () => {
  it('ranks the models from `leaderboard` and switches the method', async () => {
    render(LeaderboardScreen);
    await waitFor(() => expect(screen.getAllByTestId('leaderboard-row')).toHaveLength(2));
    expect(leaderboard).toHaveBeenCalledWith('elo');
    expect(rows()).toEqual([
      ['1', 'gpt-4o openai', '1516', '2', '2–0–0'],
      ['2', 'gpt-4o-mini openai', '1484', '2', '0–2–0'],
    ]);
    expect(screen.getByTestId('vote-count').textContent).toBe('2 votes');
    expect(screen.getByTestId('method-elo').getAttribute('aria-checked')).toBe('true');

    await fireEvent.click(screen.getByTestId('method-bradley_terry'));
    await waitFor(() => expect(rows()[0][1]).toBe('gpt-4o-mini openai'));
    expect(leaderboard).toHaveBeenLastCalledWith('bradley_terry');
    expect(rows()[0][2]).toBe('1540');
    expect(screen.getByTestId('method-bradley_terry').getAttribute('aria-checked')).toBe('true');
    expect(screen.getByTestId('method-hint').textContent).toContain('all votes at once');
  });

  it('lists the recent votes, deletes one and clears all after confirming', async () => {
    render(LeaderboardScreen);
    await waitFor(() => expect(screen.getAllByTestId('vote-item')).toHaveLength(2));
    const [first, second] = screen.getAllByTestId('vote-item');
    expect(first.textContent).toContain('Why is the sky blue?');
    expect(first.querySelector('code.won')?.textContent).toBe('★ openai/gpt-4o');
    expect(second.textContent).toContain('tie');
    expect(second.textContent).toContain('private mode');

    await fireEvent.click(within(first).getByRole('button', { name: 'Delete this vote' }));
    await waitFor(() => expect(deleteVote).toHaveBeenCalledWith(8));
    await waitFor(() => expect(listVotes).toHaveBeenCalledTimes(2));

    await fireEvent.click(screen.getByTestId('clear-votes'));
    expect(clearVotes).not.toHaveBeenCalled();
    expect(screen.getByRole('alert').textContent).toContain('Delete every vote?');
    vi.mocked(leaderboard).mockResolvedValue({ method: 'elo', votes: 0, rows: [] });
    vi.mocked(listVotes).mockResolvedValue([]);
    await fireEvent.click(screen.getByTestId('clear-confirm'));
    await waitFor(() => expect(screen.getByTestId('leaderboard-empty')).toBeTruthy());
    expect(clearVotes).toHaveBeenCalledTimes(1);
    expect(screen.queryByTestId('vote-list')).toBeNull();
  });

  it('explains how to vote when there are no votes', async () => {
    vi.mocked(leaderboard).mockResolvedValue({ method: 'elo', votes: 0, rows: [] });
    vi.mocked(listVotes).mockResolvedValue([]);
    const oncompare = vi.fn();
    render(LeaderboardScreen, { oncompare });
    const empty = await screen.findByTestId('leaderboard-empty');
    expect(empty.textContent).toContain('Blind');
    expect(screen.queryByTestId('leaderboard-table')).toBeNull();
    expect(screen.queryByTestId('clear-votes')).toBeNull();
    await fireEvent.click(within(empty).getByRole('button', { name: 'Go to Compare' }));
    expect(oncompare).toHaveBeenCalled();
  });

  it('says when the votes cannot be loaded', async () => {
    vi.mocked(leaderboard).mockRejectedValue({ kind: 'other', message: 'history is unavailable', retryable: false });
    render(LeaderboardScreen);
    expect((await screen.findByRole('alert')).textContent).toContain('history is unavailable');
  });
});
