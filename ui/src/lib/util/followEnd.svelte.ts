// A pane follows its stream: while a run streams, the newest text stays in sight. It follows by the page, not by the
// line: when the text reaches the pane's bottom edge, the pane scrolls once so the last line sits a third of the way
// down, and the next two thirds fill in place, so the text being read stands still between turns instead of creeping
// up a line at a time. (Both cost the same since panes lost their blurred shadow: frame p95 18–19 ms with eight
// panes on the benchmark VM, #3, BENCHMARKS.md.) The room for those two thirds is padding below the answer, there
// only while it streams.
//
// Scrolling away (to read the start) stops following; scrolling back to the newest text resumes it. A run that
// starts takes the pane to its end (a follow-up's question and answer come below the earlier turns).

/** Where the last line goes when the pane turns the page: a third of the way down its height. */
export const KEEP_ABOVE = 1 / 3;
/** How long the room stays after a run ends: its last render jumps the render queue and lands within a frame or two
 * (41–51 ms after the end with eight panes on the benchmark VM), and until then the pane still follows. */
export const SETTLE_MS = 500;

export interface View {
  /** The body's scroll position and height (px). */
  scrollTop: number;
  clientHeight: number;
  /** Where the answers end, in the body's scroll coordinates (its scrollHeight without the padding). */
  end: number;
}

/** The newest text is on screen (pure). */
export function endInSight(v: View): boolean {
  return v.end >= v.scrollTop && v.end <= v.scrollTop + v.clientHeight + 1;
}

/** The scroll position that puts the newest text a third of the way down (pure). */
export function pageTop(v: View): number {
  return Math.max(0, Math.round(v.end - v.clientHeight * KEEP_ABOVE));
}

/** Where to scroll so the text can grow in place again, or null while it still can (pure). */
export function turnPage(v: View): number | null {
  return v.end <= v.scrollTop + v.clientHeight ? null : pageTop(v);
}

/** The room below the answer while it streams: what a turned page leaves to fill (pure). */
export function roomBelow(clientHeight: number): number {
  return Math.round(clientHeight * (1 - KEEP_ABOVE));
}

/** One pane's following: `setLive` from the pane's state, `attach` on its scrolled body, whose first child holds the
 * answers (a ResizeObserver on it reports after layout and before paint, so a turned page lands in the frame that
 * brought the text). */
export class StreamFollower {
  /** The reader is with the newest text (or a run just started); reactive, so the pane can offer a way back. */
  #following = $state(true);
  private live = false;
  private liveUntil = -Infinity;
  private room = 0;
  private body: HTMLElement | null = null;
  private content: HTMLElement | null = null;
  private settle: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly now: () => number = () => performance.now()) {}

  get following(): boolean {
    return this.#following;
  }

  /** A run starts (`true`) or ends (`false`). A pane that never ran (a saved comparison on display) never follows,
   * so it opens at the start of its answers. */
  setLive(live: boolean): void {
    if (live === this.live) return;
    this.live = live;
    clearTimeout(this.settle);
    if (live) {
      this.#following = true;
      this.liveUntil = Infinity;
    } else {
      this.liveUntil = this.now() + SETTLE_MS;
      this.settle = setTimeout(() => this.setRoom(0), SETTLE_MS);
    }
  }

  /** Follow now? (While live, and for the moment after a run ends.) */
  active(): boolean {
    return this.following && this.now() <= this.liveUntil;
  }

  private view(): View | null {
    const b = this.body;
    if (!b) return null;
    return { scrollTop: b.scrollTop, clientHeight: b.clientHeight, end: b.scrollHeight - this.room };
  }

  /** The body scrolled: the reader left the newest text, or came back to it (our own turns keep it in sight). */
  scrolled(): void {
    const v = this.view();
    if (v) this.#following = endInSight(v);
  }

  /** The reader turned the wheel up: they want to read back, even if a smooth scroll's first step keeps the newest
   * text in sight. (Over an answer that does not scroll yet, the wheel moves nothing and following goes on.) */
  wheeledUp(): void {
    if (this.body && this.body.scrollTop > 0) this.#following = false;
  }

  /** Back to the newest text (the pane's "Newest" button): follow again and show it now. */
  resume(): void {
    this.#following = true;
    const v = this.view();
    if (!v || !this.body) return;
    this.setRoom(roomBelow(v.clientHeight));
    this.body.scrollTop = pageTop(v);
  }

  /** The answers changed size. */
  grew(): void {
    const v = this.active() ? this.view() : null;
    const top = v && turnPage(v);
    if (!v || top === null || !this.body) return;
    this.setRoom(roomBelow(v.clientHeight));
    this.body.scrollTop = top;
  }

  private setRoom(px: number): void {
    if (px === this.room || !this.content) return;
    this.room = px;
    this.content.style.paddingBottom = px ? `${px}px` : '';
  }

  /** The attachment for the pane's scrolled body. */
  attach = (body: HTMLElement) => {
    const content = body.firstElementChild;
    if (!(content instanceof HTMLElement) || typeof ResizeObserver === 'undefined') return;
    this.body = body;
    this.content = content;
    const onScroll = () => this.scrolled();
    const onWheel = (event: WheelEvent) => {
      if (event.deltaY < 0) this.wheeledUp();
    };
    const observer = new ResizeObserver(() => this.grew());
    body.addEventListener('scroll', onScroll, { passive: true });
    body.addEventListener('wheel', onWheel, { passive: true });
    observer.observe(content);
    return () => {
      observer.disconnect();
      body.removeEventListener('scroll', onScroll);
      body.removeEventListener('wheel', onWheel);
      clearTimeout(this.settle);
      this.setRoom(0);
      this.body = this.content = null;
    };
  };
}
