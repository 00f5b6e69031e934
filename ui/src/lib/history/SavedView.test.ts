// A saved comparison opened from history: shown read-only like live panes; Continue, Fork, Re-run, Close; stars and notes.
import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('../../ipc', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../ipc')>()),
  startTurn: (await import('../../test/ipcMock')).startTurn,
  stopPane: vi.fn(),
  stopAll: vi.fn(),
  listModels: vi.fn(),
  listComparisons: vi.fn(),
  getComparison: vi.fn(),
  ratePane: vi.fn(),
  setPaneNote: vi.fn(),
  getPrivateMode: vi.fn(async () => false),
  historyNotice: vi.fn(async () => null),
}));

import { getComparison, listComparisons, ratePane, setPaneNote, type RecordTurn } from '../../ipc';
import { recordTurn } from '../../test/ipcMock';
import { renderCompare, tick } from '../../test/compare';
import { done, report, savedComparison, summary } from '../../test/fixtures';

beforeEach(() => {
  vi.mocked(listComparisons).mockReset().mockResolvedValue([summary({ id: 7 })]);
  vi.mocked(getComparison).mockReset().mockResolvedValue(savedComparison());
  vi.mocked(ratePane).mockReset().mockResolvedValue(undefined);
  vi.mocked(setPaneNote).mockReset().mockResolvedValue(undefined);
  vi.mocked(recordTurn)
    .mockReset()
    .mockImplementation(async (turn: RecordTurn) => ({
      comparison_id: turn.comparison_id ?? 8,
      turn_id: 2,
      panes: turn.panes.map((p, i) => ({ pane_id: p.pane_id ?? 20 + i, answer_id: 200 + i })),
    }));
});

const panes = () => screen.getAllByTestId('pane');

/** A live comparison with one answered pane, then the saved comparison 7 opened over it. */
async function openSaved() {
  const view = renderCompare([['mock', 'live-model']], { historyOpen: true });
  view.comparison.prompt = 'live question';
  await tick();
  await fireEvent.click(screen.getByTestId('run-button'));
  await waitFor(() => expect(view.started).toHaveLength(1));
  view.started[0].emit(done(report({ text: 'live answer' })));
  await tick();
  const item = await screen.findByTestId('history-item');
  await fireEvent.click(within(item).getByTestId('history-open'));
  await screen.findByTestId('history-readonly');
  return view;
}

