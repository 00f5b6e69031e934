// What the view shows while a benchmark runs, folded from its events (pure).
import type { BenchEvent, BenchReport, BenchRun } from './types';

export interface Progress {
  /** Finished runs (successes, failures and stopped ones). */
  done: number;
  failed: number;
  remaining: number;
  elapsed_ms: number;
  eta_ms: number | null;
}

export interface PaneCounters {
  ok: number;
  failed: number;
  stopped: number;
}

export interface LiveBench {
  progress: Progress | null;
  /** Per pane, from `run` events. */
  counters: PaneCounters[];
  /** The latest runs (for the live strip), newest last. */
  recent: BenchRun[];
  report: BenchReport | null;
}

const RECENT = 8;

export function newLive(panes: number): LiveBench {
  return { progress: null, counters: Array.from({ length: panes }, () => ({ ok: 0, failed: 0, stopped: 0 })), recent: [], report: null };
}

export function applyBenchEvent(live: LiveBench, event: BenchEvent): LiveBench {
  switch (event.type) {
    case 'progress': {
      const { done, failed, remaining, elapsed_ms, eta_ms } = event;
      return { ...live, progress: { done, failed, remaining, elapsed_ms, eta_ms } };
    }
    case 'run': {
      const run = event.run;
      const counters = live.counters.slice();
      while (counters.length <= run.pane) counters.push({ ok: 0, failed: 0, stopped: 0 });
      const c = { ...counters[run.pane] };
      if (run.ok) c.ok++;
      else if (run.stopped) c.stopped++;
      else c.failed++;
      counters[run.pane] = c;
      return { ...live, counters, recent: [...live.recent, run].slice(-RECENT) };
    }
    case 'finished':
      return { ...live, report: event.report };
  }
}

export interface ProgressParts {
  total: number;
  /** Shares of the bar, 0..1: succeeded, failed (stopped runs count with the failed colour), remaining. */
  ok: number;
  failed: number;
  remaining: number;
}

/** The progress bar's segments; `done` includes failed and stopped runs. */
export function progressParts(p: Progress | null, expected: number): ProgressParts {
  if (!p) return { total: expected, ok: 0, failed: 0, remaining: expected > 0 ? 1 : 0 };
  const total = Math.max(1, p.done + p.remaining);
  const ok = Math.max(0, p.done - p.failed);
  return { total: p.done + p.remaining, ok: ok / total, failed: (p.done - ok) / total, remaining: p.remaining / total };
}
