import { describe, expect, it } from 'vitest';
import { createRenderQueue } from './renderQueue';

// A hand-driven frame clock: `tick()` runs the callbacks asked for since the last tick.
function fakeFrames() {
  let waiting: (() => void)[] = [];
  return {
    frame(cb: () => void) {
      waiting.push(cb);
      return () => (waiting = waiting.filter((w) => w !== cb));
    },
    tick() {
      const now = waiting;
      waiting = [];
      now.forEach((cb) => cb());
    },
  };
}

describe('render queue', () => {
  it('renders at most perFrame panes per frame, oldest first, and every pane in turn', () => {
    const clock = fakeFrames();
    const q = createRenderQueue(2, clock.frame);
    const order: string[] = [];
    const keys = ['a', 'b', 'c', 'd', 'e'].map((name) => ({ name }));
    for (const k of keys) q.schedule(k, () => order.push(k.name));
    clock.tick();
    expect(order).toEqual(['a', 'b']);
    clock.tick();
    expect(order).toEqual(['a', 'b', 'c', 'd']);
    clock.tick();
    expect(order).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(q.pending).toBe(0);
  });

  it('a pane asking again keeps its place and renders its latest job once', () => {
    const clock = fakeFrames();
    const q = createRenderQueue(1, clock.frame);
    const a = {};
    const b = {};
    const seen: string[] = [];
    q.schedule(a, () => seen.push('a1'));
    q.schedule(b, () => seen.push('b1'));
    q.schedule(a, () => seen.push('a2'));
    clock.tick();
    clock.tick();
    expect(seen).toEqual(['a2', 'b1']);
  });

  it('urgent jobs (a finished stream) jump the line and do not count against the share', () => {
    const clock = fakeFrames();
    const q = createRenderQueue(1, clock.frame);
    const [a, b, c] = [{}, {}, {}];
    const seen: string[] = [];
    q.schedule(a, () => seen.push('a'));
    q.schedule(b, () => seen.push('b'));
    q.schedule(c, () => seen.push('c-final'), true);
    clock.tick();
    expect(seen).toEqual(['c-final', 'a']);
    // A streaming request after an urgent one, before its frame, keeps the urgency (the final text renders first).
    q.schedule(a, () => seen.push('a-final'), true);
    q.schedule(a, () => seen.push('a-final-2'));
    clock.tick();
    expect(seen).toEqual(['c-final', 'a', 'a-final-2', 'b']);
  });

  it('a cancelled request never runs and no frame is left waiting for nothing', () => {
    const clock = fakeFrames();
    const q = createRenderQueue(2, clock.frame);
    let ran = false;
    const cancel = q.schedule({}, () => (ran = true));
    cancel();
    clock.tick();
    expect(ran).toBe(false);
    expect(q.pending).toBe(0);
  });
});
