// Blind mode in the Compare view: shuffled, nameless panes; the vote bar once all have answered;
// the vote recorded with the real pane order; the names revealed after.
import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('../../ipc', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../ipc')>()),
  startTurn: (await import('../../test/ipcMock')).startTurn,
  recordVote: vi.fn(async () => 1),
  stopPane: vi.fn(),
  stopAll: vi.fn(),
  listModels: vi.fn(),
  listComparisons: vi.fn(async () => []),
  getComparison: vi.fn(),
  getPrivateMode: vi.fn(async () => false),
  historyNotice: vi.fn(async () => null),
}));

import { getComparison, listComparisons, recordVote } from '../../ipc';
import { recordTurn } from '../../test/ipcMock';
import { ended, renderCompare, tick } from '../../test/compare';
import { delta, done, report, savedComparison, summary } from '../../test/fixtures';
import { BlindMode } from './blind.svelte';
import { seededRng } from './shuffle';

const MODELS: [string, string][] = [
  ['openai', 'gpt-4o'],
  ['anthropic', 'claude-sonnet'],
  ['gemini', 'gemini-flash'],
];

beforeEach(() => {
  localStorage.clear();
  vi.mocked(recordVote).mockReset().mockResolvedValue(1);
  vi.mocked(recordTurn).mockReset().mockResolvedValue(null);
  vi.mocked(listComparisons).mockReset().mockResolvedValue([]);
  vi.mocked(getComparison).mockReset();
});

/** Renders three panes with blind mode on (a seeded shuffle) and runs them. */
async function blindRun(seed = 7, { historyOpen = false } = {}) {
  const blind = new BlindMode({ enabled: true, rng: seededRng(seed) });
  const view = renderCompare(MODELS, { blind, historyOpen });
  view.comparison.prompt = 'Why is the sky blue?';
  await tick();
  await fireEvent.click(screen.getByTestId('run-button'));
  await tick();
  return { ...view, blind };
}

/** Finishes the pane running `model` with a full report (served model, cost, attempts). */
async function finish(started: { request: { model: string; provider: string }; emit: (e: never) => void }[], model: string) {
  const pane = started.find((s) => s.request.model === model);
  if (!pane) throw new Error(`no pane for ${model}`);
  const { provider } = pane.request;
  pane.emit(delta(`An answer.`) as never);
  pane.emit(
    done(
      report({
        provider,
        model,
        served_model: `${model}-2025-01-01`,
        text: 'An answer.',
        cost_usd: 0.0042,
        attempts: [{ provider, model, status: 200, error: null, waited_ms: 0 }],
      }),
    ) as never,
  );
  await ended(); // its metrics show a frame after its answer
}

const paneTitles = () => screen.getAllByTestId('pane').map((p) => p.querySelector('h2')?.getAttribute('title'));

