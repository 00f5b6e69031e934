// A pane's status line in blind mode: what stage it is at, never a provider's name or message.
import { isActive, kindWords, type PaneRun } from '../state/run';

export function blindStatus(run: PaneRun | undefined): string {
  if (!run) return 'ready';
  const stopping = run.stopping && isActive(run.status) ? ' · stopping…' : '';
  switch (run.status) {
    case 'idle':
      return 'ready';
    case 'waiting':
      return `waiting for first token${stopping}`;
    case 'failed':
      return run.report?.error ? `failed: ${kindWords(run.report.error.kind)}` : 'failed';
    case 'interrupted':
      return 'interrupted';
    default:
      return `${run.status}${stopping}`;
  }
}
