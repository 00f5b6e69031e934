// The history sidebar: list, search, per-item actions, import, private mode.
import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('../../ipc', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../ipc')>()),
  startTurn: (await import('../../test/ipcMock')).startTurn,
  stopPane: vi.fn(),
  stopAll: vi.fn(),
  listModels: vi.fn(),
  listComparisons: vi.fn(),
  searchHistory: vi.fn(),
  getComparison: vi.fn(),
  renameComparison: vi.fn(),
  pinComparison: vi.fn(),
  deleteComparison: vi.fn(),
  restoreComparison: vi.fn(),
  exportComparison: vi.fn(),
  importComparisons: vi.fn(),
  getPrivateMode: vi.fn(),
  setPrivateMode: vi.fn(),
  historyNotice: vi.fn(),
  chooseSavePath: vi.fn(),
  chooseImportPath: vi.fn(),
}));

import { chooseImportPath, chooseSavePath, deleteComparison, exportComparison, getComparison, getPrivateMode, historyNotice, importComparisons, listComparisons, pinComparison, renameComparison, restoreComparison, searchHistory, setPrivateMode } from '../../ipc';
import { recordTurn } from '../../test/ipcMock';
import { renderCompare, tick } from '../../test/compare';
import { done, report, savedComparison, summary } from '../../test/fixtures';
import { PAGE_SIZE, UNDO_MS } from './history.svelte';

beforeEach(() => {
  vi.useRealTimers();
  for (const fn of [listComparisons, searchHistory, getComparison, renameComparison, pinComparison, deleteComparison, restoreComparison]) {
    vi.mocked(fn).mockReset();
  }
  vi.mocked(listComparisons).mockResolvedValue([
    summary({ id: 1, title: 'Older question' }),
    summary({ id: 2, title: 'Pinned one', pinned: true, turns: 3 }),
  ]);
  vi.mocked(renameComparison).mockResolvedValue(undefined);
  vi.mocked(pinComparison).mockResolvedValue(undefined);
  vi.mocked(deleteComparison).mockResolvedValue(undefined);
  vi.mocked(restoreComparison).mockResolvedValue(undefined);
  vi.mocked(recordTurn).mockReset().mockResolvedValue(null);
  vi.mocked(chooseSavePath).mockReset();
  vi.mocked(chooseImportPath).mockReset();
  vi.mocked(exportComparison).mockReset().mockResolvedValue(undefined);
  vi.mocked(importComparisons).mockReset();
  vi.mocked(getPrivateMode).mockReset().mockResolvedValue(false);
  vi.mocked(setPrivateMode).mockReset().mockResolvedValue(undefined);
  vi.mocked(historyNotice).mockReset().mockResolvedValue(null);
});

const items = () => screen.queryAllByTestId('history-item');
const titles = () => items().map((li) => within(li).getByTestId('history-title').textContent);

async function openSidebar(panes: [string, string][] = []) {
  const view = renderCompare(panes, { historyOpen: true });
  await waitFor(() => expect(items()).toHaveLength(2));
  return view;
}

async function menu(id: number, action: string) {
  const item = items().find((li) => li.dataset.id === String(id))!;
  await fireEvent.click(within(item).getByTestId('history-actions'));
  await fireEvent.click(within(item).getByTestId(action));
}

