import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { PaneEvent, PaneRequest } from '../../ipc';

vi.mock('../../ipc', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../ipc')>()),
  // Its history records nothing (private mode), so runs start without history ids.
  startTurn: (await import('../../test/ipcMock')).startTurn,
  stopPane: vi.fn(),
  stopAll: vi.fn(),
}));

import { stopAll, stopPane } from '../../ipc';
import { startPane } from '../../test/ipcMock';
import { delta, done, report, requestEvent } from '../../test/fixtures';
import { Comparison } from './comparison.svelte';

type Started = { request: PaneRequest; emit: (e: PaneEvent) => void };

let started: Started[];

beforeEach(() => {
  started = [];
  vi.mocked(startPane).mockReset();
  vi.mocked(stopPane).mockReset().mockResolvedValue(undefined);
  vi.mocked(stopAll).mockReset().mockResolvedValue(undefined);
  vi.mocked(startPane).mockImplementation(async (request, onEvent) => {
    started.push({ request, emit: onEvent });
    return started.length;
  });
});

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('Comparison', () => {
  it('explains why it cannot run', () => {
    const c = new Comparison();
    expect(c.runBlockedReason).toBe('Add a model first');
    c.addPane('openai', 'gpt-4o');
    expect(c.runBlockedReason).toBe('Write a prompt first');
    c.prompt = 'hi';
    expect(c.runBlockedReason).toBeNull();
  });

  it('sends each pane its effective system and params', async () => {
    const c = new Comparison();
    c.system = 'Be brief.';
    c.shared = { temperature: 0.7, max_output_tokens: 300 };
    c.addPane('openai', 'gpt-4o');
    const b = c.addPane('anthropic', 'claude');
    b.setParamOverride('temperature', 0.1);
    b.setSystemOverride('Be a pirate.');
    b.setFallbacks([{ provider: 'openai', model: 'gpt-4o-mini' }]);
    c.prompt = 'Why is the sky blue?';
    c.run();
    await flush();
    expect(started.map((s) => s.request)).toEqual([
      {
        provider: 'openai',
        model: 'gpt-4o',
        system: 'Be brief.',
        messages: [{ role: 'user', content: 'Why is the sky blue?' }],
        params: { temperature: 0.7, max_output_tokens: 300 },
        fallbacks: [],
      },
      {
        provider: 'anthropic',
        model: 'claude',
        system: 'Be a pirate.',
        messages: [{ role: 'user', content: 'Why is the sky blue?' }],
        params: { temperature: 0.1, max_output_tokens: 300 },
        fallbacks: [{ provider: 'openai', model: 'gpt-4o-mini' }],
      },
    ]);
    expect(c.panes.map((p) => p.status)).toEqual(['connecting', 'connecting']);
    // What crosses IPC is plain data, not reactive proxies (those cannot be cloned or posted).
    expect(() => structuredClone(started[1].request)).not.toThrow();
  });

  it('a pane whose startPane rejects fails alone', async () => {
    vi.mocked(startPane)
      .mockRejectedValueOnce({ kind: 'config', message: 'no key for openai' })
      .mockImplementationOnce(async (request, onEvent) => {
        started.push({ request, emit: onEvent });
        return 9;
      });
    const c = new Comparison();
    const a = c.addPane('openai', 'gpt-4o');
    const b = c.addPane('mock', 'normal');
    c.prompt = 'x';
    c.run();
    await flush();
    expect(a.status).toBe('failed');
    expect(a.current?.run.startError).toBe('no key for openai');
    expect(b.status).toBe('connecting');
    started[0].emit(delta('fine'));
    expect(b.current?.run.text).toBe('fine');
  });

  it('follow-ups carry the conversation, tool calls and provider state', async () => {
    const c = new Comparison();
    const a = c.addPane('gemini', 'g');
    const b = c.addPane('openai', 'o');
    c.prompt = 'first';
    c.run();
    await flush();
    started[0].emit(delta('one'));
    started[0].emit(
      done(report({ text: 'one', tool_calls: [{ id: 't1', name: 'calc', arguments: { x: 1 } }] }), { sig: 's' }),
    );
    started[1].emit(done(report({ text: '', finish_reason: 'error', error: { kind: 'auth', status: 401, message: 'bad key', retryable: false } })));
    expect(c.canFollowUp).toBe(true);

    expect(c.followUp('second')).toBe(true);
    await flush();
    expect(started[2].request.messages).toEqual([
      { role: 'user', content: 'first' },
      { role: 'assistant', content: 'one', tool_calls: [{ id: 't1', name: 'calc', arguments: { x: 1 } }], provider_state: { sig: 's' } },
      { role: 'user', content: 'second' },
    ]);
    // The failed turn had no answer: it is left out of b's conversation.
    expect(started[3].request.messages).toEqual([{ role: 'user', content: 'second' }]);
    expect(a.turns).toHaveLength(2);
    expect(b.turns).toHaveLength(2);
  });

  it('a follow-up can target one pane', async () => {
    const c = new Comparison();
    const a = c.addPane('p', 'a');
    const b = c.addPane('p', 'b');
    c.prompt = 'q';
    c.run();
    await flush();
    started[0].emit(done(report({ text: 'A' })));
    started[1].emit(done(report({ text: 'B' })));
    c.followUp('more', b);
    await flush();
    expect(started).toHaveLength(3);
    expect(started[2].request.model).toBe('b');
    expect(a.turns).toHaveLength(1);
    expect(b.turns).toHaveLength(2);
  });

  it('run starts over and new comparison clears conversations', async () => {
    const c = new Comparison();
    const a = c.addPane('p', 'a');
    c.prompt = 'q';
    c.run();
    await flush();
    started[0].emit(done(report({ text: 'A' })));
    c.followUp('again');
    await flush();
    started[1].emit(done(report({ text: 'A2' })));
    expect(a.turns).toHaveLength(2);
    c.run();
    await flush();
    expect(a.turns).toHaveLength(1);
    expect(started[2].request.messages).toEqual([{ role: 'user', content: 'q' }]);
    started[2].emit(done(report({ text: 'A3' })));
    c.newComparison();
    expect(a.turns).toHaveLength(0);
    expect(a.status).toBe('idle');
  });

  it('stopping before startPane resolves stops as soon as the id is known', async () => {
    let resolve!: (id: number) => void;
    vi.mocked(startPane).mockImplementationOnce(() => new Promise((r) => (resolve = r)));
    const c = new Comparison();
    const a = c.addPane('p', 'a');
    c.prompt = 'q';
    c.run();
    c.stopPane(a);
    expect(a.current?.run.stopping).toBe(true);
    await flush(); // recorded, startPane called, its id not known yet
    expect(startPane).toHaveBeenCalledTimes(1);
    expect(stopPane).not.toHaveBeenCalled();
    resolve(42);
    await flush();
    expect(stopPane).toHaveBeenCalledWith(42);
  });

  it('stop all calls stopAll and marks running panes', async () => {
    const c = new Comparison();
    const a = c.addPane('p', 'a');
    c.prompt = 'q';
    c.run();
    await flush();
    started[0].emit(requestEvent());
    await c.stopAll();
    expect(stopAll).toHaveBeenCalledTimes(1);
    expect(a.current?.run.stopping).toBe(true);
    started[0].emit(done(report({ finish_reason: 'cancelled' })));
    expect(a.status).toBe('stopped');
    expect(c.running).toBe(false);
  });

  it('events from a discarded turn are ignored', async () => {
    const c = new Comparison();
    const a = c.addPane('p', 'a');
    c.prompt = 'q';
    c.run();
    await flush();
    const old = started[0];
    old.emit(done(report({ text: 'old' })));
    c.run();
    await flush();
    old.emit(delta('late'));
    expect(a.current?.run.text).toBe('');
  });

  it('moves panes and copies a field to all panes', () => {
    const c = new Comparison();
    const a = c.addPane('p', 'a');
    const b = c.addPane('p', 'b');
    const d = c.addPane('p', 'd');
    c.movePane(d.key, -1);
    expect(c.panes.map((p) => p.model)).toEqual(['a', 'd', 'b']);
    c.movePane(a.key, -1);
    expect(c.panes.map((p) => p.model)).toEqual(['a', 'd', 'b']);
    a.setParamOverride('seed', 7);
    c.copyToAll(a, 'seed');
    expect([b, d].map((p) => p.overrides.params.seed)).toEqual([7, 7]);
  });

  it('snapshots layout without answers and restores it', async () => {
    const c = new Comparison();
    c.system = 's';
    c.shared = { temperature: 1 };
    const a = c.addPane('p', 'a');
    a.width = 500;
    a.setParamOverride('top_p', 0.5);
    c.prompt = 'q';
    c.run();
    await flush();
    started[0].emit(done(report({ text: 'secret answer' })));
    const snap = c.snapshot();
    expect(JSON.stringify(snap)).not.toContain('secret answer');
    const d = new Comparison();
    d.restore(snap);
    expect(d.panes[0].width).toBe(500);
    expect(d.panes[0].overrides.params.top_p).toBe(0.5);
    expect(d.shared).toEqual({ temperature: 1 });
  });
});