describe('blind mode', () => {
  it('shows the panes shuffled as Model A, B, C with nothing that names them', async () => {
    const { started, comparison, blind } = await blindRun();
    expect(paneTitles()).toEqual(['Model A', 'Model B', 'Model C']);
    // The shown order is the round's shuffle, not the composer's order.
    const shownKeys = screen.getAllByTestId('pane').map((p) => p.dataset.paneKey);
    expect(shownKeys).toEqual(blind.round?.order);
    expect(shownKeys).not.toEqual(comparison.panes.map((p) => p.key));

    for (const [, model] of MODELS) await finish(started, model);
    const panes = screen.getByRole('region', { name: 'Answers' });
    for (const [provider, model] of MODELS) {
      expect(panes.textContent).not.toContain(model);
      expect(panes.textContent).not.toContain(provider);
      expect(panes.innerHTML).not.toContain(model);
    }
    expect(panes.textContent).not.toContain('$0.0042');
    expect(screen.queryAllByTestId('served-model')).toHaveLength(0);
    expect(screen.queryAllByTestId('pane-inspector-toggle').filter((b) => b.closest('[hidden]') === null)).toHaveLength(0);
    expect(screen.queryAllByTestId('pane-settings-toggle').filter((b) => b.closest('[hidden]') === null)).toHaveLength(0);
    // The answers and timings are still there: that is what is compared.
    await waitFor(() => expect(within(screen.getAllByTestId('pane')[0]).getByTestId('pane-text').textContent).toContain('An answer.'));
    expect(screen.getAllByTestId('pane-metrics')[0].querySelector('[data-metric="ttft"]')).not.toBeNull();
  });

  it('offers the vote once every pane has finished, records it in the real order, then reveals', async () => {
    const { started, blind, comparison } = await blindRun();
    expect(screen.getByTestId('vote-bar').dataset.ready).toBe('false');
    expect(screen.queryAllByTestId('vote-button')).toHaveLength(0);
    await finish(started, 'gpt-4o');
    await finish(started, 'claude-sonnet');
    expect(screen.queryAllByTestId('vote-button'), 'one pane still running').toHaveLength(0);
    await finish(started, 'gemini-flash');
    const buttons = screen.getAllByTestId('vote-button');
    expect(buttons.map((b) => b.textContent?.trim())).toEqual(['Model A', 'Model B', 'Model C']);

    // Whoever is shown second wins.
    const secondKey = blind.round!.order[1];
    const winner = comparison.panes.find((p) => p.key === secondKey)!;
    await fireEvent.click(buttons[1]);
    await tick();

    expect(recordVote).toHaveBeenCalledTimes(1);
    const vote = vi.mocked(recordVote).mock.calls[0][0];
    expect(vote.candidates.map((c) => c.model)).toEqual(['gpt-4o', 'claude-sonnet', 'gemini-flash']);
    expect(vote.candidates.map((c) => c.served_model)).toEqual(['gpt-4o-2025-01-01', 'claude-sonnet-2025-01-01', 'gemini-flash-2025-01-01']);
    expect(vote.winner).toBe(comparison.panes.indexOf(winner));
    // Seed 7 shows the panes as (1, 2, 0): "Model B" is the third pane of the comparison.
    expect(vote.winner).toBe(2);
    expect(vote.candidates[vote.winner!].pane_label).toBe('Model B');
    expect(vote.tie).toBe(false);
    expect(vote.prompt).toBe('Why is the sky blue?');
    expect(vote.comparison_id, 'private mode: the run was not recorded').toBeNull();

    // Revealed: real order, real names, and who B was.
    expect(paneTitles()).toEqual(['openai · gpt-4o', 'anthropic · claude-sonnet', 'gemini · gemini-flash']);
    expect(screen.getByTestId('vote-result').textContent).toContain(`You chose Model B: ${winner.provider}/${winner.model}`);
    expect(screen.queryByTestId('vote-bar')).toBeNull();
    expect(screen.getAllByTestId('served-model')).toHaveLength(3);
  });

  it('names the panes by letter in the follow-up menu until the vote', async () => {
    const { started } = await blindRun();
    for (const [, model] of MODELS) await finish(started, model);
    const options = () => [...(document.getElementById('follow-target') as HTMLSelectElement).options].map((o) => o.textContent?.trim());
    expect(options()).toEqual(['in all panes', expect.stringMatching(/^in Model [ABC] only$/), expect.stringMatching(/^in Model [ABC] only$/), expect.stringMatching(/^in Model [ABC] only$/)]);
    for (const [, model] of MODELS) expect(options().join(' ')).not.toContain(model);
    await fireEvent.click(screen.getAllByTestId('vote-button')[0]);
    await tick();
    expect(options()[1]).toBe('in pane 1 only (openai:gpt-4o)');
  });

  it('records a tie with the history ids of a recorded run, and Skip records nothing', async () => {
    vi.mocked(recordTurn).mockResolvedValue({
      comparison_id: 11,
      turn_id: 22,
      panes: [
        { pane_id: 1, answer_id: 101 },
        { pane_id: 2, answer_id: 102 },
        { pane_id: 3, answer_id: 103 },
      ],
    });
    const { started, comparison } = await blindRun(9);
    for (const [, model] of MODELS) await finish(started, model);
    await fireEvent.click(screen.getByTestId('vote-tie'));
    await tick();
    expect(recordVote).toHaveBeenCalledWith(expect.objectContaining({ comparison_id: 11, turn_id: 22, winner: null, tie: true }));
    expect(screen.getByTestId('vote-result').textContent).toContain('You called it a tie.');

    // The next run is blind again; Skip reveals without a vote.
    await fireEvent.click(screen.getByTestId('run-button'));
    await tick();
    expect(paneTitles()).toEqual(['Model A', 'Model B', 'Model C']);
    expect(screen.queryByTestId('vote-result')).toBeNull();
    for (const [, model] of MODELS) await finish(started.slice(3), model);
    await fireEvent.click(screen.getByTestId('vote-skip'));
    await tick();
    expect(recordVote).toHaveBeenCalledTimes(1);
    expect(screen.getByTestId('vote-result').textContent).toContain('Skipped');
    expect(paneTitles()[0]).toBe('openai · gpt-4o');
    expect(comparison.panes).toHaveLength(3);
  });

  it('hides nothing when off, and switching it on hides only the next run', async () => {
    const blind = new BlindMode({ enabled: false, rng: seededRng(1) });
    const { comparison, started } = renderCompare(MODELS, { blind });
    comparison.prompt = 'Hi';
    await tick();
    await fireEvent.click(screen.getByTestId('run-button'));
    await tick();
    expect(paneTitles()[0]).toBe('openai · gpt-4o');
    await fireEvent.click(screen.getByTestId('blind-toggle'));
    await tick();
    expect(blind.enabled).toBe(true);
    expect(paneTitles()[0], 'an answer already seen stays named').toBe('openai · gpt-4o');
    for (const [, model] of MODELS) await finish(started, model);
    expect(screen.queryByTestId('vote-bar')).toBeNull();
    await fireEvent.click(screen.getByTestId('run-button'));
    await tick();
    expect(paneTitles()).toEqual(['Model A', 'Model B', 'Model C']);
    // Turning it off mid-round brings the names back without a vote.
    await fireEvent.click(screen.getByTestId('blind-toggle'));
    await tick();
    expect(paneTitles()[0]).toBe('openai · gpt-4o');
    expect(recordVote).not.toHaveBeenCalled();
  });

  it('keeps a failed pane’s message (which may name the provider) until the vote', async () => {
    const { started } = await blindRun();
    const pane = started.find((s) => s.request.model === 'gpt-4o')!;
    pane.emit(
      done(
        report({
          model: 'gpt-4o',
          text: '',
          finish_reason: null,
          error: { kind: 'rate_limited', message: 'openai: gpt-4o is rate limited', status: 429, retryable: true },
        }),
      ),
    );
    await tick();
    const error = screen.getByTestId('pane-error');
    expect(error.textContent).not.toContain('gpt-4o');
    expect(error.textContent).toContain('rate_limited');
  });

  it('keeps the live run nameless in the history sidebar and refuses to open it until the vote', async () => {
    const recorded = {
      comparison_id: 11,
      turn_id: 22,
      panes: [1, 2, 3].map((i) => ({ pane_id: i, answer_id: 100 + i })),
    };
    vi.mocked(recordTurn).mockResolvedValue(recorded);
    // History lists the live run as it was saved: with its models.
    vi.mocked(listComparisons).mockResolvedValue([summary({ id: 11, models: MODELS.map(([p, m]) => `${p}:${m}`) })]);
    vi.mocked(getComparison).mockResolvedValue(
      savedComparison({
        id: 11,
        panes: MODELS.map(([provider, model], i) => ({ id: i + 1, provider, model, settings: { params: {} }, rating: null, note: '' })),
      }),
    );
    const { started } = await blindRun(7, { historyOpen: true });
    for (const [, model] of MODELS) await finish(started, model);
    const item = await screen.findByTestId('history-item');
    await waitFor(() => expect(item.textContent).toContain('Blind run — vote to reveal'));
    // The sidebar and the answers on screen (the composer's chips list the models chosen, by design, not whose answer is whose).
    const shown = () => [screen.getByTestId('history'), ...screen.getAllByTestId('pane')].map((el) => el.innerHTML).join('');
    const named = () => MODELS.filter(([, model]) => shown().includes(model)).map(([, m]) => m);
    expect(named(), 'the sidebar names no model before the vote').toEqual([]);

    await fireEvent.click(within(item).getByTestId('history-open'));
    await tick();
    expect(getComparison, 'the saved view of the unrevealed run is not opened').not.toHaveBeenCalled();
    expect(screen.queryByTestId('history-readonly')).toBeNull();
    expect(screen.getByTestId('history-message').textContent).toContain('vote');
    expect(named()).toEqual([]);
    expect(paneTitles()).toEqual(['Model A', 'Model B', 'Model C']);

    // After the vote the sidebar names the models and the run opens with its names.
    await fireEvent.click(screen.getAllByTestId('vote-button')[0]);
    await tick();
    await waitFor(() => expect(screen.getByTestId('history-item').textContent).toContain('gpt-4o'));
    await fireEvent.click(within(screen.getByTestId('history-item')).getByTestId('history-open'));
    await screen.findByTestId('history-readonly');
    expect(getComparison).toHaveBeenCalledWith(11);
    expect(paneTitles()).toEqual(['openai · gpt-4o', 'anthropic · claude-sonnet', 'gemini · gemini-flash']);
  });
});
