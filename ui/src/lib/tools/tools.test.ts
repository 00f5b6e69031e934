// Tools, tool choice and the response schema as the panes send them, and the tool loop.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { PaneEvent, PaneRequest } from '../../ipc';

vi.mock('../../ipc', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../ipc')>()),
  startTurn: (await import('../../test/ipcMock')).startTurn,
  stopPane: vi.fn(),
  stopAll: vi.fn(),
}));

import { recordTurn, startPane } from '../../test/ipcMock';
import { done, report } from '../../test/fixtures';
import { Comparison, conversation, pendingCalls, toolSteps } from '../state/comparison.svelte';
import { draftProblem, emptyToolSettings, resultsSummary, TOOL_EXAMPLES, toolChoice, toolSpecs, responseFormat } from './tools';

let started: { request: PaneRequest; emit: (e: PaneEvent) => void }[];

beforeEach(() => {
  started = [];
  vi.mocked(startPane).mockReset().mockImplementation(async (request, onEvent) => {
    started.push({ request, emit: onEvent });
    return started.length;
  });
});

const flush = () => new Promise((r) => setTimeout(r, 0));
const weather = TOOL_EXAMPLES[0];

describe('tool drafts', () => {
  it('names what is wrong as the user types', () => {
    expect(draftProblem(weather, [weather])).toBeNull();
    expect(draftProblem({ ...weather, name: 'get weather' }, [])).toMatch(/^name/);
    expect(draftProblem({ ...weather, parameters: '{"type": ' }, [])).toMatch(/^parameters: not JSON/);
    expect(draftProblem({ ...weather, parameters: '[1]' }, [])).toBe('parameters: a JSON Schema object');
    expect(draftProblem(weather, [weather, weather])).toMatch(/two tools/);
    expect(draftProblem({ ...weather, canned: '{oops' }, [])).toBe('canned result: not JSON');
  });

  it('sends only valid tools, a choice that names one of them, and a parsed schema', () => {
    const s = emptyToolSettings();
    s.tools = [weather, { ...weather, name: 'broken', parameters: 'nope' }];
    const specs = toolSpecs(s);
    expect(specs.map((t) => t.name)).toEqual(['get_weather']);
    expect(specs[0].parameters).toMatchObject({ required: ['city'] });
    expect(toolChoice(s, specs)).toBeUndefined();
    s.choice = 'required';
    expect(toolChoice(s, specs)).toEqual({ type: 'required' });
    s.choice = 'get_weather';
    expect(toolChoice(s, specs)).toEqual({ type: 'tool', name: 'get_weather' });
    s.choice = 'broken';
    expect(toolChoice(s, specs)).toBeUndefined();
    expect(responseFormat(s)).toBeUndefined();
    s.schema = { enabled: true, name: 'city', schema: '{"type":"object"}', strict: false };
    expect(responseFormat(s)).toEqual({ name: 'city', schema: { type: 'object' }, strict: false });
    s.schema.schema = '{';
    expect(responseFormat(s)).toBeUndefined();
  });

  it('summarises results for the pane and history', () => {
    expect(resultsSummary([{ call_id: 'c', name: 'get_weather', content: '{ "t": 21 }' }])).toBe('[tool results] get_weather → {"t":21}');
  });
});

function toolReport(id: string, city: string) {
  return report({ text: '', finish_reason: 'tool_calls', tool_calls: [{ id, name: 'get_weather', arguments: { city }, check: { valid: true, violations: [] } }] });
}

/** One pane asked about the weather, with the weather tool and a limit of two tool steps. */
async function runWithWeather() {
  const c = new Comparison();
  c.tools.tools = [weather];
  c.tools.maxSteps = 2;
  const pane = c.addPane('openai', 'gpt-4o');
  c.prompt = 'Weather in Paris?';
  await c.run();
  return { c, pane };
}

