import { fireEvent, render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import DiffView from './DiffView.svelte';

describe('DiffView', () => {
  it('renders removed words in <del> and added ones in <ins>, with a legend and the summary', () => {
    render(DiffView, { titleA: 'gpt-4o', titleB: 'claude', a: 'the quick brown fox', b: 'the slow brown fox jumps' });
    const text = screen.getByTestId('diff-text');
    expect(text.textContent).toBe('the [removed: quick][added: slow] brown fox[added:  jumps]');
    expect(text.querySelector('del')?.textContent).toBe('[removed: quick]');
    expect(text.querySelectorAll('ins')).toHaveLength(2);
    expect(screen.getByText('+2 words, −1 word · 67% similar')).toBeTruthy();
    // Legend: the titles as <del>/<ins>, and the meaning in words, not colour alone.
    expect(screen.getByText('gpt-4o', { selector: 'del' })).toBeTruthy();
    expect(screen.getByText('claude', { selector: 'ins' })).toBeTruthy();
    expect(screen.getByText(/Struck through: only in/)).toBeTruthy();
    // No JSON on either side: no mode switch.
    expect(screen.queryByRole('group', { name: 'Diff mode' })).toBeNull();
  });

  it('switches between a JSON change table and words when both sides are JSON', async () => {
    render(DiffView, { titleA: 'A', titleB: 'B', a: '{"n":1}', b: '{"n":2}', jsonA: { n: 1 }, jsonB: { n: 2 } });
    expect(screen.getByTestId('diff-view').dataset.mode).toBe('json');
    expect(screen.getByTestId('diff-summary').textContent).toBe('1 change: 1 changed');
    const row = screen.getByTestId('json-changes').querySelector('tbody tr')!;
    expect(row.querySelector('del')?.textContent).toBe('1');
    expect(row.querySelector('ins')?.textContent).toBe('2');
    await fireEvent.click(screen.getByRole('button', { name: 'Words' }));
    expect(screen.getByRole('button', { name: 'Words' }).getAttribute('aria-pressed')).toBe('true');
    expect(screen.getByTestId('diff-view').dataset.mode).toBe('words');
    await fireEvent.click(screen.getByTestId('diff-mode-json'));
    expect(screen.getByTestId('diff-view').dataset.mode).toBe('json');
  });
});
