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

  it('follows the source as it streams', async () => {
    const { container, rerender } = render(Markdown, { source: 'Hel', testid: 'pane-text' });
    expect(container.textContent).toContain('Hel');
    await rerender({ source: 'Hello **world**' });
    await waitFor(() => expect(container.querySelector('strong')?.textContent).toBe('world'));
  });
});