describe('the tool loop', () => {
  it('sends the tools with every pane request and continues with canned results up to the step limit', async () => {
    const { c, pane } = await runWithWeather();
    expect(started[0].request.tools?.map((t) => t.name)).toEqual(['get_weather']);

    started[0].emit(done(toolReport('call_1', 'Paris')));
    await flush();
    // Continued by itself: the assistant's call and the canned result, as a tool message.
    expect(started).toHaveLength(2);
    const messages = started[1].request.messages;
    expect(messages.slice(-2)).toEqual([
      { role: 'assistant', content: '', tool_calls: [{ id: 'call_1', name: 'get_weather', arguments: { city: 'Paris' } }] },
      { role: 'tool', call_id: 'call_1', name: 'get_weather', content: weather.canned },
    ]);
    expect(pane.current?.user).toMatch(/^\[tool results\] get_weather/);

    started[1].emit(done(toolReport('call_2', 'Tokyo')));
    await flush();
    expect(started).toHaveLength(3);
    expect(toolSteps(pane.turns)).toBe(2);

    // The limit: the third call waits for the user.
    started[2].emit(done(toolReport('call_3', 'Lima')));
    await flush();
    expect(started).toHaveLength(3);
    expect(pendingCalls(pane).map((x) => x.id)).toEqual(['call_3']);
    expect(c.sendToolResults(pane, [{ call_id: 'call_3', name: 'get_weather', content: 'rainy' }])).toBe(true);
    await flush();
    expect(started).toHaveLength(4);
    expect(started[3].request.messages.at(-1)).toEqual({ role: 'tool', call_id: 'call_3', name: 'get_weather', content: 'rainy' });
    started[3].emit(done(report({ text: 'Rainy in Lima.' })));
    await flush();
    expect(pendingCalls(pane)).toEqual([]);
    // The whole conversation: one user message, then calls and results, then the answer.
    const roles = conversation(pane.turns).map((m) => m.role);
    expect(roles).toEqual(['user', 'assistant', 'tool', 'assistant', 'tool', 'assistant', 'tool', 'assistant']);
  });

  it('a stream that ends before start_turn answers continues in the same history comparison', async () => {
    // History records each turn; the first stream ends (with a tool call) before its start is acknowledged.
    let turn = 0;
    vi.mocked(recordTurn).mockClear().mockImplementation(async (t) => {
      turn += 1;
      return { comparison_id: t.comparison_id ?? 3, turn_id: turn, panes: [{ pane_id: t.panes[0].pane_id ?? 30, answer_id: 300 + turn }] };
    });
    vi.mocked(startPane).mockImplementation(async (request, onEvent) => {
      started.push({ request, emit: onEvent });
      if (started.length === 1) onEvent(done(toolReport('call_1', 'Paris')));
      return started.length;
    });
    const { c, pane } = await runWithWeather();
    await flush();
    expect(started).toHaveLength(2);
    const records = vi.mocked(recordTurn).mock.calls.map(([t]) => [t.comparison_id, t.panes[0].pane_id]);
    expect(records).toEqual([
      [null, null],
      [3, 30],
    ]);
    expect(c.historyId).toBe(3);
    expect(pane.historyPaneId).toBe(30);
    vi.mocked(recordTurn).mockReset().mockResolvedValue(null);
  });

  it('waits for the user when a tool has no canned result or auto-continue is off', async () => {
    const c = new Comparison();
    c.tools.tools = [{ ...weather, canned: '' }];
    const pane = c.addPane('openai', 'gpt-4o');
    c.prompt = 'Weather?';
    await c.run();
    started[0].emit(done(toolReport('call_1', 'Paris')));
    await flush();
    expect(started).toHaveLength(1);
    expect(c.cannedResults(pane)).toBeNull();

    c.tools.tools = [weather];
    c.tools.autoContinue = false;
    expect(c.cannedResults(pane)).toEqual([{ call_id: 'call_1', name: 'get_weather', content: weather.canned }]);
    expect(started).toHaveLength(1);
  });

  it('sends the response schema, routing and another protocol when set', async () => {
    const c = new Comparison();
    c.tools.schema = { enabled: true, name: 'city', schema: '{"type":"object"}', strict: true };
    const pane = c.addPane('openrouter', 'anthropic/claude-sonnet-4.5');
    pane.overrides = { params: {}, routing: { order: ['anthropic'], zdr: true } };
    c.prompt = 'x';
    await c.run();
    const r = started[0].request;
    expect(r.response_format).toEqual({ name: 'city', schema: { type: 'object' }, strict: true });
    expect(r.routing).toEqual({ order: ['anthropic'], zdr: true });
    expect(r.tools).toBeUndefined();
  });
});
