import { describe, expect, it } from 'vitest';
import { BACKGROUND_MAX_WAIT_MS, createRenderQueue, RENDER_BUDGET_MS } from './renderQueue';

// A hand-driven frame clock: `tick()` runs the callbacks asked for since the last tick. With `now: () => 0` renders
// take no time, so `max` is what limits a frame.
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
  it('renders at most `max` panes per frame, oldest first, and every pane in turn', () => {
    const clock = fakeFrames();
    const q = createRenderQueue({ max: 2, frame: clock.frame, now: () => 0 });
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
    const q = createRenderQueue({ max: 1, frame: clock.frame, now: () => 0 });
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

  it('urgent jobs (a finished stream) jump the line and do not count against the frame\'s renders', () => {
    const clock = fakeFrames();
    const q = createRenderQueue({ max: 1, frame: clock.frame, now: () => 0 });
    const [a, b, c] = [{}, {}, {}];
    const seen: string[] = [];
    q.schedule(a, () => seen.push('a'));
    q.schedule(b, () => seen.push('b'));
    q.schedule(c, () => seen.push('c-final'), 'urgent');
    clock.tick();
    expect(seen).toEqual(['c-final', 'a']);
    // A streaming request after an urgent one, before its frame, keeps the urgency (the final text renders first).
    q.schedule(a, () => seen.push('a-final'), 'urgent');
    q.schedule(a, () => seen.push('a-final-2'));
    clock.tick();
    expect(seen).toEqual(['c-final', 'a', 'a-final-2', 'b']);
  });

  it('a cancelled request never runs and no frame is left waiting for nothing', () => {
    const clock = fakeFrames();
    const q = createRenderQueue({ max: 2, frame: clock.frame, now: () => 0 });
    let ran = false;
    const cancel = q.schedule({}, () => (ran = true));
    cancel();
    clock.tick();
    expect(ran).toBe(false);
    expect(q.pending).toBe(0);
  });
});

describe("the frame's budget", () => {
  // Eight panes asking every frame; each render takes `ms` of the fake clock. Returns the renders of each frame.
  function framesOf(ms: number, frames: number) {
    let t = 0;
    const clock = fakeFrames();
    const q = createRenderQueue({ frame: clock.frame, now: () => t });
    const keys = Array.from({ length: 8 }, () => ({}));
    const counts: number[] = [];
    const rendered = new Set<object>();
    for (let f = 0; f < frames; f++) {
      let renders = 0;
      for (const k of keys) q.schedule(k, () => ((t += ms), renders++, rendered.add(k)));
      clock.tick();
      counts.push(renders);
    }
    return { counts, panesRendered: rendered.size };
  }

  it('renders more panes while the frame has time: all of them when renders are quick', () => {
    expect(framesOf(0.3, 3).counts).toEqual([8, 8, 8]);
  });

  it('stops once the renders used the budget: two 3 ms renders, then the next frame', () => {
    expect(RENDER_BUDGET_MS).toBe(4);
    expect(framesOf(3, 4).counts).toEqual([2, 2, 2, 2]);
  });

  it('always runs the oldest render, even when one takes longer than the budget (a slow machine)', () => {
    const { counts, panesRendered } = framesOf(12, 8);
    expect(counts).toEqual([1, 1, 1, 1, 1, 1, 1, 1]);
    expect(panesRendered).toBe(8); // one pane a frame, each in turn
  });

  it('asks for no frame once nothing waits', () => {
    const clock = fakeFrames();
    let frames = 0;
    const q = createRenderQueue({ frame: (cb) => (frames++, clock.frame(cb)), now: () => 0 });
    q.schedule({}, () => {});
    q.schedule({}, () => {});
    clock.tick();
    clock.tick();
    expect(frames).toBe(1);
    expect(q.pending).toBe(0);
  });
});

describe('background renders (answers out of sight)', () => {
  // Four answers on screen asking every frame, each render taking `ms`; `offScreen` answers out of sight all asking
  // at the start (their half-second turns fall due together). Returns what each frame rendered.
  function run(ms: number, frames: number, offScreen = 4) {
    let t = 0;
    const clock = fakeFrames();
    const q = createRenderQueue({ frame: clock.frame, now: () => t });
    const onScreen = ['a', 'b', 'c', 'd'].map((name) => ({ name }));
    const away = Array.from({ length: offScreen }, (_, i) => ({ name: `bg${i}` }));
    const log: string[][] = [];
    let current: string[] = [];
    for (const k of away) q.schedule(k, () => ((t += ms), current.push(k.name)), 'background');
    for (let f = 0; f < frames; f++) {
      for (const k of onScreen) q.schedule(k, () => ((t += ms), current.push(k.name)));
      clock.tick();
      log.push(current);
      current = [];
      t += 16 - (t % 16); // the next frame
    }
    return log;
  }

  it('wait for the answers on screen, though they asked first, and run in what the budget leaves', () => {
    // Quick renders: the four on screen, then the four out of sight, all in the first frame.
    expect(run(0.4, 1)[0]).toEqual(['a', 'b', 'c', 'd', 'bg0', 'bg1', 'bg2', 'bg3']);
    // 3 ms renders: two a frame, on screen first; out of sight nothing until they have waited their most.
    const frames = run(3, 20);
    expect(frames[0]).toEqual(['a', 'b']);
    expect(frames.every((f) => f.length > 0 && !f[0].startsWith('bg'))).toBe(true);
  });

  it('never starve: one that waited BACKGROUND_MAX_WAIT_MS runs anyway, one a frame, after those on screen', () => {
    const frames = run(12, 40); // a slow machine: one render fills a frame
    const firstBg = frames.findIndex((f) => f.some((n) => n.startsWith('bg')));
    expect(firstBg * 16).toBeGreaterThanOrEqual(BACKGROUND_MAX_WAIT_MS - 16);
    expect(firstBg * 16).toBeLessThanOrEqual(BACKGROUND_MAX_WAIT_MS + 16);
    const bg = frames.map((f) => f.filter((n) => n.startsWith('bg')));
    expect(bg.flat()).toEqual(['bg0', 'bg1', 'bg2', 'bg3']);
    expect(bg.every((f) => f.length <= 1)).toBe(true);
    // Every frame still rendered an answer on screen first.
    expect(frames.every((f) => f.length > 0 && !f[0].startsWith('bg'))).toBe(true);
  });

  it('run first when nothing on screen waits', () => {
    let t = 0;
    const clock = fakeFrames();
    const q = createRenderQueue({ frame: clock.frame, now: () => t });
    const seen: string[] = [];
    q.schedule({}, () => ((t += 12), seen.push('bg')), 'background');
    clock.tick();
    expect(seen).toEqual(['bg']);
  });

  it('an answer scrolled into view moves to the line on screen, and one on screen stays there', () => {
    const clock = fakeFrames();
    let t = 0;
    const q = createRenderQueue({ max: 1, frame: clock.frame, now: () => t });
    const [a, b, c] = [{}, {}, {}];
    const seen: string[] = [];
    q.schedule(a, () => seen.push('a-bg'), 'background');
    q.schedule(b, () => seen.push('b'));
    q.schedule(a, () => seen.push('a-now-on-screen'));
    q.schedule(c, () => seen.push('c'));
    q.schedule(c, () => seen.push('c-scrolled-away'), 'background');
    clock.tick();
    clock.tick();
    clock.tick();
    expect(seen).toEqual(['b', 'a-now-on-screen', 'c-scrolled-away']);
    expect(q.pending).toBe(0);
  });
});
