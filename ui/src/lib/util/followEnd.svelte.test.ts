import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { endInSight, roomBelow, SETTLE_MS, StreamFollower, turnPage } from './followEnd.svelte';

describe('turning the page', () => {
  it('waits while the newest text still fits, then puts it a third of the way down', () => {
    expect(turnPage({ scrollTop: 0, clientHeight: 300, end: 120 })).toBeNull();
    expect(turnPage({ scrollTop: 0, clientHeight: 300, end: 300 })).toBeNull();
    expect(turnPage({ scrollTop: 0, clientHeight: 300, end: 301 })).toBe(201);
    expect(turnPage({ scrollTop: 201, clientHeight: 300, end: 480 })).toBeNull();
    expect(turnPage({ scrollTop: 201, clientHeight: 300, end: 520 })).toBe(420);
    expect(roomBelow(300)).toBe(200);
  });

  it('knows when the newest text is on screen', () => {
    expect(endInSight({ scrollTop: 0, clientHeight: 300, end: 120 })).toBe(true);
    expect(endInSight({ scrollTop: 420, clientHeight: 300, end: 520 })).toBe(true);
    expect(endInSight({ scrollTop: 100, clientHeight: 300, end: 520 })).toBe(false); // scrolled up to read
    expect(endInSight({ scrollTop: 600, clientHeight: 300, end: 520 })).toBe(false); // below it, in the room
  });
});

describe('StreamFollower on a pane body', () => {
  const observers: { callback: () => void; target: Element | null }[] = [];
  const original = globalThis.ResizeObserver;
  beforeEach(() => {
    globalThis.ResizeObserver = class {
      entry: { callback: () => void; target: Element | null };
      constructor(callback: () => void) {
        this.entry = { callback, target: null };
        observers.push(this.entry);
      }
      observe(target: Element) {
        this.entry.target = target;
      }
      unobserve() {}
      disconnect() {
        this.entry.target = null;
      }
    } as unknown as typeof ResizeObserver;
  });
  afterEach(() => {
    globalThis.ResizeObserver = original;
    observers.length = 0;
    vi.useRealTimers();
  });

  /** A 300 px body (jsdom has no layout): its scrollHeight is the answers' height plus the room the follower adds. */
  function pane() {
    const body = document.createElement('div');
    const content = body.appendChild(document.createElement('div'));
    let answers = 100;
    const room = () => parseFloat(content.style.paddingBottom || '0');
    Object.defineProperty(body, 'clientHeight', { value: 300 });
    Object.defineProperty(body, 'scrollHeight', { get: () => Math.max(300, answers + room()) });
    return {
      body,
      content,
      room,
      grow(to: number) {
        answers = to;
        for (const o of observers) if (o.target === content) o.callback();
      },
      scroll(top: number) {
        body.scrollTop = top;
        body.dispatchEvent(new Event('scroll'));
      },
    };
  }

  /** A pane whose run has started, its follower attached. */
  function streaming(follower = new StreamFollower()) {
    const p = pane();
    const detach = follower.attach(p.body);
    follower.setLive(true);
    return { p, f: follower, detach };
  }

  it('turns the page when the text reaches the bottom, not on every render', () => {
    const { p, f } = streaming();
    p.grow(250);
    expect(p.body.scrollTop).toBe(0);
    p.grow(320);
    expect(p.body.scrollTop).toBe(220); // the end (320) a third of the way down
    expect(p.room()).toBe(200);
    p.scroll(220);
    p.grow(400);
    p.grow(500);
    expect(p.body.scrollTop).toBe(220); // it fills in place
    p.grow(530);
    expect(p.body.scrollTop).toBe(430);
  });

  it('stops when the reader scrolls up and resumes when they come back to the newest text', () => {
    const { p } = streaming();
    p.grow(320);
    p.scroll(220);
    p.body.dispatchEvent(new WheelEvent('wheel', { deltaY: -53 }));
    p.grow(700);
    expect(p.body.scrollTop).toBe(220);
    p.scroll(100);
    p.grow(900);
    expect(p.body.scrollTop).toBe(100);
    p.scroll(700); // the end (900) in sight again
    p.grow(1100);
    expect(p.body.scrollTop).toBe(1000);
  });

  it('tells the pane when it stops and starts following, and resume goes back to the newest text', () => {
    const { p, f } = streaming();
    p.grow(320);
    p.scroll(220);
    expect(f.following).toBe(true); // following all along
    p.scroll(0);
    p.grow(800);
    expect(f.following).toBe(false);
    f.resume();
    expect(f.following).toBe(true);
    expect(p.body.scrollTop).toBe(700); // the end (800) a third of the way down
    p.grow(1100);
    expect(p.body.scrollTop).toBe(1000);
  });

  it('follows the last render after the run ends, then takes the room away', () => {
    vi.useFakeTimers();
    let now = 0;
    const { p, f } = streaming(new StreamFollower(() => now));
    p.grow(320);
    f.setLive(false);
    now = 50;
    p.grow(600); // the final render, which jumps the queue
    expect(p.body.scrollTop).toBe(500);
    now = 50 + SETTLE_MS;
    vi.advanceTimersByTime(SETTLE_MS);
    expect(p.room()).toBe(0);
    p.grow(900); // a finished answer that changes (a block opened) is left where the reader is
    expect(p.body.scrollTop).toBe(500);
  });

  it('a pane that never ran does not follow; a new run follows wherever the last was left', () => {
    const p = pane();
    const f = new StreamFollower();
    f.attach(p.body);
    f.setLive(false);
    p.grow(900);
    expect(p.body.scrollTop).toBe(0);
    f.setLive(true);
    p.scroll(300);
    f.wheeledUp();
    expect(f.following).toBe(false);
    f.setLive(false);
    f.setLive(true);
    p.grow(1000);
    expect(p.body.scrollTop).toBe(900);
  });

  it('a wheel over an answer that does not scroll yet moves nothing and following goes on', () => {
    const { p, f } = streaming();
    p.grow(200);
    p.body.dispatchEvent(new WheelEvent('wheel', { deltaY: -53 }));
    expect(f.following).toBe(true);
    p.grow(400);
    expect(p.body.scrollTop).toBe(300);
  });

  it('detaching takes the room away and stops listening', () => {
    const { p, detach } = streaming();
    p.grow(320);
    expect(p.room()).toBe(200);
    detach?.();
    expect(p.room()).toBe(0);
    p.grow(2000);
    expect(p.body.scrollTop).toBe(220);
  });
});
