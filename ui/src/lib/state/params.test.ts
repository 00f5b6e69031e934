import { describe, expect, it } from 'vitest';
import { effectiveParams, effectiveSystem, overrideCount, parseParam, parseStop, parseTargets } from './params';

describe('params', () => {
  it('effective params = shared replaced field by field by overrides; unset fields are absent', () => {
    const shared = { temperature: 0.7, max_output_tokens: 500, stop: [] };
    const overrides = { temperature: 0.2, seed: 42 };
    expect(effectiveParams(shared, overrides)).toEqual({ temperature: 0.2, max_output_tokens: 500, seed: 42 });
    expect(effectiveParams({}, {})).toEqual({});
    expect('stop' in effectiveParams(shared, {})).toBe(false);
  });

  it('effective system: override wins, even an empty one (= none)', () => {
    expect(effectiveSystem('Be brief.', { params: {} })).toBe('Be brief.');
    expect(effectiveSystem('Be brief.', { params: {}, system: 'Be a pirate.' })).toBe('Be a pirate.');
    expect(effectiveSystem('Be brief.', { params: {}, system: '' })).toBeNull();
    expect(effectiveSystem('  ', { params: {} })).toBeNull();
  });

  it('parses stop sequences on commas and newlines', () => {
    expect(parseStop('END, ###\n\nSTOP ')).toEqual(['END', '###', 'STOP']);
    expect(parseParam('stop', '  ')).toBeUndefined();
  });

  it('parses fallback targets whose model contains a colon', () => {
    expect(parseTargets('ollama:llama3:8b, anthropic:claude-3-5-haiku\nbad')).toEqual([
      { provider: 'ollama', model: 'llama3:8b' },
      { provider: 'anthropic', model: 'claude-3-5-haiku' },
    ]);
  });

  it('parses numbers, clamps ranges, rejects junk', () => {
    expect(parseParam('temperature', '0.3')).toBe(0.3);
    expect(parseParam('temperature', '5')).toBe(2);
    expect(parseParam('top_p', '-1')).toBe(0);
    expect(parseParam('max_output_tokens', '12.6')).toBe(13);
    expect(parseParam('seed', 'abc')).toBeUndefined();
    expect(parseParam('reasoning_effort', 'high')).toBe('high');
    expect(parseParam('reasoning_effort', 'extreme')).toBeUndefined();
  });

  it('counts overrides', () => {
    expect(overrideCount({ params: {} })).toBe(0);
    expect(overrideCount({ params: { temperature: 1 }, system: '', fallbacks: [{ provider: 'a', model: 'b' }] })).toBe(3);
  });
});
