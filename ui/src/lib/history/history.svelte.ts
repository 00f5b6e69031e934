// The history sidebar's state: the list, search, private mode, pending undo, and the saved comparison
// on display. Every call goes to Rust through ../../ipc; nothing here touches the disk itself.
import {
  chooseImportPath,
  chooseSavePath,
  deleteComparison,
  errorMessage,
  EXPORT_FORMATS,
  exportComparison,
  getComparison,
  getPrivateMode,
  historyNotice,
  importComparisons,
  listComparisons,
  pinComparison,
  renameComparison,
  restoreComparison,
  searchHistory,
  setPrivateMode,
  type ExportFormat,
  type Comparison as SavedComparison,
  type SearchHit,
  type Summary,
} from '../../ipc';
import type { Comparison } from '../state/comparison.svelte';
import { firstTurn, freshPanes, savedView } from './saved';

export const PAGE_SIZE = 100;
export const SEARCH_LIMIT = 100;
export const SEARCH_DEBOUNCE_MS = 150;
export const UNDO_MS = 8000;
/** What the sidebar shows of the live blind run instead of its models. */
export const BLIND_CONCEALED = 'Blind run — vote to reveal';
export const BLIND_REFUSAL = 'This is the blind run on screen: vote (or skip) first, then open it to see its models.';

export interface SavedOnScreen {
  record: SavedComparison;
  comparison: Comparison;
}

/** "Why is the sky blue?" → "why-is-the-sky-blue.md" */
export function exportFileName(title: string, format: ExportFormat): string {
  const ext = EXPORT_FORMATS.find((f) => f.format === format)?.extension ?? format;
  const slug = title
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return `${slug || 'comparison'}.${ext}`;
}

export class HistoryState {
  items: Summary[] = $state([]);
  hasMore = $state(false);
  loading = $state(false);
  query = $state('');
  /** Search results for `query`; null when not searching. */
  hits: SearchHit[] | null = $state(null);
  /** The list or search could not load. */
  error: string | null = $state(null);
  /** The outcome of the last action ("Exported to …", or why it failed). */
  message: string | null = $state(null);
  /** Told once by Rust (damaged file set aside, last write error); dismissible. */
  notice: string | null = $state(null);
  privateMode = $state(false);
  /** Deleted a moment ago; Undo restores it until the timer runs out. */
  deleted: Summary | null = $state(null);
  viewing: SavedOnScreen | null = $state.raw(null);

  private searchTimer: ReturnType<typeof setTimeout> | undefined;
  private undoTimer: ReturnType<typeof setTimeout> | undefined;
  // Answers to an older request (list or search) must not overwrite a newer one.
  private listSeq = 0;
  private searchSeq = 0;

  /** Pinned first, otherwise in the order Rust listed them (newest first). */
  get visible(): Summary[] {
    return [...this.items.filter((s) => s.pinned), ...this.items.filter((s) => !s.pinned)];
  }

  async init(): Promise<void> {
    const [privateMode, notice] = await Promise.allSettled([getPrivateMode(), historyNotice()]);
    if (privateMode.status === 'fulfilled') this.privateMode = privateMode.value;
    if (notice.status === 'fulfilled') this.notice = notice.value;
  }

  /** Reloads the first page (and the current search). */
  async refresh(): Promise<void> {
    const seq = ++this.listSeq;
    this.loading = true;
    try {
      const page = await listComparisons(PAGE_SIZE, 0);
      if (seq !== this.listSeq) return;
      this.items = page;
      this.hasMore = page.length === PAGE_SIZE;
      this.error = null;
    } catch (err) {
      if (seq === this.listSeq) this.error = `Could not load history: ${errorMessage(err)}`;
    } finally {
      if (seq === this.listSeq) this.loading = false;
    }
    if (this.query.trim() !== '') await this.runSearch(this.query);
  }

  async loadMore(): Promise<void> {
    if (!this.hasMore || this.loading) return;
    const seq = ++this.listSeq;
    this.loading = true;
    try {
      const page = await listComparisons(PAGE_SIZE, this.items.length);
      if (seq !== this.listSeq) return;
      const known = new Set(this.items.map((s) => s.id));
      this.items = [...this.items, ...page.filter((s) => !known.has(s.id))];
      this.hasMore = page.length === PAGE_SIZE;
    } catch (err) {
      if (seq === this.listSeq) this.error = `Could not load more: ${errorMessage(err)}`;
    } finally {
      if (seq === this.listSeq) this.loading = false;
    }
  }

  /** Typing in the search box: searches once the user pauses; empty shows the list again. */
  setQuery(query: string): void {
    this.query = query;
    clearTimeout(this.searchTimer);
    if (query.trim() === '') {
      this.searchSeq++;
      this.hits = null;
      return;
    }
    this.searchTimer = setTimeout(() => void this.runSearch(query), SEARCH_DEBOUNCE_MS);
  }

