import { describe, expect, it } from 'vitest';
import { DEFAULT_SETUP, modelGroups, modelKey, requestCount, setupProblem, toPlan } from './plan';

describe('bench plan', () => {
  it('counts requests as panes × inputs × repetitions', () => {
    expect(requestCount(3, 0, 20)).toBe(60);
    expect(requestCount(3, 5, 20)).toBe(300);
    expect(requestCount(8, 4, 20)).toBe(640);
    expect(requestCount(0, 4, 20)).toBe(0);
  });

  it('turns the setup into the contract plan', () => {
    expect(toPlan(DEFAULT_SETUP)).toEqual({ repetitions: 20, concurrency: 4, rps: null, inputs: [], retries: null });
    expect(toPlan({ ...DEFAULT_SETUP, repetitions: 1, rps: 2.5, retries: 'none', inputs: [{ topic: 'tides' }] })).toEqual({
      repetitions: 1,
      concurrency: 4,
      rps: 2.5,
      inputs: [{ topic: 'tides' }],
      retries: 0,
    });
  });

  it('says what is wrong with a setup', () => {
    expect(setupProblem(DEFAULT_SETUP, 2)).toBeNull();
    expect(setupProblem(DEFAULT_SETUP, 0)).toContain('Add a model');
    expect(setupProblem({ ...DEFAULT_SETUP, repetitions: 0 }, 2)).toContain('Repetitions');
    expect(setupProblem({ ...DEFAULT_SETUP, concurrency: 1.5 }, 2)).toContain('Concurrency');
    expect(setupProblem({ ...DEFAULT_SETUP, rps: 0 }, 2)).toContain('Pacing');
    expect(setupProblem({ ...DEFAULT_SETUP, rps: NaN }, 2)).toContain('Pacing');
  });

  it('groups the same model asked through different providers', () => {
    expect(modelKey('openai/GPT-4o')).toBe('gpt-4o');
    const groups = modelGroups([
      { pane: 0, provider: 'openai', model: 'gpt-4o' },
      { pane: 1, provider: 'anthropic', model: 'claude-sonnet-4' },
      { pane: 2, provider: 'openrouter', model: 'openai/gpt-4o' },
      { pane: 3, provider: 'anthropic', model: 'claude-sonnet-4' },
    ]);
    expect(groups).toEqual([
      { model: 'gpt-4o', panes: [0, 2], routes: true },
      { model: 'claude-sonnet-4', panes: [1, 3], routes: false },
    ]);
  });
});
