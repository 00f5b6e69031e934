// The blind order of the panes: a uniform random permutation (Fisher–Yates) drawn from a
// random-number generator that tests can seed.

/** A source of numbers in [0, 1), like Math.random. */
export type Rng = () => number;

/** A small seedable generator (mulberry32): the same seed gives the same sequence. */
export function seededRng(seed: number): Rng {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A shuffled copy of `items`; every order is equally likely. The input is left as it is. */
export function shuffle<T>(items: readonly T[], rng: Rng = Math.random): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    // Clamped: a generator returning exactly 1 must not index past the end.
    const j = Math.min(i, Math.floor(rng() * (i + 1)));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** "A", "B", … "Z", "AA", "AB", … for the n-th blind pane (from 0). */
export function letter(n: number): string {
  let s = '';
  for (let k = Math.max(0, Math.floor(n)) + 1; k > 0; k = Math.floor((k - 1) / 26)) {
    s = String.fromCharCode(65 + ((k - 1) % 26)) + s;
  }
  return s;
}

/** What the n-th pane of a blind round is called: "Model A", "Model B", … */
export function blindName(n: number): string {
  return `Model ${letter(n)}`;
}
