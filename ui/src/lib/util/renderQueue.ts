// Streaming panes take turns re-rendering. Eight panes at 200 tokens/s each all change every frame; if all of them
// lay out and paint in the same frame, WebKit's software painting alone passes the 16 ms budget (#3, BENCHMARKS.md).
// So at most `perFrame` renders run per animation frame, oldest request first; a pane asking again while it waits
// keeps its place (it renders its latest text when its turn comes). Urgent requests (a stream that has ended) go
// first, so a finished answer never waits behind streaming ones.
import { requestFrame } from './frame';

export type Job = () => void;

export interface RenderQueue {
  /** Run `job` in a coming frame; a later call with the same key replaces the job. Returns a cancel function. */
  schedule(key: object, job: Job, urgent?: boolean): () => void;
  /** Requests waiting (for tests and diagnostics). */
  readonly pending: number;
}

export function createRenderQueue(perFrame = 3, frame: (cb: () => void) => () => void = requestFrame): RenderQueue {
  const urgent = new Map<object, Job>();
  const normal = new Map<object, Job>();
  let scheduled = false;

  function flush() {
    scheduled = false;
    // Every urgent job runs now; then the oldest streaming ones, up to the frame's share.
    for (const [key, job] of [...urgent]) {
      urgent.delete(key);
      job();
    }
    let budget = perFrame;
    for (const [key, job] of normal) {
      if (budget-- <= 0) break;
      normal.delete(key);
      job();
    }
    if (urgent.size + normal.size > 0) ensureFrame();
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
  };
}

/** The app's one queue for rendered answers. */
export const answerRenders = createRenderQueue();
