import { describe, expect, it } from 'vitest';
import { advance, arrange, ballot, isNewRun, labelOf, readyToVote, type BlindRound } from './round';
import { seededRng } from './shuffle';

const rng = () => seededRng(3);
const panes = (turns: (number | null)[]) => turns.map((turnId, i) => ({ key: `k${i}`, turnId }));

function blindRound(order: string[], over: Partial<BlindRound> = {}): BlindRound {
  return { order, prompt: 'Q', revealed: false, choice: null, ...over };
}

describe('blind rounds', () => {
  it('start when every pane has a turn never seen before', () => {
    expect(isNewRun(panes([1, 2]), new Set())).toBe(true);
    expect(isNewRun(panes([1, 2]), new Set([2])), 'one pane followed up alone').toBe(false);
    expect(isNewRun(panes([1, null]), new Set()), 'a pane not run').toBe(false);
    expect(isNewRun(panes([1]), new Set()), 'nothing to compare').toBe(false);

    const round = advance(null, panes([1, 2, 3]), new Set(), 'Why?', rng());
    expect(round?.order.slice().sort()).toEqual(['k0', 'k1', 'k2']);
    expect(round).toMatchObject({ prompt: 'Why?', revealed: false, choice: null });
    // The same shuffle for the same seed: the order comes from the generator.
    expect(advance(null, panes([1, 2, 3]), new Set(), 'Why?', rng())?.order).toEqual(round?.order);
  });

  it('stay the same object while the run streams', () => {
    const round = blindRound(['k1', 'k0']);
    expect(advance(round, panes([1, 2]), new Set([1, 2]), 'Q', rng())).toBe(round);
    expect(advance(null, panes([1, 2]), new Set([1, 2]), 'Q', rng())).toBeNull();
  });

  it('keep their order through a follow-up before the vote, and reshuffle after it', () => {
    const seen = new Set([1, 2, 3]);
    const open = blindRound(['k2', 'k0', 'k1']);
    const followUps = panes([4, 5, 6]).map((p) => ({ ...p, continues: true }));
    const followed = advance(open, followUps, seen, 'And?', rng());
    expect(followed?.order).toEqual(['k2', 'k0', 'k1']);
    expect(followed?.prompt).toBe('And?');
    // A new run (conversations started over) is reshuffled even before a vote.
    const reruns = new Set(Array.from({ length: 10 }, (_, seed) => advance(open, panes([4, 5, 6]), seen, 'Q', seededRng(seed))?.order.join()));
    expect(reruns.size).toBeGreaterThan(1);

    const voted = blindRound(['k2', 'k0', 'k1'], { revealed: true, choice: { tie: true } });
    const orders = new Set<string>();
    for (let seed = 0; seed < 10; seed++) {
      const next = advance(voted, followUps, seen, 'And?', seededRng(seed));
      expect(next?.revealed).toBe(false);
      orders.add(next?.order.join() ?? '');
    }
    expect(orders.size).toBeGreaterThan(1);
  });

  it('lose a removed pane, and end with fewer than two', () => {
    const round = blindRound(['k2', 'k0', 'k1']);
    const two = advance(round, [{ key: 'k0', turnId: 1 }, { key: 'k2', turnId: 3 }], new Set([1, 3]), 'Q', rng());
    expect(two?.order).toEqual(['k2', 'k0']);
    expect(advance(two, [{ key: 'k0', turnId: 1 }], new Set([1]), 'Q', rng())).toBeNull();
  });

  it('name, order and release the panes', () => {
    const round = blindRound(['k2', 'k0', 'k1']);
    expect(labelOf(round, 'k2')).toBe('Model A');
    expect(labelOf(round, 'k1')).toBe('Model C');
    expect(labelOf(round, 'other')).toBeNull();
    expect(labelOf({ ...round, revealed: true }, 'k2')).toBeNull();
    const all = [{ key: 'k0' }, { key: 'k1' }, { key: 'new' }, { key: 'k2' }];
    expect(arrange(all, round).map((p) => p.key)).toEqual(['k2', 'k0', 'k1', 'new']);
    expect(arrange(all, { ...round, revealed: true }).map((p) => p.key)).toEqual(['k0', 'k1', 'new', 'k2']);
    expect(arrange(all, null)).toEqual(all);
  });

  it('are ready for a vote once every pane in them finished', () => {
    const round = blindRound(['k1', 'k0']);
    expect(readyToVote(round, (k) => k === 'k0')).toBe(false);
    expect(readyToVote(round, () => true)).toBe(true);
    expect(readyToVote({ ...round, choice: { skipped: true } }, () => true)).toBe(false);
    expect(readyToVote(null, () => true)).toBe(false);
  });

  it('make a ballot in the real pane order', () => {
    const round = blindRound(['k2', 'k0', 'k1'], { prompt: 'Why is the sky blue?' });
    const real = [
      { key: 'k0', provider: 'openai', model: 'gpt-4o', servedModel: 'gpt-4o-2024-08-06' },
      { key: 'extra', provider: 'x', model: 'not-in-round' },
      { key: 'k1', provider: 'anthropic', model: 'claude' },
      { key: 'k2', provider: 'mock', model: 'normal', servedModel: null },
    ];
    // "Model C" (k1) wins: index 1 among the round's panes in real order (k0, k1, k2).
    const vote = ballot(round, real, 'k1', { comparisonId: 7, turnId: 9 });
    expect(vote).toEqual({
      comparison_id: 7,
      turn_id: 9,
      candidates: [
        { provider: 'openai', model: 'gpt-4o', served_model: 'gpt-4o-2024-08-06', pane_label: 'Model B' },
        { provider: 'anthropic', model: 'claude', pane_label: 'Model C' },
        { provider: 'mock', model: 'normal', pane_label: 'Model A' },
      ],
      winner: 1,
      tie: false,
      prompt: 'Why is the sky blue?',
    });
    const tie = ballot(round, real, 'tie', { comparisonId: null, turnId: null });
    expect(tie).toMatchObject({ winner: null, tie: true, comparison_id: null });
    expect(ballot(round, real, 'extra', { comparisonId: null, turnId: null }), 'not in the round').toBeNull();
  });
});
