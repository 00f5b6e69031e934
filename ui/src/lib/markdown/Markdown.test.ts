import { fireEvent, render, waitFor } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('../../ipc', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../ipc')>()),
  openExternal: vi.fn(),
}));

import { openExternal } from '../../ipc';
import Markdown from './Markdown.svelte';

const writeText = vi.fn();

beforeEach(() => {
  vi.mocked(openExternal).mockReset().mockResolvedValue(undefined);
  writeText.mockReset().mockResolvedValue(undefined);
  Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
});

describe('Markdown', () => {
  it('a link click opens the system browser and does not navigate the webview', async () => {
    const { getByText } = render(Markdown, { source: 'see [the docs](https://example.com/docs)' });
    const link = getByText('the docs');
    const event = new MouseEvent('click', { bubbles: true, cancelable: true });
    link.dispatchEvent(event);
    expect(event.defaultPrevented).toBe(true);
    expect(openExternal).toHaveBeenCalledWith('https://example.com/docs');
    expect(window.location.href).not.toContain('example.com');
  });

  it('a sanitised javascript: link does nothing when clicked', async () => {
    const { getByText } = render(Markdown, { source: '[bad](javascript:alert(1))' });
    const event = new MouseEvent('click', { bubbles: true, cancelable: true });
    getByText('bad').dispatchEvent(event);
    expect(event.defaultPrevented).toBe(true);
    expect(openExternal).not.toHaveBeenCalled();
  });

  it('the copy button of a code block copies its code', async () => {
    const { container } = render(Markdown, { source: '```js\nconsole.log(1);\n```' });
    const button = container.querySelector('button.md-copy') as HTMLButtonElement;
    await fireEvent.click(button);
    expect(writeText).toHaveBeenCalledWith('console.log(1);');
    await waitFor(() => expect(button.textContent).toBe('Copied'));
  });

  it('a streaming answer out of sight renders every half second, and at once when it scrolls into view or ends', async () => {
    // jsdom has no IntersectionObserver: this one reports what the test says is on screen.
    let report: (visible: boolean) => void = () => {};
    vi.stubGlobal(
      'IntersectionObserver',
      class {
        constructor(callback: (entries: { isIntersecting: boolean }[]) => void) {
          report = (visible) => callback([{ isIntersecting: visible }]);
        }
        observe() {}
        disconnect() {}
      },
    );
    let now = 1000;
    const clock = vi.spyOn(performance, 'now').mockImplementation(() => now);
    try {
      const frame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
      const { container, rerender } = render(Markdown, { source: 'one', live: true });
      report(false);
      now += 100;
      await rerender({ source: 'one two', live: true });
      await rerender({ source: 'one two three', live: true });
      await frame();
      await frame();
      expect(container.textContent?.trim()).toBe('one');

      report(true); // scrolled into view: the held-back text shows in the next frame
      await frame();
      expect(container.textContent).toContain('one two three');

      report(false);
      now += 100;
      await rerender({ source: 'one two three four', live: true });
      await frame();
      expect(container.textContent).not.toContain('four');
      now += 500; // half a second since its last render: it takes its turn
      await rerender({ source: 'one two three four five', live: true });
      await frame();
      expect(container.textContent).toContain('five');
      now += 100;
      await rerender({ source: 'one two three four five six', live: true });
      await frame();
      expect(container.textContent).not.toContain('six');
      await rerender({ source: 'one two three four five six seven', live: false }); // the stream ended
      await frame();
      expect(container.textContent).toContain('six seven');
    } finally {
      clock.mockRestore();
      vi.unstubAllGlobals();
    }
  });

  it('an answer out of sight renders after the answers on screen, though it asked first', async () => {
    // Answers out of sight whose half-second turns fell due together took whole frames from those on screen.
    const reports: ((visible: boolean) => void)[] = [];
    vi.stubGlobal(
      'IntersectionObserver',
      class {
        constructor(callback: (entries: { isIntersecting: boolean }[]) => void) {
          reports.push((visible) => callback([{ isIntersecting: visible }]));
        }
        observe() {}
        disconnect() {}
      },
    );
    const laidOut: string[] = [];
    const spy = vi.spyOn(HTMLElement.prototype, 'offsetHeight', 'get').mockImplementation(function (this: HTMLElement) {
      laidOut.push((this.textContent ?? '').trim());
      return 0;
    });
    let now = 1000;
    const clock = vi.spyOn(performance, 'now').mockImplementation(() => now);
    try {
      const away = render(Markdown, { source: 'away', live: true });
      const shown = render(Markdown, { source: 'shown', live: true });
      reports[0](false);
      now += 600; // its half second has passed: its next change takes a turn
      await away.rerender({ source: 'away more', live: true });
      await shown.rerender({ source: 'shown more', live: true });
      await waitFor(() => expect(laidOut).toContain('away more'));
      expect(laidOut.filter((t) => t.endsWith('more'))).toEqual(['shown more', 'away more']);
    } finally {
      clock.mockRestore();
      spy.mockRestore();
      vi.unstubAllGlobals();
    }
  });

  it('only a streaming answer watches whether it is on screen', async () => {
    const watching = new Set<object>();
    vi.stubGlobal(
      'IntersectionObserver',
      class {
        observe() {
          watching.add(this);
        }
        disconnect() {
          watching.delete(this);
        }
      },
    );
    try {
      render(Markdown, { source: 'a finished answer' });
      expect(watching.size).toBe(0);
      const { rerender } = render(Markdown, { source: 'stream', live: true });
      expect(watching.size).toBe(1);
      await rerender({ source: 'streamed', live: false });
      expect(watching.size).toBe(0);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('follows the source as it streams', async () => {
    const { container, rerender } = render(Markdown, { source: 'Hel', testid: 'pane-text' });
    expect(container.textContent).toContain('Hel');
    await rerender({ source: 'Hello **world**' });
    await waitFor(() => expect(container.querySelector('strong')?.textContent).toBe('world'));
  });

  it('lays each streamed render out as it runs, before the frame runs another pane\'s', async () => {
    // WebKit lays out one changed subtree at a time: two answers left to lay out together make it repaint the whole
    // window. So a render updates its DOM at once and reads its own size, which makes WebKit lay it out then.
    const laidOut: string[] = [];
    const spy = vi.spyOn(HTMLElement.prototype, 'offsetHeight', 'get').mockImplementation(function (this: HTMLElement) {
      laidOut.push((this.textContent ?? '').trim());
      return 0;
    });
    try {
      const { rerender } = render(Markdown, { source: 'one', live: true, testid: 'pane-text' });
      await rerender({ source: 'one two', live: true });
      await waitFor(() => expect(laidOut).toContain('one two'));
      expect(laidOut).not.toContain('one'); // read after the DOM has the new text, not before
    } finally {
      spy.mockRestore();
    }
  });
});
