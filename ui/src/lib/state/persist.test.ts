// The layout survives a restart (local storage), tools and per-pane routing included; junk is dropped.
import { beforeEach, describe, expect, it } from 'vitest';
import { TOOL_EXAMPLES } from '../tools/tools';
import { Comparison } from './comparison.svelte';
import { loadLayout, saveLayout } from './persist';

beforeEach(() => localStorage.clear());

describe('the saved layout', () => {
  it('brings back tools, the schema, routing and the API of each pane', () => {
    const c = new Comparison();
    c.tools.tools = [TOOL_EXAMPLES[0]];
    c.tools.choice = 'get_weather';
    c.tools.maxSteps = 6;
    c.tools.schema = { enabled: true, name: 'city', schema: '{"type":"object"}', strict: false };
    const p = c.addPane('openrouter', 'anthropic/claude-sonnet-4.5');
    p.setRouting({ order: ['anthropic'], zdr: true, data_collection: 'deny' });
    const q = c.addPane('openai', 'gpt-5-mini');
    q.setProtocol('openai-responses');
    saveLayout(c.snapshot());

    const back = new Comparison();
    back.restore(loadLayout()!);
    expect(back.tools.tools).toEqual([TOOL_EXAMPLES[0]]);
    expect(back.tools.choice).toBe('get_weather');
    expect(back.tools.maxSteps).toBe(6);
    expect(back.tools.schema).toEqual({ enabled: true, name: 'city', schema: '{"type":"object"}', strict: false });
    expect(back.panes[0].overrides.routing).toEqual({ order: ['anthropic'], zdr: true, data_collection: 'deny' });
    expect(back.panes[1].overrides.protocol).toBe('openai-responses');
  });

  it('drops what it does not understand', () => {
    localStorage.setItem(
      'juxta.layout.v1',
      JSON.stringify({
        system: 's',
        shared: {},
        panes: [{ provider: 'x', model: 'y', overrides: { params: {}, routing: { order: 'nope', zdr: 'yes' }, protocol: 'grpc' } }],
        tools: { tools: [null, { name: 'f', parameters: 7 }], maxSteps: 999, schema: 'bad' },
      }),
    );
    const layout = loadLayout()!;
    expect(layout.panes[0].overrides).toEqual({ params: {} });
    expect(layout.tools?.tools).toEqual([{ name: 'f', description: '', parameters: '', canned: '' }]);
    expect(layout.tools?.maxSteps).toBe(4);
    expect(layout.tools?.schema.enabled).toBe(false);
  });

  it('brings back the test inputs and the library prompt, fitting ragged rows to the columns', () => {
    const c = new Comparison();
    c.inputs = { columns: ['a', 'b'], rows: [['1', '2']] };
    c.libraryPrompt = { id: 3, name: 'Lib' };
    saveLayout(c.snapshot());
    const back = new Comparison();
    back.restore(loadLayout()!);
    expect(back.inputs).toEqual({ columns: ['a', 'b'], rows: [['1', '2']] });
    expect(back.libraryPrompt).toEqual({ id: 3, name: 'Lib' });

    localStorage.setItem(
      'juxta.layout.v1',
      JSON.stringify({ system: '', shared: {}, panes: [], inputs: { columns: ['a', 7, 'b'], rows: [['x'], 'junk', ['y', 2, 'z', 'extra']] }, libraryPrompt: { id: 'no' } }),
    );
    const layout = loadLayout()!;
    expect(layout.inputs).toEqual({ columns: ['a', 'b'], rows: [['x', ''], ['y', '']] });
    expect(layout.libraryPrompt).toBeNull();
  });
});
