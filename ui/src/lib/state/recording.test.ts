// Every run is recorded in history as its panes start: one start_turn call per turn (its Rust side, recording and
// then starting each pane, is played by ../../test/ipcMock and tested for real in tests/app_history.rs).
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { PaneEvent, RecordTurn } from '../../ipc';

vi.mock('../../ipc', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../ipc')>()),
  startTurn: (await import('../../test/ipcMock')).startTurn,
  stopPane: vi.fn(),
  stopAll: vi.fn(),
}));

import { stopPane } from '../../ipc';
import { recordTurn, startPane, startTurn, type StartedRequest } from '../../test/ipcMock';
import { done, report } from '../../test/fixtures';
import { Comparison } from './comparison.svelte';

let started: { request: StartedRequest; emit: (e: PaneEvent) => void }[];
let nextId: number;

/** Resolves like Rust: a comparison id, and per pane the given pane id or a new one, and a new answer id. */
function recordLikeRust(comparisonId = 7) {
  vi.mocked(recordTurn).mockImplementation(async (turn: RecordTurn) => ({
    comparison_id: turn.comparison_id ?? comparisonId,
    turn_id: nextId++,
    panes: turn.panes.map((p) => ({ pane_id: p.pane_id ?? nextId++, answer_id: nextId++ })),
  }));
}

beforeEach(() => {
  vi.mocked(startTurn).mockClear();
  started = [];
  nextId = 100;
  vi.mocked(recordTurn).mockReset();
  vi.mocked(startPane).mockReset().mockImplementation(async (request, onEvent) => {
    started.push({ request, emit: onEvent });
    return started.length;
  });
});

const flush = () => new Promise((r) => setTimeout(r, 0));

function twoPanes() {
  const c = new Comparison();
  c.system = 'Be brief.';
  c.shared = { temperature: 0.7 };
  const a = c.addPane('openai', 'gpt-4o');
  const b = c.addPane('anthropic', 'claude');
  b.setSystemOverride('Be a pirate.');
  b.setParamOverride('temperature', 0.1);
  b.setFallbacks([{ provider: 'openai', model: 'gpt-4o-mini' }]);
  c.prompt = 'Why is the sky blue?';
  return { c, a, b };
}

