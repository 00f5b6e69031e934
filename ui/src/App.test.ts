import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { ProviderView } from './ipc';

// Replace the IPC module (the only one that reaches Rust) and keep its pure helpers.
vi.mock('./ipc', async (importOriginal) => ({
  ...(await importOriginal<typeof import('./ipc')>()),
  listProviders: vi.fn(),
  listModels: vi.fn(),
  // Its history records nothing (private mode), so runs start without history ids.
  startTurn: (await import('./test/ipcMock')).startTurn,
  listComparisons: vi.fn(async () => []),
  getPrivateMode: vi.fn(async () => false),
  historyNotice: vi.fn(async () => null),
  stopPane: vi.fn(),
  stopAll: vi.fn(),
  leaderboard: vi.fn(async () => ({ method: 'elo', votes: 0, rows: [] })),
  listVotes: vi.fn(async () => []),
}));

import { listProviders } from './ipc';
import { startPane } from './test/ipcMock';
import App from './App.svelte';
import { provider, report } from './test/fixtures';

const providers: ProviderView[] = [
  provider({ key: { state: 'present', last4: '1234' } }),
  provider({ id: 'ollama', name: 'Ollama', local: true, base_url: 'http://localhost:11434/v1', key_env: null, key: { state: 'not_needed' } }),
];

beforeEach(() => {
  localStorage.clear();
  vi.mocked(listProviders).mockReset().mockResolvedValue(providers);
  vi.mocked(startPane).mockReset();
});

describe('App', () => {
  it('shows the name and switches between Compare and Providers', async () => {
    render(App);
    expect(screen.getByRole('heading', { level: 1, name: 'Juxta' })).toBeTruthy();
    expect(screen.getByTestId('prompt-input')).toBeTruthy();
    expect(screen.getByTestId('compare-tab').getAttribute('aria-current')).toBe('page');
    await fireEvent.click(screen.getByTestId('providers-tab'));
    expect(await screen.findAllByTestId('provider-row')).toHaveLength(2);
    expect(screen.queryByTestId('prompt-input')).toBeNull();
    expect(screen.getByTestId('providers-tab').getAttribute('aria-current')).toBe('page');
    await fireEvent.click(screen.getByTestId('compare-tab'));
    expect(screen.getByTestId('prompt-input')).toBeTruthy();
    expect(listProviders).toHaveBeenCalledTimes(1);
  });

  it('opens the leaderboard, and its empty state leads back to Compare with Blind mode', async () => {
    render(App);
    await fireEvent.click(screen.getByTestId('leaderboard-tab'));
    expect(screen.getByTestId('leaderboard-tab').getAttribute('aria-current')).toBe('page');
    const empty = await screen.findByTestId('leaderboard-empty');
    expect(screen.queryByTestId('prompt-input')).toBeNull();
    await fireEvent.click(screen.getByRole('button', { name: 'Go to Compare' }));
    expect(screen.getByTestId('prompt-input')).toBeTruthy();
    expect(empty.isConnected).toBe(false);
    expect(screen.getByTestId('blind-toggle')).toBeTruthy();
  });

  it('says so when the backend cannot list providers', async () => {
    vi.mocked(listProviders).mockRejectedValue('Command list_providers not allowed by ACL');
    render(App);
    await fireEvent.click(screen.getByTestId('providers-tab'));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('not allowed by ACL');
  });

  it('remembers panes, widths and shared params, but never answers or prompts', async () => {
    let emit: ((e: import('./ipc').PaneEvent) => void) | undefined;
    vi.mocked(startPane).mockImplementation(async (_r, onEvent) => {
      emit = onEvent;
      return 1;
    });
    localStorage.setItem(
      'juxta.layout.v1',
      JSON.stringify({ system: 'Be brief.', shared: { temperature: 0.5, bogus: 1 }, panes: [{ provider: 'openai', model: 'gpt-4o', overrides: { params: { seed: 3 } }, width: 480 }] }),
    );
    render(App);
    const pane = screen.getByTestId('pane');
    expect(pane.getAttribute('aria-label')).toContain('openai · gpt-4o');
    expect(pane.style.width).toBe('480px');
    expect((screen.getByTestId('system-input') as HTMLTextAreaElement).value).toBe('Be brief.');

    await fireEvent.input(screen.getByTestId('prompt-input'), { target: { value: 'private question' } });
    await fireEvent.click(screen.getByTestId('run-button'));
    await waitFor(() => expect(emit).toBeDefined());
    expect(vi.mocked(startPane).mock.calls[0][0].params).toEqual({ temperature: 0.5, seed: 3 });
    emit!({ type: 'done', report: report({ text: 'private answer' }), provider_state: null });
    await waitFor(() => expect(pane.dataset.status).toBe('done'));

    await waitFor(() => {
      const saved = localStorage.getItem('juxta.layout.v1') ?? '';
      expect(JSON.parse(saved).panes[0]).toMatchObject({ provider: 'openai', model: 'gpt-4o', width: 480 });
      expect(JSON.parse(saved).shared).toEqual({ temperature: 0.5 });
    });
    const all = Object.keys(localStorage).map((k) => localStorage.getItem(k)).join('\n');
    expect(all).not.toContain('private answer');
    expect(all).not.toContain('private question');
  });
});
