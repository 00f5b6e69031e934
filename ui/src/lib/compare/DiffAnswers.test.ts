import { fireEvent, screen, within } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('../../ipc', async (original) => (await import('../../test/ipcMock')).withPaneCommandsMocked(original));

import { startPane } from '../../test/ipcMock';
import { renderCompare, tick } from '../../test/compare';
import { delta, done, report, requestEvent } from '../../test/fixtures';

beforeEach(() => {
  vi.mocked(startPane).mockReset();
});

async function runThree() {
  const ctx = renderCompare([
    ['openai', 'gpt-4o'],
    ['anthropic', 'claude'],
    ['google', 'gemini'],
  ]);
  ctx.comparison.prompt = 'Describe a fox';
  await tick();
  await fireEvent.click(screen.getByTestId('run-button'));
  await tick();
  return ctx;
}

describe('Diff answers', () => {
  it('needs two panes', async () => {
    renderCompare([['openai', 'gpt-4o']]);
    expect((screen.getByTestId('diff-toggle') as HTMLButtonElement).disabled).toBe(true);
  });

  it('starts with the first two finished panes and shows their word diff with <ins>/<del>', async () => {
    const { started } = await runThree();
    expect(started).toHaveLength(3);
    // Pane 1 is still streaming; panes 2 and 3 finished: those are diffed first.
    started[0].emit(requestEvent());
    started[0].emit(delta('half an'));
    started[1].emit(done(report({ text: 'the quick brown fox' })));
    started[2].emit(done(report({ text: 'the slow brown fox jumps' })));
    await tick();

    await fireEvent.click(screen.getByTestId('diff-toggle'));
    const dialog = screen.getByTestId('diff-dialog');
    expect((within(dialog).getByTestId('diff-pane-a') as HTMLSelectElement).selectedOptions[0].textContent).toBe('2 · anthropic · claude');
    expect((within(dialog).getByTestId('diff-pane-b') as HTMLSelectElement).selectedOptions[0].textContent).toBe('3 · google · gemini');
    const text = within(dialog).getByTestId('diff-text');
    expect([...text.querySelectorAll('del')].map((d) => d.textContent)).toEqual(['[removed: quick]']);
    expect([...text.querySelectorAll('ins')].map((d) => d.textContent)).toEqual(['[added: slow]', '[added:  jumps]']);
    expect(within(dialog).getByTestId('diff-summary').textContent).toContain('+2 words, −1 word · 67% similar');
    // The legend says which side is which, in words.
    expect(within(dialog).getByText(/Struck through: only in/)).toBeTruthy();

    // Any two panes: pane 1's partial answer against pane 3.
    const selectA = within(dialog).getByTestId('diff-pane-a') as HTMLSelectElement;
    await fireEvent.change(selectA, { target: { value: selectA.options[0].value } });
    expect(within(dialog).getByTestId('diff-summary').textContent).toContain('+5 words, −2 words · 0% similar');

    await fireEvent.click(within(dialog).getByRole('button', { name: 'Close the diff' }));
    expect(screen.queryByTestId('diff-dialog')).toBeNull();
  });

  it('offers a JSON diff when both answers are structured, and words on request', async () => {
    const { started } = await runThree();
    const structured = (parsed: object) => ({ check: { valid: true, violations: [] }, source: 'text' as const, parsed });
    started[0].emit(done(report({ text: '{"name":"fox","legs":4}', structured: structured({ name: 'fox', legs: 4 }) })));
    started[1].emit(done(report({ text: '```json\n{"name":"fox","legs":"four","tail":true}\n```' })));
    await tick();

    await fireEvent.click(screen.getByTestId('diff-toggle'));
    const dialog = screen.getByTestId('diff-dialog');
    expect(within(dialog).getByTestId('diff-view').dataset.mode).toBe('json');
    const rows = [...within(dialog).getByTestId('json-changes').querySelectorAll('tbody tr')].map((tr) =>
      [...tr.querySelectorAll('td')].map((td) => td.textContent?.trim()),
    );
    expect(rows).toEqual([
      ['/legs', 'type changed', '4', '"four"'],
      ['/tail', 'added', '', 'true'],
    ]);
    expect(within(dialog).getByTestId('diff-summary').textContent).toBe('2 changes: 1 added, 1 type changed');

    await fireEvent.click(within(dialog).getByRole('button', { name: 'Words' }));
    expect(within(dialog).getByTestId('diff-view').dataset.mode).toBe('words');
    expect(within(dialog).getByTestId('diff-text').querySelectorAll('ins').length).toBeGreaterThan(0);
  });
});
