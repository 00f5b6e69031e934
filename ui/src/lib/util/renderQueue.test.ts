import { describe, expect, it } from 'vitest';
import { createRenderQueue, nextPace, SLOW_FRAME_MS, startPace, type Pace } from './renderQueue';

// A hand-driven frame clock: `tick()` runs the callbacks asked for since the last tick. With `now: () => 0` no
// frame is ever slow, so the share stays at `max`.
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
  it('renders at most its share of panes per frame, oldest first, and every pane in turn', () => {
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

  it('urgent jobs (a finished stream) jump the line and do not count against the share', () => {
    const clock = fakeFrames();
    const q = createRenderQueue({ max: 1, frame: clock.frame, now: () => 0 });
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
    const q = createRenderQueue({ max: 2, frame: clock.frame, now: () => 0 });
    let ran = false;
    const cancel = q.schedule({}, () => (ran = true));
    cancel();
    clock.tick();
    expect(ran).toBe(false);
    expect(q.pending).toBe(0);
  });
});

describe('the adaptive share', () => {
  const run = (p: Pace, frames: number[]) => frames.reduce((acc, ms) => nextPace(acc, ms, 8), p);
  const smooth = (n: number) => Array<number>(n).fill(16.7);

  it('starts at the most and halves on each slow frame, never below one', () => {
    expect(startPace(8).share).toBe(8);
    expect(run(startPace(8), [40]).share).toBe(4);
    expect(run(startPace(8), [40, 40, 40]).share).toBe(1);
    expect(run(startPace(8), [40, 40, 40, 40, 40]).share).toBe(1);
    expect(run(startPace(8), [SLOW_FRAME_MS]).share).toBe(8); // at the limit is not slow
  });

  it('tries one more after half a second of smooth frames, up to the most', () => {
    const low = run(startPace(8), [40, 40, 40]);
    expect(run(low, smooth(29)).share).toBe(1);
    expect(run(low, smooth(30)).share).toBe(2);
    expect(run(startPace(8), smooth(1000)).share).toBe(8);
  });

  it('a raise that fails makes the next attempt wait twice as long; one that holds resets the wait', () => {
    let p = run(startPace(8), [40, 40, 40, ...smooth(30)]);
    expect(p).toMatchObject({ share: 2, trying: true });
    p = run(p, [40]);
    expect(p).toMatchObject({ share: 1, patience: 60 });
    expect(run(p, smooth(59)).share).toBe(1);
    p = run(p, smooth(60));
    expect(p.share).toBe(2);
    p = run(p, [40, ...smooth(120), 40]);
    expect(p.patience).toBe(240);
    // Raised again after 120 smooth frames, this time it holds for its 120 frames: the wait is back to half a second.
    p = run(startPace(8), [40, 40, 40, ...smooth(30), 40, ...smooth(60), ...smooth(60)]);
    expect(p).toMatchObject({ share: 3, patience: 30, trying: true });
  });

  it('the queue times its own frames: slow frames cut the share, so a slow machine renders one answer a frame', () => {
    let t = 0;
    let waiting: (() => void)[] = [];
    const q = createRenderQueue({ max: 8, frame: (cb) => (waiting.push(cb), () => {}), now: () => t });
    const keys = Array.from({ length: 8 }, () => ({}));
    let renders = 0;
    const frame = (ms: number) => {
      for (const k of keys) q.schedule(k, () => renders++);
      t += ms;
      const now = waiting;
      waiting = [];
      now.forEach((cb) => cb());
    };
    frame(16);
    expect(renders).toBe(8); // the first frame has nothing to compare with
    for (let i = 0; i < 3; i++) frame(60);
    expect(q.share).toBe(1);
    renders = 0;
    frame(16);
    expect(renders).toBe(1);
  });

  it('keeps timing frames for a moment after the last render, then stops asking for frames', () => {
    let t = 0;
    let waiting: (() => void)[] = [];
    const q = createRenderQueue({ frame: (cb) => (waiting.push(cb), () => {}), now: () => t });
    q.schedule({}, () => {});
    let frames = 0;
    while (waiting.length > 0 && frames < 100) {
      t += 16;
      const now = waiting;
      waiting = [];
      now.forEach((cb) => cb());
      frames++;
    }
    expect(frames).toBe(17); // the render's frame, then 250 ms of 16 ms frames
    expect(q.pending).toBe(0);
  });
});
