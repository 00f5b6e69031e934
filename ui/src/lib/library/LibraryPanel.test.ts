import { fireEvent, screen, within } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('../../ipc', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../ipc')>()),
  startTurn: (await import('../../test/ipcMock')).startTurn,
  stopPane: vi.fn(),
  stopAll: vi.fn(),
  listModels: vi.fn(),
  savePrompt: vi.fn(),
  listPrompts: vi.fn(),
  getPrompt: vi.fn(),
  deletePrompt: vi.fn(),
  saveVariant: vi.fn(),
  deleteVariant: vi.fn(),
}));

import { deletePrompt, getPrompt, listPrompts, savePrompt, saveVariant, type Prompt, type PromptSummary, type PromptVariant } from '../../ipc';
import { renderCompare, tick } from '../../test/compare';

function variant(over: Partial<PromptVariant>): PromptVariant {
  return { id: 1, prompt_id: 5, provider: 'openai', model: 'gpt-4o', label: '', system: null, user: null, params: {}, note: '', created_at: 0, updated_at: 0, ...over };
}

const TRANSLATE: Prompt = {
  id: 5,
  name: 'Translate',
  tags: ['lang', 'daily'],
  system: 'Be exact.',
  user: 'Translate {{text}} into {{lang}}',
  inputs: { columns: ['text', 'lang'], rows: [['cat', 'French']] },
  created_at: 0,
  updated_at: 0,
  variants: [
    variant({ id: 11, system: 'Be exact and terse.', params: { temperature: 0.2, seed: 7 } }),
    variant({ id: 12, provider: 'anthropic', model: 'claude', params: { max_output_tokens: 300 } }),
  ],
};

const summary = (p: Prompt): PromptSummary => ({
  id: p.id,
  name: p.name,
  tags: p.tags,
  preview: p.user,
  variants: p.variants.length,
  updated_at: 0,
});
const HAIKU: Prompt = { ...TRANSLATE, id: 6, name: 'Haiku', tags: ['fun'], system: '', user: 'A haiku on {{topic}}', inputs: { columns: ['topic'], rows: [] }, variants: [] };

beforeEach(() => {
  vi.mocked(savePrompt).mockReset();
  vi.mocked(saveVariant).mockReset();
  vi.mocked(deletePrompt).mockReset().mockResolvedValue(undefined);
  // A tiny fake library: the filter is applied the way the engine does (tag whole, words anywhere).
  vi.mocked(listPrompts)
    .mockReset()
    .mockImplementation(async ({ text, tag }) =>
      [TRANSLATE, HAIKU]
        .filter((p) => !tag || p.tags.includes(tag))
        .filter((p) => text.split(/\s+/).every((w) => `${p.name} ${p.tags} ${p.user}`.toLowerCase().includes(w.toLowerCase())))
        .map(summary),
    );
  vi.mocked(getPrompt).mockReset().mockImplementation(async (id) => (id === 5 ? TRANSLATE : HAIKU));
});

async function openLibrary() {
  await fireEvent.click(screen.getByTestId('library-toggle'));
  await tick();
  return screen.getByTestId('library-panel');
}

const names = (panel: HTMLElement) => within(panel).queryAllByTestId('library-item').map((li) => li.querySelector('.name')?.textContent);

