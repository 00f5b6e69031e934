// Renders the Compare view with IPC mocked by the caller's vi.mock (with ./ipcMock's `startTurn`); captures each
// started pane.
import { render } from '@testing-library/svelte';
import { vi } from 'vitest';
import type { PaneEvent } from '../ipc';
import type { BlindMode } from '../lib/blind/blind.svelte';
import CompareView from '../lib/compare/CompareView.svelte';
import { HistoryState } from '../lib/history/history.svelte';
import { Comparison } from '../lib/state/comparison.svelte';
import { UiPrefs } from '../lib/state/prefs.svelte';
import { ProvidersState } from '../lib/state/providers.svelte';
import { startPane, type StartedRequest } from './ipcMock';

export interface StartedPane {
  request: StartedRequest;
  emit: (event: PaneEvent) => void;
}

/** `historyOpen` shows the sidebar (its IPC calls must then be mocked by the caller); `blind` replaces the default blind mode (off). */
export function renderCompare(
  panes: [string, string][],
  { historyOpen = false, blind }: { historyOpen?: boolean; blind?: BlindMode } = {},
) {
  const started: StartedPane[] = [];
  vi.mocked(startPane).mockImplementation(async (request, onEvent) => {
    started.push({ request, emit: onEvent });
    return started.length;
  });
  const comparison = new Comparison();
  for (const [p, m] of panes) comparison.addPane(p, m);
  const providers = new ProvidersState();
  providers.status = 'ready';
  const prefs = new UiPrefs({ firstRunDismissed: true, systemOpen: true, paramsOpen: false, historyOpen });
  const history = new HistoryState();
  const result = render(CompareView, { comparison, providers, prefs, history, onopenproviders: () => {}, ...(blind ? { blind } : {}) });
  return { ...result, comparison, history, prefs, started };
}

export const tick = () => new Promise((r) => setTimeout(r, 0));

/** Waits for the frames after a pane's end: its metrics and follow-up box appear a frame after its last text. */
export const ended = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r, 0))));
