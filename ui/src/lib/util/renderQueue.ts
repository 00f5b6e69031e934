// Streaming panes take turns re-rendering. Eight panes at 200 tokens/s each all change every frame; re-rendering all
// of them every frame is more than a machine without a GPU keeps up with (#3, BENCHMARKS.md: on the 2-core benchmark
// VM one answer per frame keeps frames under 20 ms, two per frame saturate WebKit's main thread). So a frame runs a
// `share` of the waiting renders, oldest request first; a pane asking again while it waits keeps its place (it
// renders its latest text when its turn comes). The share adapts to the machine (`nextPace`): halved after a slow
// frame, raised by one after a run of smooth ones. Urgent requests (a stream that has ended) go first and always run,
// so a finished answer never waits behind streaming ones.
import { requestFrame } from './frame';

/** A frame this long was slow: at 60 Hz frames are 16.7 ms apart, and #3's goal is a p95 under 20 ms. (At 25 ms the
 * share tried two renders a frame more often: on-screen answers changed every ~40 ms instead of ~64, but frame p95
 * went to 21–22 ms on the benchmark VM; BENCHMARKS.md.) */
export const SLOW_FRAME_MS = 20;
/** Smooth frames in a row before trying one more render per frame (half a second at 60 Hz). */
const BASE_PATIENCE = 30;
/** A machine that keeps failing the next share tries it at most every 16 s of streaming. */
const MAX_PATIENCE = 960;
/** How long frames keep being timed after the last render request. */
const LINGER_MS = 250;

export interface Pace {
  /** Streaming renders the next frame may run. */
  share: number;
  /** Smooth frames in a row since the share last changed. */
  smooth: number;
  /** Smooth frames needed before trying one more. */
  patience: number;
  /** The share was just raised and has not yet held for `patience` frames. */
  trying: boolean;
}

export function startPace(max: number): Pace {
  return { share: max, smooth: 0, patience: BASE_PATIENCE, trying: false };
}

/** The pace after a frame that took `frameMs` (pure). A raise followed by a slow frame doubles the patience for the
 * next attempt, so a machine that cannot afford it tries rarely; a raise that holds resets it. */
export function nextPace(p: Pace, frameMs: number, max: number): Pace {
  if (frameMs > SLOW_FRAME_MS) {
    return {
      share: Math.max(1, Math.floor(p.share / 2)),
      smooth: 0,
      patience: p.trying ? Math.min(MAX_PATIENCE, p.patience * 2) : p.patience,
      trying: false,
    };
  }
  const smooth = p.smooth + 1;
  if (smooth < p.patience) return { ...p, smooth };
  // The share held for `patience` frames: a raise that was being tried has proved itself.
  const patience = p.trying ? BASE_PATIENCE : p.patience;
  if (p.share < max) return { share: p.share + 1, smooth: 0, patience, trying: true };
  return { ...p, smooth: 0, patience, trying: false };
}

export type Job = () => void;

export interface RenderQueue {
  /** Run `job` in a coming frame; a later call with the same key replaces the job. Returns a cancel function. */
  schedule(key: object, job: Job, urgent?: boolean): () => void;
  /** Requests waiting (for tests and diagnostics). */
  readonly pending: number;
  /** Streaming renders the next frame may run (for tests and diagnostics). */
  readonly share: number;
}

export interface RenderQueueOptions {
  /** The most streaming renders in one frame (also the share it starts with). */
  max?: number;
  frame?: (cb: () => void) => () => void;
  now?: () => number;
}

export function createRenderQueue(options: RenderQueueOptions = {}): RenderQueue {
  const { max = 8, frame = requestFrame, now = () => performance.now() } = options;
  const urgent = new Map<object, Job>();
  const normal = new Map<object, Job>();
  let scheduled = false;
  let pace = startPace(max);
  /** The previous frame while frames run back to back (null when the queue has been idle). */
  let lastFrameAt: number | null = null;
  let lastWorkAt = -Infinity;

  function flush() {
    scheduled = false;
    const at = now();
    // Frame to frame, not request to frame: a long rendering update after the last callbacks (style, layout,
    // painting) delays the next frame, but not necessarily the next request.
    if (lastFrameAt !== null) pace = nextPace(pace, at - lastFrameAt, max);
    if (urgent.size + normal.size > 0) lastWorkAt = at;
    // Every urgent job runs now; then the oldest streaming ones, up to the frame's share.
    for (const [key, job] of [...urgent]) {
      urgent.delete(key);
      job();
    }
    let budget = pace.share;
    for (const [key, job] of normal) {
      if (budget-- <= 0) break;
      normal.delete(key);
      job();
    }
    // While answers stream, requests come every frame or two: keep the frames coming for a moment after the
    // last one so every frame of a run is timed.
    if (urgent.size + normal.size > 0 || at - lastWorkAt < LINGER_MS) {
      lastFrameAt = at;
      ensureFrame();
    } else {
      lastFrameAt = null;
    }
  }

  function ensureFrame() {
    if (scheduled) return;
    scheduled = true;
    frame(flush);
  }

  return {
    schedule(key, job, isUrgent = false) {
      if (isUrgent) {
        normal.delete(key);
        urgent.set(key, job);
      } else if (urgent.has(key)) {
        urgent.set(key, job);
      } else {
        // Map.set on an existing key keeps its insertion position: the pane keeps its place in the line.
        normal.set(key, job);
      }
      ensureFrame();
      return () => {
        urgent.delete(key);
        normal.delete(key);
      };
    },
    get pending() {
      return urgent.size + normal.size;
    },
    get share() {
      return pace.share;
    },
  };
}

/** The app's one queue for rendered answers. */
export const answerRenders = createRenderQueue();
