import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('../../ipc', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../ipc')>()),
  listProviders: vi.fn(),
  detectLocalServers: vi.fn(),
  startDemoServer: vi.fn(),
  // Its history records nothing (private mode), so runs start without history ids.
  startTurn: (await import('../../test/ipcMock')).startTurn,
  stopPane: vi.fn(),
  stopAll: vi.fn(),
  listModels: vi.fn(),
}));

import { render } from '@testing-library/svelte';
import { detectLocalServers, listProviders, startDemoServer } from '../../ipc';
import { provider } from '../../test/fixtures';
import CompareView from '../compare/CompareView.svelte';
import { HistoryState } from '../history/history.svelte';
import { Comparison } from '../state/comparison.svelte';
import { UiPrefs } from '../state/prefs.svelte';
import { ProvidersState } from '../state/providers.svelte';

async function setup(list = [provider(), provider({ id: 'ollama', name: 'Ollama', local: true, key: { state: 'not_needed' } })], dismissed = false) {
  vi.mocked(listProviders).mockResolvedValue(list);
  const providers = new ProvidersState();
  await providers.load();
  const comparison = new Comparison();
  const prefs = new UiPrefs({ firstRunDismissed: dismissed, systemOpen: true, paramsOpen: false, historyOpen: false });
  const onopenproviders = vi.fn();
  render(CompareView, { comparison, providers, prefs, history: new HistoryState(), onopenproviders });
  return { comparison, providers, prefs, onopenproviders };
}

beforeEach(() => {
  localStorage.clear();
  vi.mocked(detectLocalServers).mockReset();
  vi.mocked(startDemoServer).mockReset();
});

describe('first run', () => {
  it('is shown when no provider has a key, and not once one has', async () => {
    await setup();
    expect(screen.getByTestId('first-run')).toBeTruthy();
  });

  it('is not shown when a key is present', async () => {
    await setup([provider({ key: { state: 'present', last4: '1234' } })]);
    expect(screen.queryByTestId('first-run')).toBeNull();
  });

  it('is not shown once dismissed, and dismissing is remembered', async () => {
    const { prefs } = await setup();
    await fireEvent.click(screen.getByTestId('first-run-dismiss'));
    expect(screen.queryByTestId('first-run')).toBeNull();
    expect(prefs.firstRunDismissed).toBe(true);
    expect(new UiPrefs().firstRunDismissed).toBe(true);
    expect(localStorage.getItem('juxta.prefs.v1')).not.toMatch(/key|sk-/i);
  });

  it('links to the Providers screen', async () => {
    const { onopenproviders } = await setup();
    await fireEvent.click(within(screen.getByTestId('first-run')).getByRole('button', { name: 'Open Providers' }));
    expect(onopenproviders).toHaveBeenCalled();
  });

  it('detects local servers and adds a pane for a model', async () => {
    vi.mocked(detectLocalServers).mockResolvedValue([
      { provider: 'ollama', name: 'Ollama', base_url: 'http://localhost:11434/v1', models: ['llama3.2:3b', 'qwen2.5:7b'] },
    ]);
    const { comparison } = await setup();
    await fireEvent.click(screen.getByTestId('detect-local-button'));
    const list = await screen.findByTestId('local-servers');
    expect(list.textContent).toContain('Ollama');
    expect(list.textContent).toContain('http://localhost:11434/v1');
    const add = within(list).getByRole('button', { name: 'Add a pane with Ollama qwen2.5:7b' }) as HTMLButtonElement;
    await fireEvent.click(add);
    expect(comparison.panes.map((p) => p.label)).toEqual(['ollama:qwen2.5:7b']);
    expect(screen.getAllByTestId('pane')).toHaveLength(1);
    expect(add.disabled).toBe(true);
  });

  it('says when no local server answered', async () => {
    vi.mocked(detectLocalServers).mockResolvedValue([]);
    await setup();
    await fireEvent.click(screen.getByTestId('detect-local-button'));
    expect((await screen.findByRole('status')).textContent).toContain('No local server');
  });

  it('the demo starts the mock, adds three panes and fills a sample prompt', async () => {
    vi.mocked(startDemoServer).mockResolvedValue(
      provider({ id: 'mock', name: 'Juxta mock', local: true, base_url: 'http://127.0.0.1:45123/v1', key: { state: 'not_needed' } }),
    );
    const { comparison, providers } = await setup();
    await fireEvent.click(screen.getByTestId('demo-button'));
    await waitFor(() => expect(screen.getAllByTestId('pane')).toHaveLength(3));
    expect(comparison.panes.map((p) => p.label)).toEqual(['mock:normal', 'mock:reasoning', 'mock:normal@tokens=400']);
    expect((screen.getByTestId('prompt-input') as HTMLTextAreaElement).value).not.toBe('');
    expect((screen.getByTestId('run-button') as HTMLButtonElement).disabled).toBe(false);
    expect(providers.get('mock')?.name).toBe('Juxta mock');
  });

  it('makes room for the panes once something has run', async () => {
    vi.mocked(startDemoServer).mockResolvedValue(
      provider({ id: 'mock', name: 'Juxta mock', local: true, base_url: 'http://127.0.0.1:45123/v1', key: { state: 'not_needed' } }),
    );
    await setup();
    await fireEvent.click(screen.getByTestId('demo-button'));
    await waitFor(() => expect(screen.getAllByTestId('pane')).toHaveLength(3));
    expect(screen.getByTestId('first-run')).toBeTruthy();
    await fireEvent.click(screen.getByTestId('run-button'));
    await waitFor(() => expect(screen.queryByTestId('first-run')).toBeNull());
  });

  it('shows why the demo could not start', async () => {
    vi.mocked(startDemoServer).mockRejectedValue('port in use');
    await setup();
    await fireEvent.click(screen.getByTestId('demo-button'));
    expect((await within(screen.getByTestId('first-run')).findByRole('alert')).textContent).toContain('port in use');
  });
});
