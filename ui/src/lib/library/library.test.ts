import { describe, expect, it } from 'vitest';
import type { Prompt, PromptVariant } from '../../ipc';
import { Comparison } from '../state/comparison.svelte';
import { groupByModel, overridesFromVariant, paramChanges, parseTags, promptDraft, variantDraft, variantFor, variantSide } from './library';

function variant(over: Partial<PromptVariant>): PromptVariant {
  return {
    id: 1,
    prompt_id: 9,
    provider: 'openai',
    model: 'gpt-4o',
    label: '',
    system: null,
    user: null,
    params: {},
    note: '',
    created_at: 0,
    updated_at: 0,
    ...over,
  };
}

function prompt(variants: PromptVariant[]): Prompt {
  return {
    id: 9,
    name: 'Translate',
    tags: ['lang'],
    system: 'Be exact.',
    user: 'Translate {{text}} into {{lang}}',
    inputs: { columns: ['text', 'lang'], rows: [['cat', 'French']] },
    created_at: 0,
    updated_at: 0,
    variants,
  };
}

describe('library helpers', () => {
  it('parses tags: trimmed, no empties, no repeats in any case', () => {
    expect(parseTags(' work, Work ,,fun\nlong one ')).toEqual(['work', 'fun', 'long one']);
  });

  it('makes a draft of the composer and a variant of a pane', () => {
    const inputs = { columns: ['x'], rows: [['1']] };
    const draft = promptDraft({ system: 'S', prompt: 'U {{x}}', inputs }, '  Name ', 'a, b');
    expect(draft).toEqual({ name: 'Name', tags: ['a', 'b'], system: 'S', user: 'U {{x}}', inputs });
    expect(draft.inputs).not.toBe(inputs);
    const pane = { provider: 'openai', model: 'gpt-4o', overrides: { system: 'Own', params: { temperature: 0.2, stop: [] } } };
    expect(variantDraft(pane, 9, ' cold ')).toEqual({
      prompt_id: 9,
      provider: 'openai',
      model: 'gpt-4o',
      label: 'cold',
      system: 'Own',
      user: null,
      params: { temperature: 0.2 },
      note: '',
    });
    expect(variantDraft({ ...pane, overrides: { params: {} } }, 9).system).toBeNull();
  });

  it('picks the unlabelled variant of the pane model, else its first', () => {
    const vs = [variant({ id: 1, label: 'b' }), variant({ id: 2, label: '' }), variant({ id: 3, model: 'o3' })];
    expect(variantFor(vs, 'openai', 'gpt-4o')?.id).toBe(2);
    expect(variantFor(vs.slice(0, 1), 'openai', 'gpt-4o')?.id).toBe(1);
    expect(variantFor(vs, 'anthropic', 'gpt-4o')).toBeUndefined();
  });

  it('applies a variant to overrides: system and params replaced, routing kept', () => {
    const current = { system: 'old', params: { seed: 1 }, routing: { zdr: true } };
    expect(overridesFromVariant(current, variant({ params: { temperature: 0.3 } }))).toEqual({ params: { temperature: 0.3 }, routing: { zdr: true } });
    expect(overridesFromVariant(current, variant({ system: '' })).system).toBe('');
  });

  it('groups variants per model and diffs their parameters', () => {
    const vs = [variant({ id: 1 }), variant({ id: 2, provider: 'anthropic', model: 'claude' }), variant({ id: 3, label: 'x' })];
    expect(groupByModel(vs).map((g) => [g.target, g.variants.map((v) => v.id)])).toEqual([
      ['openai · gpt-4o', [1, 3]],
      ['anthropic · claude', [2]],
    ]);
    expect(paramChanges({ temperature: 0.2, stop: ['a', 'b'], seed: 1 }, { temperature: 0.7, seed: 1, top_p: 0.9 })).toEqual([
      { key: 'temperature', label: 'Temperature', before: '0.2', after: '0.7' },
      { key: 'top_p', label: 'Top p', before: '', after: '0.9' },
      { key: 'stop', label: 'Stop sequences', before: 'a, b', after: '' },
    ]);
  });

  it('a variant side falls back to the prompt texts', () => {
    const p = prompt([]);
    expect(variantSide(p, null)).toEqual({ title: 'Base prompt', system: 'Be exact.', user: p.user, params: {} });
    expect(variantSide(p, variant({ system: 'Own', label: 'hot', params: { temperature: 1 } }))).toEqual({
      title: 'openai · gpt-4o (hot)',
      system: 'Own',
      user: p.user,
      params: { temperature: 1 },
    });
  });
});

describe('comparison and the library', () => {
  it('loading a prompt fills the composer and puts each variant on its pane', () => {
    const c = new Comparison();
    const a = c.addPane('openai', 'gpt-4o', { params: { seed: 3 } });
    const b = c.addPane('anthropic', 'claude');
    const other = c.addPane('google', 'gemini', { system: 'mine', params: { top_p: 0.5 } });
    const applied = c.loadPrompt(
      prompt([
        variant({ id: 1, system: 'GPT system', params: { temperature: 0.1 } }),
        variant({ id: 2, provider: 'anthropic', model: 'claude', params: { max_output_tokens: 99 } }),
      ]),
    );
    expect(applied).toBe(2);
    expect([c.system, c.prompt]).toEqual(['Be exact.', 'Translate {{text}} into {{lang}}']);
    expect(c.inputs).toEqual({ columns: ['text', 'lang'], rows: [['cat', 'French']] });
    expect(c.libraryPrompt).toEqual({ id: 9, name: 'Translate' });
    expect(c.variables).toEqual(['text', 'lang']);
    expect(a.overrides).toEqual({ system: 'GPT system', params: { temperature: 0.1 } });
    expect(b.overrides).toEqual({ params: { max_output_tokens: 99 } });
    expect(other.overrides).toEqual({ system: 'mine', params: { top_p: 0.5 } });
  });

  it('promoting makes the values shared and resets those overrides on every pane', () => {
    const c = new Comparison();
    c.system = 'shared';
    c.shared = { temperature: 1, seed: 5 };
    const a = c.addPane('openai', 'gpt-4o', { system: 'gpt', params: { temperature: 0.1, top_p: 0.3 } });
    const b = c.addPane('anthropic', 'claude', { params: { temperature: 0.9, seed: 1 } });
    c.promoteToShared({ system: 'promoted', params: { temperature: 0.1 } });
    expect(c.system).toBe('promoted');
    expect(c.shared).toEqual({ temperature: 0.1, seed: 5 });
    expect(a.overrides).toEqual({ params: { top_p: 0.3 } });
    expect(b.overrides).toEqual({ params: { seed: 1 } });
    // No system in the variant: the shared system prompt and the panes' own stay.
    const d = c.addPane('x', 'y', { system: 'own', params: {} });
    c.promoteToShared({ system: null, params: {} });
    expect([c.system, d.overrides.system]).toEqual(['promoted', 'own']);
  });

  it('keeps the inputs and the library prompt in the layout', () => {
    const c = new Comparison();
    c.inputs = { columns: ['q'], rows: [['why?']] };
    c.libraryPrompt = { id: 4, name: 'Ask' };
    const back = new Comparison();
    back.restore(JSON.parse(JSON.stringify(c.snapshot())));
    expect(back.inputs).toEqual({ columns: ['q'], rows: [['why?']] });
    expect(back.libraryPrompt).toEqual({ id: 4, name: 'Ask' });
  });
});
