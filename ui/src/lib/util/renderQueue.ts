// Streaming panes take turns re-rendering. Eight panes at 200 tokens/s each all change every frame; re-rendering all
// of them every frame is more than a machine without a GPU keeps up with. So each frame runs the oldest waiting
// render, then more, oldest first, while the frame's renders so far took under `RENDER_BUDGET_MS`: a machine that
// renders fast renders every pane every frame, a slow one one pane a frame (#3, BENCHMARKS.md: on the 2-core
// benchmark VM without a GPU that is two answers most frames, each changing every ~2 frames instead of ~4). A pane
// asking again while it waits keeps its place (it renders its latest text when its turn comes). Urgent requests (a
// stream that has ended) go first and always run, so a finished answer never waits behind streaming ones.
//
// Background requests (an answer out of sight) go last: a frame runs them in what its budget leaves, and the one that
// has waited `BACKGROUND_MAX_WAIT_MS` anyway (one a frame), so they never starve. When they stood in line with the
// others, the answers out of sight, whose turns fell due together every half second, took four frames in a row from
// the ones on screen (BENCHMARKS.md, the 2026-11-27 22:50 section: the worst waits of the run, 70–90 ms).
//
// A render's time includes laying its answer out (`Markdown.svelte` does it inside the job), so the budget sees what
// a render costs the frame except its painting.
import { requestFrame } from './frame';

/** How long a frame's streaming renders may take before the rest wait for the next frame (after the first, which
 * always runs). At 60 Hz a frame is 16.7 ms, and #3's goal is a frame-time p95 under 20 ms: the rest of the frame is
 * for painting, the channels' messages and the page. (Measured on the benchmark VM: with 4 ms frame p95 was 17–19 ms in
 * five release runs and 18–22 ms, median 18, in seven without LTO; with 5–6 ms it was 19–22 ms.) */
export const RENDER_BUDGET_MS = 4;

/** How long a background render waits at most for room in a frame's budget (then it runs anyway, one a frame). */
export const BACKGROUND_MAX_WAIT_MS = 250;

export type Job = () => void;

/** `urgent`: now, whatever the budget; `normal`: oldest first within the budget; `background`: after those. */
export type Priority = 'urgent' | 'normal' | 'background';

export interface RenderQueue {
  /** Run `job` in a coming frame; a later call with the same key replaces the job (and keeps the higher priority
   * of the two, and its place in line). Returns a cancel function. */
  schedule(key: object, job: Job, priority?: Priority): () => void;
  /** Requests waiting (for tests and diagnostics). */
  readonly pending: number;
}

export interface RenderQueueOptions {
  /** The most streaming renders in one frame. */
  max?: number;
  frame?: (cb: () => void) => () => void;
  now?: () => number;
}

export function createRenderQueue(options: RenderQueueOptions = {}): RenderQueue {
  const { max = 8, frame = requestFrame, now = () => performance.now() } = options;
  const urgent = new Map<object, Job>();
  const normal = new Map<object, Job>();
  const background = new Map<object, { job: Job; since: number }>();
  let scheduled = false;

  function flush() {
    scheduled = false;
    // Every urgent job runs now; then the oldest streaming ones, within the frame's budget; then the background ones.
    for (const [key, job] of [...urgent]) {
      urgent.delete(key);
      job();
    }
    const start = now();
    let ran = 0;
    const roomLeft = () => ran === 0 || (ran < max && now() - start < RENDER_BUDGET_MS);
    for (const [key, job] of normal) {
      if (!roomLeft()) break;
      normal.delete(key);
      job();
      ran++;
    }
    let forced = false;
    for (const [key, { job, since }] of background) {
      if (!roomLeft()) {
        if (forced || now() - since < BACKGROUND_MAX_WAIT_MS) break;
        forced = true;
      }
      background.delete(key);
      job();
      ran++;
    }
    if (urgent.size + normal.size + background.size > 0) ensureFrame();
  }

  function ensureFrame() {
    if (scheduled) return;
    scheduled = true;
    frame(flush);
  }

  return {
    schedule(key, job, priority = 'normal') {
      if (priority === 'urgent') {
        normal.delete(key);
        background.delete(key);
        urgent.set(key, job);
      } else if (urgent.has(key)) {
        urgent.set(key, job);
      } else if (priority === 'normal' || normal.has(key)) {
        background.delete(key);
        // Map.set on an existing key keeps its insertion position: the pane keeps its place in the line.
        normal.set(key, job);
      } else {
        background.set(key, { job, since: background.get(key)?.since ?? now() });
      }
      ensureFrame();
      return () => {
        urgent.delete(key);
        normal.delete(key);
        background.delete(key);
      };
    },
    get pending() {
      return urgent.size + normal.size + background.size;
    },
  };
}

/** The app's one queue for rendered answers. */
export const answerRenders = createRenderQueue();