describe('recording runs in history', () => {
  it('records the turn once, stores the ids and sends each pane its answer id', async () => {
    recordLikeRust();
    const { c, a, b } = twoPanes();
    await c.run();
    expect(recordTurn).toHaveBeenCalledTimes(1);
    expect(vi.mocked(recordTurn).mock.calls[0][0]).toEqual({
      comparison_id: null,
      prompt: 'Why is the sky blue?',
      system: 'Be brief.',
      params: { temperature: 0.7 },
      panes: [
        { pane_id: null, provider: 'openai', model: 'gpt-4o', settings: { params: {} } },
        {
          pane_id: null,
          provider: 'anthropic',
          model: 'claude',
          settings: { system: 'Be a pirate.', params: { temperature: 0.1 }, fallbacks: [{ provider: 'openai', model: 'gpt-4o-mini' }] },
        },
      ],
      only_pane: false,
    });
    expect(c.historyId).toBe(7);
    expect([a.historyPaneId, b.historyPaneId]).toEqual([101, 103]);
    expect(started.map((s) => s.request.answer_id)).toEqual([102, 104]);
    expect(a.current?.answerId).toBe(102);
    // The payload crosses IPC: plain data.
    expect(() => structuredClone(vi.mocked(recordTurn).mock.calls[0][0])).not.toThrow();
  });

  it('shows the turn as queued before history answers', async () => {
    let resolve!: (v: null) => void;
    vi.mocked(recordTurn).mockImplementation(() => new Promise((r) => (resolve = r)));
    const { c, a } = twoPanes();
    const running = c.run();
    expect(a.status).toBe('queued');
    expect(c.running).toBe(true);
    expect(startPane).not.toHaveBeenCalled();
    resolve(null);
    await running;
    expect(startPane).toHaveBeenCalledTimes(2);
  });

  it('a follow-up continues the same comparison with the existing pane ids; a new pane is created on its first turn', async () => {
    recordLikeRust();
    const { c, a, b } = twoPanes();
    await c.run();
    started[0].emit(done(report({ text: 'A' })));
    started[1].emit(done(report({ text: 'B' })));
    const late = c.addPane('gemini', 'flash');
    expect(c.followUp('And at sunset?')).toBe(true);
    await flush();
    const turn = vi.mocked(recordTurn).mock.calls[1][0];
    expect(turn.comparison_id).toBe(7);
    expect(turn.only_pane).toBe(false);
    expect(turn.prompt).toBe('And at sunset?');
    expect(turn.panes.map((p) => p.pane_id)).toEqual([a.historyPaneId, b.historyPaneId, null]);
    expect(late.historyPaneId).not.toBeNull();
    expect(late.historyPaneId).toBe(108);
    expect(started.slice(2).map((s) => s.request.answer_id)).toEqual([106, 107, 109]);
  });

  it('a follow-up to one pane says only_pane and sends that pane alone', async () => {
    recordLikeRust();
    const { c, b } = twoPanes();
    await c.run();
    started[1].emit(done(report({ text: 'B' })));
    started[0].emit(done(report({ text: 'A' })));
    c.followUp('more', b);
    await flush();
    const turn = vi.mocked(recordTurn).mock.calls[1][0];
    expect(turn).toMatchObject({ comparison_id: 7, only_pane: true, prompt: 'more' });
    expect(turn.panes).toHaveLength(1);
    expect(turn.panes[0]).toMatchObject({ pane_id: b.historyPaneId, provider: 'anthropic', model: 'claude' });
  });

  it('Run starts a new comparison: no comparison id, no pane ids, ratings forgotten', async () => {
    recordLikeRust();
    const { c, a } = twoPanes();
    await c.run();
    a.rating = 5;
    started[0].emit(done(report({ text: 'A' })));
    started[1].emit(done(report({ text: 'B' })));
    await c.run();
    const turn = vi.mocked(recordTurn).mock.calls[1][0];
    expect(turn.comparison_id).toBeNull();
    expect(turn.panes.map((p) => p.pane_id)).toEqual([null, null]);
    expect(a.rating).toBeNull();
  });

  it('records and starts a turn in one call: a request and a channel per pane, in on-screen order', async () => {
    recordLikeRust();
    const { c } = twoPanes();
    await c.run();
    expect(startTurn).toHaveBeenCalledTimes(1);
    const [turn, requests, onEvents] = vi.mocked(startTurn).mock.calls[0];
    expect(requests.map((r) => [r.provider, r.model])).toEqual(turn.panes.map((p) => [p.provider, p.model]));
    expect(requests[1].system).toBe('Be a pirate.');
    expect(onEvents).toHaveLength(2);
    // The page sends no answer ids: Rust sets them from the turn it has just recorded.
    expect(requests.every((r) => !('answer_id' in r))).toBe(true);
  });

  it('a run replaced while its start_turn was on its way stops the panes it started', async () => {
    vi.mocked(stopPane).mockReset().mockResolvedValue(undefined);
    let answer!: () => void;
    vi.mocked(recordTurn).mockImplementationOnce(() => new Promise((r) => (answer = () => r(null))));
    const { c, a } = twoPanes();
    const running = c.run();
    c.newComparison();
    answer();
    await running;
    expect(started).toHaveLength(2);
    expect(vi.mocked(stopPane).mock.calls.map(([id]) => id)).toEqual([1, 2]);
    expect(a.turns).toEqual([]);
  });

  it('in private mode (null) nothing is linked and the panes still run', async () => {
    vi.mocked(recordTurn).mockResolvedValue(null);
    const { c, a } = twoPanes();
    await c.run();
    expect(c.historyId).toBeNull();
    expect(a.historyPaneId).toBeNull();
    expect(started).toHaveLength(2);
    expect(started.every((s) => !('answer_id' in s.request))).toBe(true);
    expect(c.notice).toBeNull();
  });

  it('when history cannot save, the run still starts and a notice says why', async () => {
    vi.mocked(recordTurn).mockRejectedValue({ kind: 'other', message: 'disk full', retryable: false });
    const { c, a } = twoPanes();
    await c.run();
    await flush();
    expect(started).toHaveLength(2);
    expect(started[0].request.answer_id).toBeUndefined();
    expect(a.status).toBe('connecting');
    expect(c.notice).toContain('History could not save');
    expect(c.notice).toContain('disk full');
  });

  it('tells history listeners when the recorded turn has finished in every pane', async () => {
    recordLikeRust();
    const { c } = twoPanes();
    await c.run();
    const afterRecord = c.historyVersion;
    expect(afterRecord).toBeGreaterThan(0);
    started[0].emit(done(report({ text: 'A' })));
    expect(c.historyVersion).toBe(afterRecord);
    started[1].emit(done(report({ text: 'B' })));
    expect(c.historyVersion).toBe(afterRecord + 1);
  });
});