describe('history sidebar', () => {
  it('lists saved comparisons, pinned first, with date, models, turns and a pin marker', async () => {
    await openSidebar();
    expect(listComparisons).toHaveBeenCalledWith(PAGE_SIZE, 0);
    expect(titles()).toEqual(['Pinned one', 'Older question']);
    const [pinned, older] = items();
    expect(pinned.dataset.id).toBe('2');
    expect(within(pinned).getByTestId('history-pinned')).toBeTruthy();
    expect(within(older).queryByTestId('history-pinned')).toBeNull();
    expect(pinned.textContent).toContain('3 turns');
    expect(older.textContent).toContain('1 turn');
    expect(older.textContent).toContain('3 min ago');
    expect(older.textContent).toContain('gpt-4o, claude');
  });

  it('hides and shows with the toggle, remembering the choice', async () => {
    const { prefs } = await openSidebar();
    await fireEvent.click(screen.getByTestId('history-toggle'));
    expect(screen.queryByTestId('history')).toBeNull();
    expect(prefs.historyOpen).toBe(false);
    expect(JSON.parse(localStorage.getItem('juxta.prefs.v1')!).historyOpen).toBe(false);
    await fireEvent.click(screen.getByTestId('history-toggle'));
    expect(screen.getByTestId('history')).toBeTruthy();
  });

  it('loads the next page when there may be more', async () => {
    const page = Array.from({ length: PAGE_SIZE }, (_, i) => summary({ id: i + 1, title: `Q${i + 1}` }));
    vi.mocked(listComparisons).mockResolvedValueOnce(page).mockResolvedValueOnce([summary({ id: 500, title: 'Last one' })]);
    renderCompare([], { historyOpen: true });
    await waitFor(() => expect(items()).toHaveLength(PAGE_SIZE));
    await fireEvent.click(screen.getByTestId('history-more'));
    await waitFor(() => expect(items()).toHaveLength(PAGE_SIZE + 1));
    expect(listComparisons).toHaveBeenLastCalledWith(PAGE_SIZE, PAGE_SIZE);
    expect(screen.queryByTestId('history-more')).toBeNull();
  });

  it('searches after a pause and highlights matched words with <mark>, as text only', async () => {
    vi.mocked(searchHistory).mockResolvedValue([
      {
        summary: summary({ id: 3, title: 'Sky' }),
        snippet: [
          { text: 'the ', hit: false },
          { text: 'blue', hit: true },
          { text: ' sky <img src=x onerror="alert(1)">', hit: false },
        ],
      },
    ]);
    await openSidebar();
    const search = screen.getByTestId('history-search');
    await fireEvent.input(search, { target: { value: 'b' } });
    await fireEvent.input(search, { target: { value: 'blue' } });
    expect(searchHistory).not.toHaveBeenCalled(); // debounced
    await waitFor(() => expect(titles()).toEqual(['Sky']));
    expect(searchHistory).toHaveBeenCalledTimes(1);
    expect(searchHistory).toHaveBeenCalledWith('blue', expect.any(Number));
    const snippet = screen.getByTestId('history-snippet');
    expect([...snippet.querySelectorAll('mark')].map((m) => m.textContent)).toEqual(['blue']);
    expect(snippet.querySelector('img')).toBeNull();
    expect(snippet.textContent).toContain('<img src=x onerror="alert(1)">');

    await fireEvent.input(search, { target: { value: '' } });
    expect(titles()).toEqual(['Pinned one', 'Older question']);
  });

  it('deletes at once and Undo restores it', async () => {
    await openSidebar();
    await menu(1, 'history-delete');
    expect(titles()).toEqual(['Pinned one']);
    expect(deleteComparison).toHaveBeenCalledWith(1);
    const undo = await screen.findByTestId('history-undo');
    expect(undo.textContent).toContain('Older question');
    await fireEvent.click(within(undo).getByRole('button', { name: 'Undo' }));
    expect(restoreComparison).toHaveBeenCalledWith(1);
    await waitFor(() => expect(titles()).toEqual(['Pinned one', 'Older question']));
    expect(screen.queryByTestId('history-undo')).toBeNull();
  });

  it('the undo offer goes away after a few seconds', async () => {
    const { history } = await openSidebar();
    vi.useFakeTimers();
    await history.remove(history.items[0]);
    expect(history.deleted?.id).toBe(1);
    vi.advanceTimersByTime(UNDO_MS + 1);
    expect(history.deleted).toBeNull();
    expect(restoreComparison).not.toHaveBeenCalled();
  });

  it('a failed delete puts the item back and says why', async () => {
    vi.mocked(deleteComparison).mockRejectedValue({ kind: 'other', message: 'database is locked' });
    await openSidebar();
    await menu(1, 'history-delete');
    await waitFor(() => expect(titles()).toEqual(['Pinned one', 'Older question']));
    expect(screen.getByTestId('history-message').textContent).toContain('database is locked');
    expect(screen.queryByTestId('history-undo')).toBeNull();
  });

  it('renames inline and pins', async () => {
    await openSidebar();
    await menu(1, 'history-rename');
    const input = screen.getByTestId('history-rename-input') as HTMLInputElement;
    expect(input.value).toBe('Older question');
    await fireEvent.input(input, { target: { value: 'Sky colours' } });
    await fireEvent.keyDown(input, { key: 'Enter' });
    expect(renameComparison).toHaveBeenCalledWith(1, 'Sky colours');
    await menu(1, 'history-pin');
    expect(pinComparison).toHaveBeenCalledWith(1, true);
    await menu(2, 'history-pin');
    expect(pinComparison).toHaveBeenCalledWith(2, false);
  });

  it('exports: a cancelled dialog does nothing; a chosen path exports in that format', async () => {
    await openSidebar();
    vi.mocked(chooseSavePath).mockResolvedValueOnce(null);
    await menu(1, 'history-export');
    await fireEvent.click(screen.getByRole('button', { name: 'HTML' }));
    await waitFor(() => expect(chooseSavePath).toHaveBeenCalledWith('older-question.html', 'html'));
    expect(exportComparison).not.toHaveBeenCalled();

    vi.mocked(chooseSavePath).mockResolvedValueOnce('/home/me/sky.md');
    await menu(1, 'history-export');
    await fireEvent.click(screen.getByRole('button', { name: 'Markdown' }));
    await waitFor(() => expect(exportComparison).toHaveBeenCalledWith(1, 'markdown', '/home/me/sky.md'));
    expect((await screen.findByTestId('history-message')).textContent).toBe('Exported to /home/me/sky.md');

    vi.mocked(chooseSavePath).mockResolvedValueOnce('/ro/x.csv');
    vi.mocked(exportComparison).mockRejectedValueOnce({ kind: 'other', message: 'permission denied' });
    await menu(1, 'history-export');
    await fireEvent.click(screen.getByRole('button', { name: 'CSV' }));
    await waitFor(() => expect(screen.getByTestId('history-message').textContent).toContain('permission denied'));
  });

  it('imports a file, refreshes the list and opens the first imported comparison', async () => {
    await openSidebar();
    vi.mocked(chooseImportPath).mockResolvedValueOnce(null);
    await fireEvent.click(screen.getByTestId('history-import'));
    await tick();
    expect(importComparisons).not.toHaveBeenCalled();

    vi.mocked(chooseImportPath).mockResolvedValueOnce('/home/me/export.json');
    vi.mocked(importComparisons).mockResolvedValueOnce([42, 43]);
    vi.mocked(getComparison).mockResolvedValueOnce(savedComparison({ id: 42, title: 'Imported' }));
    const listedBefore = vi.mocked(listComparisons).mock.calls.length;
    await fireEvent.click(screen.getByTestId('history-import'));
    await waitFor(() => expect(screen.getByTestId('history-readonly')).toBeTruthy());
    expect(importComparisons).toHaveBeenCalledWith('/home/me/export.json');
    expect(getComparison).toHaveBeenCalledWith(42);
    expect(vi.mocked(listComparisons).mock.calls.length).toBeGreaterThan(listedBefore);
    expect(screen.getByTestId('history-message').textContent).toBe('Imported 2 comparisons');
  });

  it('private mode: the toggle shows its state and the composer says nothing is saved', async () => {
    const { history } = await openSidebar();
    const toggle = screen.getByTestId('private-toggle');
    expect(toggle.getAttribute('aria-pressed')).toBe('false');
    expect(screen.queryByTestId('private-badge')).toBeNull();
    await fireEvent.click(toggle);
    await waitFor(() => expect(toggle.getAttribute('aria-pressed')).toBe('true'));
    expect(setPrivateMode).toHaveBeenCalledWith(true);
    expect(screen.getByTestId('private-badge').textContent).toBe('Private: nothing is saved');
    expect(history.privateMode).toBe(true);

    vi.mocked(setPrivateMode).mockRejectedValueOnce('not allowed');
    await fireEvent.click(toggle);
    await tick();
    expect(toggle.getAttribute('aria-pressed')).toBe('true');
    expect(screen.getByTestId('history-message').textContent).toContain('not allowed');
  });

  it('shows the history notice once, dismissibly, and the private state Rust reports at start', async () => {
    vi.mocked(historyNotice).mockResolvedValue('the history file was damaged and set aside as history.db.bad');
    vi.mocked(getPrivateMode).mockResolvedValue(true);
    const { history } = renderCompare([]);
    await history.init();
    await tick();
    const notice = screen.getByTestId('history-notice');
    expect(notice.textContent).toContain('set aside as history.db.bad');
    expect(screen.getByTestId('private-badge')).toBeTruthy();
    await fireEvent.click(within(notice).getByRole('button', { name: 'Dismiss' }));
    expect(screen.queryByTestId('history-notice')).toBeNull();
  });

  /** Runs one recorded pane; returns its stream and how many list refreshes there had been before the run. */
  async function startRecordedRun() {
    vi.mocked(recordTurn).mockResolvedValue({ comparison_id: 9, turn_id: 1, panes: [{ pane_id: 90, answer_id: 900 }] });
    const { comparison, started } = await openSidebar([['openai', 'gpt-4o']]);
    const before = vi.mocked(listComparisons).mock.calls.length;
    comparison.prompt = 'hi';
    await tick();
    await fireEvent.click(screen.getByTestId('run-button'));
    await waitFor(() => expect(started).toHaveLength(1));
    return { stream: started[0], before };
  }
  const refreshes = () => vi.mocked(listComparisons).mock.calls.length;
  const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('lists a running comparison a second after it starts (not in its answers\' first frames), and again when it has finished', async () => {
    const { stream, before } = await startRecordedRun();
    await wait(300);
    expect(refreshes(), 'not while the answers start').toBe(before);
    await waitFor(() => expect(refreshes()).toBe(before + 1), { timeout: 2000 }); // the new item appears
    stream.emit(done(report({ text: 'hello' })));
    await waitFor(() => expect(refreshes()).toBe(before + 2)); // and its final state
  });

  it('a run that ends before its comparison is listed refreshes the list once, at its end', async () => {
    const { stream, before } = await startRecordedRun();
    stream.emit(done(report({ text: 'hello' })));
    await waitFor(() => expect(refreshes()).toBe(before + 1));
    await wait(1300);
    expect(refreshes(), 'the refresh planned at the start was dropped').toBe(before + 1);
  });
});
