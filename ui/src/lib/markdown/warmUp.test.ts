import { describe, expect, it } from 'vitest';
import { renderMarkdown } from './render';
import { SAMPLE_ANSWER, warmUpAnswers } from './warmUp';

describe('warming up the answer renderer', () => {
  it('lays the sample out as a hidden answer and leaves nothing in the page', async () => {
    const host = document.createElement('div');
    document.body.append(host);
    const added: Node[] = [];
    const observer = new MutationObserver((records) => records.forEach((r) => added.push(...r.addedNodes)));
    observer.observe(host, { childList: true, subtree: true });

    warmUpAnswers(host);
    await Promise.resolve(); // the observer's records arrive in a microtask
    observer.disconnect();

    expect(host.childNodes).toHaveLength(0);
    const box = added.find((n): n is HTMLElement => n instanceof HTMLElement && n.parentNode === null);
    expect(box?.getAttribute('aria-hidden')).toBe('true');
    expect(box?.className).toBe('answer-warm-up');
    // The real answer component rendered the whole sample into it (its DOM is detached now, not emptied).
    const answer = added.find((n): n is HTMLElement => n instanceof HTMLElement && n.classList.contains('markdown'));
    expect(answer?.querySelector('pre code.language-rust')?.textContent).toContain('println!');
    host.remove();
  });

  it('the sample holds what answers hold: headings, emphasis, lists, a quote, a table, code in four languages', () => {
    const root = document.createElement('div');
    root.innerHTML = renderMarkdown(SAMPLE_ANSWER);
    for (const selector of ['h2', 'strong', 'em', 'p > code', 'a[href]', 'ol', 'ul', 'blockquote', 'table']) {
      expect(root.querySelector(selector), selector).not.toBeNull();
    }
    const languages = [...root.querySelectorAll('pre code')].map((c) => c.className);
    expect(languages).toEqual(['hljs language-python', 'hljs language-typescript', 'hljs language-rust', 'hljs language-bash']);
    expect(root.querySelectorAll('pre code .hljs-keyword').length).toBeGreaterThan(3); // highlighted, not plain text
  });
});
