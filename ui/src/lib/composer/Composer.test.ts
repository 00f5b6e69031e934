import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('../../ipc', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../ipc')>()),
  // Its history records nothing (private mode), so runs start without history ids.
  startTurn: (await import('../../test/ipcMock')).startTurn,
  stopPane: vi.fn(),
  stopAll: vi.fn(),
  listModels: vi.fn(),
}));

import { listModels, stopAll } from '../../ipc';
import { startPane } from '../../test/ipcMock';
import { provider } from '../../test/fixtures';
import CompareView from '../compare/CompareView.svelte';
import { HistoryState } from '../history/history.svelte';
import { Comparison } from '../state/comparison.svelte';
import { UiPrefs } from '../state/prefs.svelte';
import { ProvidersState } from '../state/providers.svelte';

function setup(panes: [string, string][] = []) {
  const comparison = new Comparison();
  for (const [p, m] of panes) comparison.addPane(p, m);
  const providers = new ProvidersState();
  providers.list = [
    provider({ key: { state: 'present', last4: '1234' } }),
    provider({ id: 'ollama', name: 'Ollama', local: true, key: { state: 'not_needed' }, base_url: 'http://localhost:11434/v1' }),
  ];
  providers.status = 'ready';
  const prefs = new UiPrefs({ firstRunDismissed: true, systemOpen: true, paramsOpen: false, historyOpen: false });
  render(CompareView, { comparison, providers, prefs, history: new HistoryState(), onopenproviders: () => {} });
  return { comparison, providers };
}

beforeEach(() => {
  vi.mocked(startPane).mockReset().mockResolvedValue(1);
  vi.mocked(stopAll).mockReset().mockResolvedValue(undefined);
  vi.mocked(listModels).mockReset().mockResolvedValue([{ id: 'gpt-4o' }, { id: 'gpt-4o-mini', display_name: 'GPT-4o mini' }, { id: 'o3' }]);
});