describe('the prompt library', () => {
  it('saves the composer prompt with its name, tags and test inputs', async () => {
    const { comparison } = renderCompare([['openai', 'gpt-4o']]);
    vi.mocked(savePrompt).mockImplementation(async (draft) => ({ ...TRANSLATE, ...draft, id: 42, variants: [] }));
    comparison.system = 'Be exact.';
    comparison.prompt = 'Translate {{text}} into {{lang}}';
    comparison.inputs = { columns: ['text', 'lang'], rows: [['cat', 'French']] };
    const panel = await openLibrary();
    await fireEvent.input(within(panel).getByTestId('library-name'), { target: { value: '  Translate ' } });
    await fireEvent.input(within(panel).getByTestId('library-tags'), { target: { value: 'lang, daily, Lang' } });
    await fireEvent.click(within(panel).getByTestId('library-save'));
    await tick();

    expect(savePrompt).toHaveBeenCalledWith({
      name: 'Translate',
      tags: ['lang', 'daily'],
      system: 'Be exact.',
      user: 'Translate {{text}} into {{lang}}',
      inputs: { columns: ['text', 'lang'], rows: [['cat', 'French']] },
    });
    expect(comparison.libraryPrompt).toEqual({ id: 42, name: 'Translate' });
    expect(within(panel).getByTestId('library-message').textContent).toBe('Saved “Translate”.');
    expect(screen.getByTestId('library-toggle').textContent).toContain('Translate');
  });

  it('shows a save error and keeps the composer as it was', async () => {
    const { comparison } = renderCompare([]);
    vi.mocked(savePrompt).mockRejectedValue({ kind: 'invalid_request', message: 'row 1 of the test inputs has 1 cells for 2 columns', retryable: false });
    const panel = await openLibrary();
    await fireEvent.input(within(panel).getByTestId('library-name'), { target: { value: 'X' } });
    await fireEvent.click(within(panel).getByTestId('library-save'));
    await tick();
    expect(within(panel).getByRole('alert').textContent).toContain('row 1 of the test inputs');
    expect(comparison.libraryPrompt).toBeNull();
  });

  it('lists saved prompts and filters them by text and by a clicked tag', async () => {
    renderCompare([]);
    const panel = await openLibrary();
    expect(names(panel)).toEqual(['Translate', 'Haiku']);
    await fireEvent.input(within(panel).getByTestId('library-search'), { target: { value: 'haiku' } });
    await tick();
    expect(listPrompts).toHaveBeenLastCalledWith({ text: 'haiku', tag: '' });
    expect(names(panel)).toEqual(['Haiku']);
    await fireEvent.input(within(panel).getByTestId('library-search'), { target: { value: '' } });
    await tick();
    await fireEvent.click(within(panel).getByRole('button', { name: '#daily' }));
    await tick();
    expect(listPrompts).toHaveBeenLastCalledWith({ text: '', tag: 'daily' });
    expect(names(panel)).toEqual(['Translate']);
    await fireEvent.click(within(panel).getByTestId('library-tag-filter'));
    await tick();
    expect(names(panel)).toEqual(['Translate', 'Haiku']);
  });

  it('loads a prompt into the composer and its variants onto the matching panes', async () => {
    const { comparison } = renderCompare([
      ['openai', 'gpt-4o'],
      ['anthropic', 'claude'],
      ['google', 'gemini'],
    ]);
    const panel = await openLibrary();
    await fireEvent.click(within(panel).getByRole('button', { name: 'Load Translate' }));
    await tick();

    expect((screen.getByTestId('prompt-input') as HTMLTextAreaElement).value).toBe('Translate {{text}} into {{lang}}');
    expect((screen.getByTestId('system-input') as HTMLTextAreaElement).value).toBe('Be exact.');
    const table = screen.getByTestId('inputs-table');
    expect((within(table).getByLabelText('text, row 1') as HTMLInputElement).value).toBe('cat');
    expect((within(table).getByLabelText('lang, row 1') as HTMLInputElement).value).toBe('French');
    const [gpt, claude, gemini] = comparison.panes;
    expect(gpt.overrides).toEqual({ system: 'Be exact and terse.', params: { temperature: 0.2, seed: 7 } });
    expect(claude.overrides).toEqual({ params: { max_output_tokens: 300 } });
    expect(gemini.overrides).toEqual({ params: {} });
    expect(within(panel).getByTestId('library-message').textContent).toBe('Loaded “Translate”; 2 panes took their variant.');
    expect(comparison.libraryPrompt).toEqual({ id: 5, name: 'Translate' });
    expect((within(panel).getByTestId('library-name') as HTMLInputElement).value).toBe('Translate');
  });

  it('lists variants per model, diffs a variant against the base prompt and between variants', async () => {
    renderCompare([['openai', 'gpt-4o']]);
    const panel = await openLibrary();
    await fireEvent.click(within(panel).getByRole('button', { name: 'Variants of Translate' }));
    await tick();
    const variants = within(panel).getByTestId('library-variants');
    expect([...variants.querySelectorAll('h4')].map((h) => h.textContent)).toEqual(['openai · gpt-4o', 'anthropic · claude']);
    expect(within(variants).getAllByTestId('library-variant').map((li) => li.querySelector('.params')?.textContent)).toEqual([
      'own system prompt · temperature 0.2 · seed 7',
      'max output tokens 300',
    ]);

    await fireEvent.click(within(variants).getByRole('button', { name: 'Diff openai · gpt-4o' }));
    const diff = within(variants).getByTestId('variant-diff');
    const [system, user] = within(diff).getAllByTestId('diff-view');
    expect(within(system).getByTestId('diff-text').querySelector('ins')?.textContent).toBe('[added:  and terse]');
    expect(within(user).getByTestId('diff-summary').textContent).toBe('Same words (100% similar)');
    const cells = () =>
      [...within(diff).getByTestId('variant-params').querySelectorAll('tbody tr')].map((tr) =>
        [...tr.querySelectorAll('th, td')].map((c) => c.textContent?.trim()),
      );
    expect(cells()).toEqual([
      ['Temperature', 'shared', '0.2'],
      ['Seed', 'shared', '7'],
    ]);

    // Variant against variant: the parameters on both sides.
    await fireEvent.change(within(variants).getByTestId('variant-diff-a'), { target: { value: '12' } });
    expect(cells()).toEqual([
      ['Temperature', 'shared', '0.2'],
      ['Max output tokens', '300', 'shared'],
      ['Seed', 'shared', '7'],
    ]);
  });

  it('promotes a variant to all panes: its values become the shared ones', async () => {
    const { comparison } = renderCompare([
      ['openai', 'gpt-4o'],
      ['anthropic', 'claude'],
    ]);
    comparison.system = 'Old shared';
    comparison.shared = { temperature: 1, top_p: 0.9 };
    comparison.panes[1].overrides = { system: 'pirate', params: { temperature: 0.8, max_output_tokens: 50 } };
    const panel = await openLibrary();
    await fireEvent.click(within(panel).getByRole('button', { name: 'Variants of Translate' }));
    await tick();
    await fireEvent.click(within(panel).getByRole('button', { name: 'Promote openai · gpt-4o to all panes' }));
    expect(comparison.system).toBe('Be exact and terse.');
    expect(comparison.shared).toEqual({ temperature: 0.2, top_p: 0.9, seed: 7 });
    expect(comparison.panes[1].overrides).toEqual({ params: { max_output_tokens: 50 } });
  });

  it('deletes a prompt after a second click', async () => {
    const { comparison } = renderCompare([]);
    comparison.libraryPrompt = { id: 5, name: 'Translate' };
    const panel = await openLibrary();
    await fireEvent.click(within(panel).getByRole('button', { name: 'Delete Translate' }));
    expect(deletePrompt).not.toHaveBeenCalled();
    await fireEvent.click(within(panel).getByRole('button', { name: 'Really delete Translate' }));
    await tick();
    expect(deletePrompt).toHaveBeenCalledWith(5);
    expect(comparison.libraryPrompt).toBeNull();
    expect(within(panel).getByTestId('library-message').textContent).toBe('Deleted “Translate” and its variants.');
  });
});

