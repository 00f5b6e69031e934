import { describe, expect, it } from 'vitest';
import { blindName, letter, seededRng, shuffle } from './shuffle';

describe('shuffle', () => {
  it('returns a permutation and leaves the input alone', () => {
    const input = ['a', 'b', 'c', 'd', 'e'];
    for (let seed = 1; seed <= 50; seed++) {
      const out = shuffle(input, seededRng(seed));
      expect(out.slice().sort()).toEqual(input);
    }
    expect(input).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(shuffle([], seededRng(1))).toEqual([]);
    expect(shuffle(['only'], seededRng(1))).toEqual(['only']);
  });

  it('is deterministic for a seed and differs between seeds', () => {
    const keys = ['p1', 'p2', 'p3', 'p4', 'p5', 'p6'];
    expect(shuffle(keys, seededRng(42))).toEqual(shuffle(keys, seededRng(42)));
    const orders = new Set(Array.from({ length: 20 }, (_, seed) => shuffle(keys, seededRng(seed)).join()));
    expect(orders.size).toBeGreaterThan(10);
  });

  it('puts every item in every place about equally often', () => {
    const rng = seededRng(7);
    const counts = [0, 0, 0].map(() => [0, 0, 0]);
    const runs = 6000;
    for (let i = 0; i < runs; i++) {
      shuffle([0, 1, 2], rng).forEach((item, place) => counts[item][place]++);
    }
    // Expected 2000 each; a biased shuffle (e.g. sort by random) is far off.
    for (const row of counts) for (const n of row) expect(Math.abs(n - runs / 3)).toBeLessThan(150);
  });

  it('copes with a generator that returns 1', () => {
    expect(shuffle(['a', 'b', 'c'], () => 1).slice().sort()).toEqual(['a', 'b', 'c']);
  });

  it('letters the panes like spreadsheet columns', () => {
    expect([0, 1, 25, 26, 27, 51, 52].map(letter)).toEqual(['A', 'B', 'Z', 'AA', 'AB', 'AZ', 'BA']);
    expect(blindName(1)).toBe('Model B');
  });
});