describe('Composer', () => {
  it('Run is disabled with a reason until there is a pane and a prompt', async () => {
    setup();
    const run = screen.getByTestId('run-button') as HTMLButtonElement;
    expect(run.disabled).toBe(true);
    expect(screen.getByText('Add a model first')).toBeTruthy();
  });

  it('Run says a prompt is missing when there are panes', async () => {
    setup([['openai', 'gpt-4o']]);
    const run = screen.getByTestId('run-button') as HTMLButtonElement;
    expect(run.disabled).toBe(true);
    expect(run.title).toBe('Write a prompt first');
    await fireEvent.input(screen.getByTestId('prompt-input'), { target: { value: 'hello' } });
    expect(run.disabled).toBe(false);
  });

  it('Ctrl+Enter runs every pane with the prompt and the shared system prompt', async () => {
    setup([
      ['openai', 'gpt-4o'],
      ['ollama', 'llama3:8b'],
    ]);
    await fireEvent.input(screen.getByTestId('system-input'), { target: { value: 'Be terse.' } });
    const prompt = screen.getByTestId('prompt-input');
    await fireEvent.input(prompt, { target: { value: 'Why?' } });
    await fireEvent.keyDown(prompt, { key: 'Enter', ctrlKey: true });
    expect(startPane).toHaveBeenCalledTimes(2);
    const requests = vi.mocked(startPane).mock.calls.map(([r]) => r);
    expect(requests.map((r) => `${r.provider}:${r.model}`)).toEqual(['openai:gpt-4o', 'ollama:llama3:8b']);
    expect(requests.every((r) => r.system === 'Be terse.' && r.messages[0].content === 'Why?')).toBe(true);
  });

  it('Cmd+Enter also runs; plain Enter does not', async () => {
    setup([['openai', 'gpt-4o']]);
    const prompt = screen.getByTestId('prompt-input');
    await fireEvent.input(prompt, { target: { value: 'x' } });
    await fireEvent.keyDown(prompt, { key: 'Enter' });
    expect(startPane).not.toHaveBeenCalled();
    await fireEvent.keyDown(prompt, { key: 'Enter', metaKey: true });
    expect(startPane).toHaveBeenCalledTimes(1);
  });

  it('Esc stops all while running, and Stop all does too', async () => {
    vi.mocked(startPane).mockImplementation(() => new Promise(() => {}));
    setup([['openai', 'gpt-4o']]);
    const prompt = screen.getByTestId('prompt-input');
    const stop = screen.getByTestId('stop-all-button') as HTMLButtonElement;
    expect(stop.disabled).toBe(true);
    await fireEvent.input(prompt, { target: { value: 'x' } });
    await fireEvent.click(screen.getByTestId('run-button'));
    expect(stop.disabled).toBe(false);
    expect((screen.getByTestId('run-button') as HTMLButtonElement).disabled).toBe(true);
    await fireEvent.keyDown(prompt, { key: 'Escape' });
    expect(stopAll).toHaveBeenCalledTimes(1);
    await fireEvent.click(stop);
    expect(stopAll).toHaveBeenCalledTimes(2);
  });

  it('adds a pane from the model list and removes it with its chip', async () => {
    const { comparison } = setup();
    await fireEvent.click(screen.getByTestId('add-model-button'));
    const picker = screen.getByTestId('model-picker');
    await waitFor(() => expect(listModels).toHaveBeenCalledWith('openai'));
    const search = within(picker).getByLabelText('Model');
    await fireEvent.input(search, { target: { value: 'mini' } });
    const option = await within(picker).findByRole('button', { name: /gpt-4o-mini/ });
    expect(within(picker).queryByRole('button', { name: /^o3/ })).toBeNull();
    await fireEvent.click(option);
    expect(comparison.panes.map((p) => p.label)).toEqual(['openai:gpt-4o-mini']);
    expect(screen.getAllByTestId('pane')).toHaveLength(1);
    expect(screen.getAllByTestId('model-chip')[0].textContent).toContain('openai:gpt-4o-mini');

    await fireEvent.click(screen.getByRole('button', { name: 'Remove openai:gpt-4o-mini' }));
    expect(comparison.panes).toHaveLength(0);
    expect(screen.queryAllByTestId('pane')).toHaveLength(0);
  });

  it('a chip added past the end of the chips line scrolls into sight, and removing one does not scroll', async () => {
    const { comparison } = setup([['openai', 'gpt-4o'], ['openai', 'o3']]);
    const line = screen.getByRole('list', { name: 'Models in this comparison' });
    // jsdom has no layout: a line 900 px wide holding 1,400 px of chips, scrolled back to its start.
    Object.defineProperty(line, 'scrollWidth', { configurable: true, get: () => 1400 });
    line.scrollLeft = 0;
    comparison.addPane('ollama', 'qwen2.5:7b');
    await waitFor(() => expect(line.scrollLeft).toBe(1400));
    line.scrollLeft = 0;
    comparison.removePane(comparison.panes[0].key);
    await waitFor(() => expect(screen.getAllByTestId('model-chip')).toHaveLength(2));
    expect(line.scrollLeft).toBe(0);
  });

  it('when listing fails it shows the error and a typed model id still works', async () => {
    vi.mocked(listModels).mockRejectedValue('401 invalid key');
    const { comparison } = setup();
    await fireEvent.click(screen.getByTestId('add-model-button'));
    const picker = screen.getByTestId('model-picker');
    await fireEvent.change(within(picker).getByLabelText('Provider'), { target: { value: 'ollama' } });
    expect(await within(picker).findByRole('alert')).toHaveProperty('textContent', expect.stringContaining('401 invalid key'));
    const search = within(picker).getByLabelText('Model');
    await fireEvent.input(search, { target: { value: 'qwen2.5:7b' } });
    await fireEvent.keyDown(search, { key: 'Enter' });
    expect(comparison.panes.map((p) => p.label)).toEqual(['ollama:qwen2.5:7b']);
  });

  it('shared parameters are sent', async () => {
    const { comparison } = setup([['openai', 'gpt-4o']]);
    await fireEvent.click(screen.getByRole('button', { name: /Parameters/ }));
    await fireEvent.change(screen.getByLabelText('Temperature'), { target: { value: '0.4' } });
    await fireEvent.change(screen.getByLabelText('Stop sequences'), { target: { value: 'END, ###' } });
    expect(comparison.shared).toEqual({ temperature: 0.4, stop: ['END', '###'] });
    await fireEvent.input(screen.getByTestId('prompt-input'), { target: { value: 'x' } });
    await fireEvent.click(screen.getByTestId('run-button'));
    expect(vi.mocked(startPane).mock.calls[0][0].params).toEqual({ temperature: 0.4, stop: ['END', '###'] });
  });
});
