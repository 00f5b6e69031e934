// The library panel's state: the filtered list, the prompt opened for its variants, and the
// calls that save, load and delete. Every IPC failure becomes `error`, never a throw.
import {
  deletePrompt,
  deleteVariant,
  errorMessage,
  getPrompt,
  listPrompts,
  savePrompt,
  type Prompt,
  type PromptSummary,
} from '../../ipc';
import type { Comparison } from '../state/comparison.svelte';
import { promptDraft } from './library';

export class LibraryState {
  items: PromptSummary[] = $state([]);
  /** Words that must all appear in a name, tag or prompt. */
  text: string = $state('');
  /** A whole tag (set by clicking one). */
  tag: string = $state('');
  /** The prompt whose variants are shown. */
  opened: Prompt | null = $state(null);
  /** What the last action did, for the status line. */
  message: string | null = $state(null);
  error: string | null = $state(null);
  loading = $state(false);

  private async attempt<T>(action: () => Promise<T>): Promise<T | undefined> {
    this.error = null;
    try {
      return await action();
    } catch (err) {
      this.error = errorMessage(err);
      this.message = null;
      return undefined;
    }
  }

  async refresh(): Promise<void> {
    this.loading = true;
    const items = await this.attempt(() => listPrompts({ text: this.text, tag: this.tag }));
    if (items) this.items = items;
    this.loading = false;
  }

  /** Saves the composer's prompt under `name` (an existing name is updated); the comparison then holds it. */
  async save(comparison: Comparison, name: string, tags: string): Promise<Prompt | undefined> {
    const draft = promptDraft(comparison, name, tags);
    if (draft.name === '') {
      this.error = 'Give the prompt a name first.';
      return undefined;
    }
    const saved = await this.attempt(() => savePrompt(draft));
    if (!saved) return undefined;
    comparison.libraryPrompt = { id: saved.id, name: saved.name };
    if (this.opened?.id === saved.id) this.opened = saved;
    this.message = `Saved “${saved.name}”.`;
    await this.refresh();
    return saved;
  }

  /** Puts a saved prompt into the composer, with its variants on the matching panes. */
  async load(comparison: Comparison, id: number): Promise<void> {
    const prompt = await this.attempt(() => getPrompt(id));
    if (!prompt) return;
    const applied = comparison.loadPrompt(prompt);
    this.message =
      `Loaded “${prompt.name}”` + (applied > 0 ? `; ${applied} pane${applied === 1 ? '' : 's'} took ${applied === 1 ? 'its' : 'their'} variant.` : '.');
  }

  /** Shows (or hides, when already shown) a prompt's variants. */
  async toggleOpen(id: number): Promise<void> {
    if (this.opened?.id === id) {
      this.opened = null;
      return;
    }
    const prompt = await this.attempt(() => getPrompt(id));
    if (prompt) this.opened = prompt;
  }

  async remove(comparison: Comparison, id: number): Promise<void> {
    const name = this.items.find((p) => p.id === id)?.name ?? 'the prompt';
    if ((await this.attempt(() => deletePrompt(id))) === undefined && this.error) return;
    if (this.opened?.id === id) this.opened = null;
    if (comparison.libraryPrompt?.id === id) comparison.libraryPrompt = null;
    this.message = `Deleted “${name}” and its variants.`;
    await this.refresh();
  }

  async removeVariant(id: number): Promise<void> {
    if ((await this.attempt(() => deleteVariant(id))) === undefined && this.error) return;
    if (this.opened) {
      const prompt = await this.attempt(() => getPrompt(this.opened!.id));
      if (prompt) this.opened = prompt;
    }
    await this.refresh();
  }
}
