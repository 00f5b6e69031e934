import { describe, expect, it } from 'vitest';
import { MAX_PROMPT_ROWS, promptRows } from './promptset';

describe('prompt sets', () => {
  it('takes the engine rows with their columns in order of first appearance', () => {
    expect(promptRows([{ topic: 'tides', n: '3' }, { topic: 'rain', tone: 'calm' }])).toEqual({
      ok: true,
      rows: [
        { topic: 'tides', n: '3' },
        { topic: 'rain', tone: 'calm' },
      ],
      columns: ['topic', 'n', 'tone'],
    });
  });

  it('refuses an empty set and one too large to be set by hand', () => {
    expect(promptRows([])).toEqual({ ok: false, error: expect.stringContaining('no rows') });
    const many = Array.from({ length: MAX_PROMPT_ROWS + 1 }, (_, i) => ({ n: String(i) }));
    expect(promptRows(many)).toEqual({ ok: false, error: expect.stringContaining(`at most ${MAX_PROMPT_ROWS}`) });
  });
});
