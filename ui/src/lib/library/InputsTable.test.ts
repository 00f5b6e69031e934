import { fireEvent, screen, within } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('../../ipc', async (original) => (await import('../../test/ipcMock')).withPaneCommandsMocked(original));

import { startPane } from '../../test/ipcMock';
import { renderCompare, tick } from '../../test/compare';

beforeEach(() => {
  vi.mocked(startPane).mockReset();
});

const cell = (table: HTMLElement, label: string) => within(table).getByLabelText(label) as HTMLInputElement;

describe('the test inputs table', () => {
  it('appears when the prompt has {{variables}}, one column each, and follows the prompt', async () => {
    const { comparison } = renderCompare([['openai', 'gpt-4o']]);
    expect(screen.queryByTestId('inputs-table')).toBeNull();
    await fireEvent.input(screen.getByTestId('prompt-input'), { target: { value: 'Translate {{text}} into {{lang}}' } });
    await tick();
    const table = screen.getByTestId('inputs-table');
    expect([...table.querySelectorAll('thead th code')].map((c) => c.textContent)).toEqual(['{{text}}', '{{lang}}']);
    expect(comparison.inputs.columns).toEqual(['text', 'lang']);

    // A variable in the shared system prompt gets a column too.
    await fireEvent.input(screen.getByTestId('system-input'), { target: { value: 'Tone: {{tone}}' } });
    await tick();
    expect(comparison.inputs.columns).toEqual(['tone', 'text', 'lang']);

    // No variables left, no data: the table goes.
    await fireEvent.input(screen.getByTestId('system-input'), { target: { value: '' } });
    await fireEvent.input(screen.getByTestId('prompt-input'), { target: { value: 'plain' } });
    await tick();
    expect(screen.queryByTestId('inputs-table')).toBeNull();
  });

  it('adds, edits, pastes and removes rows, and previews the first row filled in', async () => {
    const { comparison } = renderCompare([['openai', 'gpt-4o']]);
    comparison.system = 'Answer in {{lang}}.';
    await fireEvent.input(screen.getByTestId('prompt-input'), { target: { value: 'Translate {{text}}' } });
    await tick();
    const table = screen.getByTestId('inputs-table');

    await fireEvent.click(within(table).getByTestId('inputs-preview-toggle'));
    expect(within(table).getByTestId('inputs-preview').textContent).toContain('Add a row of test inputs first.');

    await fireEvent.click(within(table).getByRole('button', { name: '+ Row' }));
    await fireEvent.input(cell(table, 'lang, row 1'), { target: { value: 'French' } });
    await fireEvent.input(cell(table, 'text, row 1'), { target: { value: 'the cat' } });
    expect(comparison.inputs).toEqual({ columns: ['lang', 'text'], rows: [['French', 'the cat']] });
    const preview = within(table).getByTestId('inputs-preview');
    expect(preview.textContent).toContain('System: Answer in French.');
    expect(preview.textContent).toContain('Translate the cat');

    await fireEvent.click(within(table).getByRole('button', { name: 'Paste CSV/TSV…' }));
    await fireEvent.input(within(table).getByLabelText(/separated by commas or tabs/), {
      target: { value: 'lang\ttext\nGerman\tthe dog\nDutch\t"a, b"' },
    });
    await fireEvent.click(within(table).getByRole('button', { name: 'Add rows' }));
    expect(comparison.inputs.rows).toEqual([
      ['French', 'the cat'],
      ['German', 'the dog'],
      ['Dutch', 'a, b'],
    ]);
    expect(cell(table, 'text, row 2').value).toBe('the dog');

    await fireEvent.click(within(table).getByRole('button', { name: 'Remove row 1' }));
    expect(comparison.inputs.rows.map((r) => r[0])).toEqual(['German', 'Dutch']);
    expect(within(table).getByTestId('inputs-preview').textContent).toContain('Translate the dog');
  });

  it('keeps a column with data when its variable is renamed, until it is removed', async () => {
    const { comparison } = renderCompare([]);
    comparison.prompt = 'About {{city}}';
    comparison.inputs = { columns: ['city'], rows: [['Paris']] };
    await tick();
    await fireEvent.input(screen.getByTestId('prompt-input'), { target: { value: 'About {{town}}' } });
    await tick();
    const table = screen.getByTestId('inputs-table');
    expect(comparison.inputs).toEqual({ columns: ['town', 'city'], rows: [['', 'Paris']] });
    expect(within(table).getByText('not in the prompt')).toBeTruthy();
    await fireEvent.click(within(table).getByRole('button', { name: 'Remove column city' }));
    expect(comparison.inputs).toEqual({ columns: ['town'], rows: [['']] });
  });
});