describe('save as variant', () => {
  it('is disabled until the composer holds a library prompt, then saves the pane overrides for its model', async () => {
    const { comparison } = renderCompare([
      ['openai', 'gpt-4o'],
      ['anthropic', 'claude'],
    ]);
    vi.mocked(saveVariant).mockImplementation(async (d) => ({ ...variant({}), ...d, id: 99, created_at: 0, updated_at: 0 }));
    const pane = screen.getAllByTestId('pane')[1];
    await fireEvent.click(within(pane).getByTestId('pane-settings-toggle'));
    const button = within(pane).getByTestId('save-variant') as HTMLButtonElement;
    expect(button.disabled).toBe(true);
    expect(button.title).toContain('Library');

    comparison.libraryPrompt = { id: 5, name: 'Translate' };
    comparison.panes[1].overrides = { system: 'Be a pirate.', params: { temperature: 0.9 }, fallbacks: [{ provider: 'x', model: 'y' }] };
    await tick();
    await fireEvent.input(within(pane).getByLabelText('Variant label'), { target: { value: 'pirate' } });
    await fireEvent.click(button);
    await tick();
    expect(saveVariant).toHaveBeenCalledWith({
      prompt_id: 5,
      provider: 'anthropic',
      model: 'claude',
      label: 'pirate',
      system: 'Be a pirate.',
      user: null,
      params: { temperature: 0.9 },
      note: '',
    });
    expect(within(pane).getByTestId('variant-status').textContent).toBe('Saved as a variant of “Translate” for anthropic · claude.');
  });
});