describe('a saved comparison', () => {
  it('opens read-only with the stored text, metrics, request and the interrupted status', async () => {
    await openSaved();
    expect(getComparison).toHaveBeenCalledWith(7);
    expect(screen.getByTestId('history-readonly').textContent).toContain('Saved comparison from Mar 4, 2025');
    const [a, b] = panes();
    expect(a.getAttribute('aria-label')).toContain('openai · gpt-4o');
    expect(a.dataset.status).toBe('done');
    expect(within(a).getByTestId('pane-text').textContent).toContain('Rayleigh scattering.');
    const metric = (name: string) => within(a).getByTestId('pane-metrics').querySelector(`[data-metric="${name}"]`)?.textContent?.trim();
    expect(metric('ttft')).toBe('420 ms');
    expect(metric('cost')).toBe('$0.000123');
    expect(within(a).getByTestId('served-model').textContent).toBe('gpt-4o-2024-08-06');

    expect(b.dataset.status).toBe('interrupted');
    expect(within(b).getByTestId('pane-status').textContent).toBe('interrupted (the app closed while it streamed)');
    expect(within(b).getByTestId('pane-text').textContent).toContain('Arr, the sky');
    expect(within(b).queryByTestId('pane-stop')).toBeNull();

    // The inspector shows the request that was saved.
    await fireEvent.click(within(a).getByTestId('pane-inspector-toggle'));
    expect(within(a).getByTestId('inspector-url').textContent).toBe('https://api.openai.com/v1/chat/completions');

    // Nothing here can run or be changed.
    expect((screen.getByTestId('run-button') as HTMLButtonElement).matches(':disabled')).toBe(true);
    expect((screen.getByTestId('prompt-input') as HTMLTextAreaElement).matches(':disabled')).toBe(true);
    expect(within(a).queryByTestId('pane-follow-up')).toBeNull();
    expect(within(a).queryByRole('button', { name: /Remove/ })).toBeNull();
    expect(within(a).queryByTestId('pane-settings-toggle')).toBeNull();
  });

  it('Close brings back the live comparison untouched', async () => {
    const { comparison } = await openSaved();
    await fireEvent.click(screen.getByTestId('history-close'));
    expect(screen.queryByTestId('history-readonly')).toBeNull();
    expect(panes()).toHaveLength(1);
    expect(within(panes()[0]).getByTestId('pane-text').textContent).toContain('live answer');
    expect((screen.getByTestId('prompt-input') as HTMLTextAreaElement).matches(':disabled')).toBe(false);
    expect(comparison.panes[0].model).toBe('live-model');
  });

  it('Continue makes it live: a follow-up appends to the same comparison with its pane ids and conversation', async () => {
    const { comparison, started } = await openSaved();
    await fireEvent.click(screen.getByTestId('history-continue'));
    expect(screen.queryByTestId('history-readonly')).toBeNull();
    expect(comparison.historyId).toBe(7);
    expect(comparison.panes.map((p) => p.historyPaneId)).toEqual([10, 11]);
    comparison.prompt = 'And at sunset?';
    await tick();
    await fireEvent.click(screen.getByTestId('follow-up-button'));
    await waitFor(() => expect(started).toHaveLength(3));
    const turn = vi.mocked(recordTurn).mock.calls.at(-1)![0];
    expect(turn).toMatchObject({ comparison_id: 7, prompt: 'And at sunset?', only_pane: false, system: 'Be brief.', params: { temperature: 0.7 } });
    expect(turn.panes.map((p) => p.pane_id)).toEqual([10, 11]);
    expect(turn.panes[1].settings).toEqual({ system: 'Be a pirate.', params: { temperature: 0.2 } });
    expect(started[1].request.messages).toEqual([
      { role: 'user', content: 'Why is the sky blue?' },
      { role: 'assistant', content: 'Rayleigh scattering.' },
      { role: 'user', content: 'And at sunset?' },
    ]);
    expect(started[1].request.answer_id).toBe(200);
    expect(started[2].request.messages.at(-2)).toEqual({ role: 'assistant', content: 'Arr, the sky' });
  });

  it('Fork fills the composer with the first prompt and the same panes; Run makes a new comparison', async () => {
    const { comparison, started } = await openSaved();
    await fireEvent.click(screen.getByTestId('history-fork'));
    expect(screen.queryByTestId('history-readonly')).toBeNull();
    expect((screen.getByTestId('prompt-input') as HTMLTextAreaElement).value).toBe('Why is the sky blue?');
    expect(comparison.panes.map((p) => p.label)).toEqual(['openai:gpt-4o', 'anthropic:claude']);
    expect(comparison.panes.every((p) => p.turns.length === 0)).toBe(true);
    expect(comparison.panes[1].overrides).toEqual({ system: 'Be a pirate.', params: { temperature: 0.2 } });
    expect(comparison.system).toBe('Be brief.');
    expect(started).toHaveLength(1); // nothing ran yet
    await fireEvent.input(screen.getByTestId('prompt-input'), { target: { value: 'Why is the sea blue?' } });
    await fireEvent.click(screen.getByTestId('run-button'));
    await waitFor(() => expect(started).toHaveLength(3));
    const turn = vi.mocked(recordTurn).mock.calls.at(-1)![0];
    expect(turn.comparison_id).toBeNull();
    expect(turn.panes.map((p) => p.pane_id)).toEqual([null, null]);
    expect(turn.prompt).toBe('Why is the sea blue?');
    expect(started[2].request).toMatchObject({ system: 'Be a pirate.', params: { temperature: 0.2 } });
  });

  it('Re-run runs the first prompt again at once as a new comparison', async () => {
    const { comparison, started } = await openSaved();
    await fireEvent.click(screen.getByTestId('history-rerun'));
    await waitFor(() => expect(started).toHaveLength(3));
    expect(started.slice(1).map((s) => s.request.messages)).toEqual([
      [{ role: 'user', content: 'Why is the sky blue?' }],
      [{ role: 'user', content: 'Why is the sky blue?' }],
    ]);
    expect(vi.mocked(recordTurn).mock.calls.at(-1)![0].comparison_id).toBeNull();
    expect(comparison.historyId).toBe(8);
  });

  it('rates and annotates a saved pane; clicking the current rating clears it', async () => {
    await openSaved();
    const [a, b] = panes();
    const stars = within(a).getByTestId('pane-rating');
    expect(stars.dataset.rating).toBe('4');
    await fireEvent.click(within(stars).getByRole('button', { name: 'Rate 2 stars' }));
    expect(ratePane).toHaveBeenCalledWith(10, 2);
    expect(stars.dataset.rating).toBe('2');
    await fireEvent.click(within(stars).getByRole('button', { name: 'Rate 2 stars' }));
    expect(ratePane).toHaveBeenLastCalledWith(10, null);
    expect(stars.dataset.rating).toBe('');

    const note = within(b).getByTestId('pane-note') as HTMLInputElement;
    expect(note.value).toBe('');
    await fireEvent.input(note, { target: { value: 'partial but fun' } });
    await fireEvent.keyDown(note, { key: 'Enter' });
    expect(setPaneNote).toHaveBeenCalledWith(11, 'partial but fun');
    await fireEvent.blur(note);
    expect(setPaneNote).toHaveBeenCalledTimes(1); // unchanged since the save
    expect((within(a).getByTestId('pane-note') as HTMLInputElement).value).toBe('clear');
  });

  it('a rating that cannot be saved goes back and says why', async () => {
    vi.mocked(ratePane).mockRejectedValueOnce({ kind: 'other', message: 'readonly database' });
    await openSaved();
    const stars = within(panes()[0]).getByTestId('pane-rating');
    await fireEvent.click(within(stars).getByRole('button', { name: 'Rate 5 stars' }));
    await tick();
    expect(stars.dataset.rating).toBe('4');
    expect(within(panes()[0]).getByRole('alert').textContent).toContain('readonly database');
  });

  it('a live pane gets stars once its run is recorded, and none in private mode', async () => {
    const { comparison, started } = renderCompare([['openai', 'gpt-4o']]);
    comparison.prompt = 'q';
    await tick();
    await fireEvent.click(screen.getByTestId('run-button'));
    await waitFor(() => expect(started).toHaveLength(1));
    const stars = within(panes()[0]).getByTestId('pane-rating');
    await fireEvent.click(within(stars).getByRole('button', { name: 'Rate 3 stars' }));
    expect(ratePane).toHaveBeenCalledWith(20, 3);

    started[0].emit(done(report({ text: 'a' })));
    vi.mocked(recordTurn).mockResolvedValueOnce(null);
    await fireEvent.click(screen.getByTestId('run-button'));
    await waitFor(() => expect(started).toHaveLength(2));
    expect(within(panes()[0]).queryByTestId('pane-rating')).toBeNull();
  });
});
