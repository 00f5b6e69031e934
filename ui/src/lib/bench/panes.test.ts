import { expect, it } from 'vitest';
import { Comparison } from '../state/comparison.svelte';
import { benchPanesOf, gridSetupOf, TEST_INPUTS_SOURCE } from './panes';

it('takes each pane request for the current prompt, with the pane overrides, and labels it', () => {
  const comparison = new Comparison();
  comparison.system = 'Be brief.';
  comparison.prompt = 'Explain {{topic}}.';
  comparison.shared = { temperature: 0.5 };
  comparison.addPane('openai', 'gpt-4o', { params: { seed: 3 } });
  comparison.addPane('openrouter', 'openai/gpt-4o', { params: {}, system: 'Be very brief.' });
  const panes = benchPanesOf(comparison);
  expect(panes.map((p) => p.label)).toEqual(['openai/gpt-4o', 'openrouter/openai/gpt-4o']);
  expect(panes[0].request).toMatchObject({
    provider: 'openai',
    model: 'gpt-4o',
    system: 'Be brief.',
    messages: [{ role: 'user', content: 'Explain {{topic}}.' }],
    params: { temperature: 0.5, seed: 3 },
  });
  expect(panes[1].request.system).toBe('Be very brief.');
});

it('turns the composer test inputs into a grid run: every row once, as named rows', () => {
  const comparison = new Comparison();
  comparison.prompt = 'Explain {{topic}} to {{ audience }}.';
  comparison.addPane('openai', 'gpt-4o', { params: {} });
  comparison.inputs = { columns: ['topic', 'audience'], rows: [['tides', 'kids'], ['rain', 'sailors']] };
  expect(gridSetupOf(comparison)).toEqual({
    repetitions: 1,
    inputs: [
      { topic: 'tides', audience: 'kids' },
      { topic: 'rain', audience: 'sailors' },
    ],
    inputsPath: TEST_INPUTS_SOURCE,
  });
  // No placeholders, or no rows: nothing to fill, so no grid.
  comparison.prompt = 'Explain tides.';
  expect(gridSetupOf(comparison)).toBeNull();
  comparison.prompt = 'Explain {{topic}}.';
  comparison.inputs = { columns: ['topic'], rows: [] };
  expect(gridSetupOf(comparison)).toBeNull();
});
