import { describe, expect, it } from 'vitest';
import { benchReport, paneSummary } from '../../test/bench';
import { errorBreakdown, routeNotes, servedModelsText, tableGroups } from './table';

describe('summary table words', () => {
  it('breaks errors down by class', () => {
    expect(errorBreakdown({ rate_limited: 2, server: 0, timeout: 1, in_stream: 0, other: 0 })).toBe('429 rate limited: 2 · timeout: 1');
    expect(errorBreakdown({ rate_limited: 0, server: 0, timeout: 0, in_stream: 0, other: 0 })).toBe('no errors');
  });

  it('lists served models, most seen first', () => {
    expect(servedModelsText({ 'openai/gpt-4o-mini': 1, 'openai/gpt-4o': 2 })).toBe('openai/gpt-4o ×2, openai/gpt-4o-mini ×1');
    expect(servedModelsText({})).toBe('none');
  });

  it('puts the routes of one model together and names them', () => {
    const panes = [
      paneSummary({ pane: 0 }),
      paneSummary({ pane: 1, label: 'mock/echo', provider: 'mock', model: 'echo' }),
      paneSummary({ pane: 2, label: 'openrouter/openai/gpt-4o', provider: 'openrouter', model: 'openai/gpt-4o' }),
    ];
    expect(tableGroups(panes).map((g) => [g.model, g.rows.map((r) => r.pane), g.routes])).toEqual([
      ['gpt-4o', [0, 2], true],
      ['echo', [1], false],
    ]);
    expect(routeNotes(panes)).toEqual(['gpt-4o through openai, openrouter']);
    expect(routeNotes(benchReport().panes)).toEqual(['gpt-4o through openai, openrouter']);
  });
});