  private async runSearch(query: string): Promise<void> {
    const seq = ++this.searchSeq;
    try {
      const hits = await searchHistory(query.trim(), SEARCH_LIMIT);
      if (seq === this.searchSeq) {
        this.hits = hits;
        this.error = null;
      }
    } catch (err) {
      if (seq === this.searchSeq) this.error = `Search failed: ${errorMessage(err)}`;
    }
  }

  private async act(what: string, call: () => Promise<unknown>): Promise<boolean> {
    try {
      await call();
      return true;
    } catch (err) {
      this.message = `Could not ${what}: ${errorMessage(err)}`;
      return false;
    }
  }

  async rename(id: number, title: string): Promise<void> {
    const clean = title.trim();
    if (clean === '') return;
    if (await this.act('rename', () => renameComparison(id, clean))) {
      if (this.viewing?.record.id === id) this.viewing = { ...this.viewing, record: { ...this.viewing.record, title: clean } };
      await this.refresh();
    }
  }

  async togglePin(summary: Summary): Promise<void> {
    if (await this.act(summary.pinned ? 'unpin' : 'pin', () => pinComparison(summary.id, !summary.pinned))) await this.refresh();
  }

  /** Gone from the list at once; Undo brings it back for a few seconds. */
  async remove(summary: Summary): Promise<void> {
    const before = { items: this.items, hits: this.hits };
    this.items = this.items.filter((s) => s.id !== summary.id);
    if (this.hits) this.hits = this.hits.filter((h) => h.summary.id !== summary.id);
    if (this.viewing?.record.id === summary.id) this.close();
    if (!(await this.act('delete', () => deleteComparison(summary.id)))) {
      this.items = before.items;
      this.hits = before.hits;
      return;
    }
    clearTimeout(this.undoTimer);
    this.deleted = summary;
    this.undoTimer = setTimeout(() => (this.deleted = null), UNDO_MS);
  }

  async undoDelete(): Promise<void> {
    const summary = this.deleted;
    if (!summary) return;
    clearTimeout(this.undoTimer);
    this.deleted = null;
    if (await this.act('undo the delete', () => restoreComparison(summary.id))) await this.refresh();
  }

  dismissUndo(): void {
    clearTimeout(this.undoTimer);
    this.deleted = null;
  }

  async exportAs(summary: Summary, format: ExportFormat): Promise<void> {
    try {
      const path = await chooseSavePath(exportFileName(summary.title, format), format);
      if (path === null) return;
      await exportComparison(summary.id, format, path);
      this.message = `Exported to ${path}`;
    } catch (err) {
      this.message = `Could not export: ${errorMessage(err)}`;
    }
  }

  /** Imports a file the user picks and opens the first comparison in it. */
  async importFile(): Promise<void> {
    try {
      const path = await chooseImportPath();
      if (path === null) return;
      const ids = await importComparisons(path);
      this.message = ids.length === 1 ? 'Imported 1 comparison' : `Imported ${ids.length} comparisons`;
      await this.refresh();
      if (ids.length > 0) await this.open(ids[0]);
    } catch (err) {
      this.message = `Could not import: ${errorMessage(err)}`;
    }
  }

  async setPrivate(on: boolean): Promise<void> {
    if (await this.act(on ? 'turn private mode on' : 'turn private mode off', () => setPrivateMode(on))) this.privateMode = on;
  }

  /** `concealed`: the live blind run before its vote; opening it would show the names, so it is refused. */
  async open(id: number, { concealed = false }: { concealed?: boolean } = {}): Promise<void> {
    if (concealed) {
      this.message = BLIND_REFUSAL;
      return;
    }
    try {
      const record = await getComparison(id);
      this.viewing = { record, comparison: savedView(record) };
    } catch (err) {
      this.message = `Could not open: ${errorMessage(err)}`;
    }
  }

  /** Back to the live comparison (it was never touched). */
  close(): void {
    this.viewing = null;
  }

  /** The saved comparison becomes the live one: a follow-up appends to the same history comparison. */
  continueIn(live: Comparison): void {
    const shown = this.viewing;
    if (!shown) return;
    const view = shown.comparison;
    live.replaceWith({ system: view.system, shared: view.shared, panes: view.panes.slice(), prompt: '', historyId: shown.record.id });
    this.viewing = null;
  }

  /** Same panes and settings, the first prompt in the composer to edit; Run makes a new comparison. */
  forkInto(live: Comparison): void {
    const shown = this.viewing;
    if (!shown) return;
    const first = firstTurn(shown.record);
    live.replaceWith({
      system: first?.system ?? '',
      shared: { ...(first?.params ?? {}) },
      panes: freshPanes(shown.record),
      prompt: first?.prompt ?? '',
      historyId: null,
    });
    this.viewing = null;
  }

  /** Fork and run at once. */
  rerunIn(live: Comparison): Promise<void> {
    if (!this.viewing) return Promise.resolve();
    this.forkInto(live);
    return live.run();
  }
}
