import { describe, expect, it } from 'vitest';
import { createBlockRenderer, highlight, renderMarkdown } from './render';

function dom(md: string): HTMLElement {
  const root = document.createElement('div');
  root.innerHTML = renderMarkdown(md);
  return root;
}

/** Everything that could run code or load something remote. */
function assertInert(root: HTMLElement) {
  expect(root.querySelectorAll('script, iframe, frame, object, embed, form, style, link, meta, base, svg')).toHaveLength(0);
  for (const el of root.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      expect(attr.name.toLowerCase().startsWith('on'), `${el.tagName} has ${attr.name}`).toBe(false);
      expect(attr.name.toLowerCase()).not.toBe('style');
    }
    const href = el.getAttribute('href');
    if (href !== null) expect(href).toMatch(/^https?:\/\//i);
    const src = el.getAttribute('src');
    if (src !== null) expect(src).toMatch(/^data:image\//i);
  }
}

describe('sanitising model output', () => {
  it('an <img> with an error handler loses both its handler and its source', () => {
    const root = dom('before <img src=x onerror=alert(1)> after');
    assertInert(root);
    const img = root.querySelector('img');
    expect(img?.hasAttribute('onerror')).toBe(false);
    expect(img?.hasAttribute('src')).toBe(false);
    expect(root.textContent).toContain('after');
  });

  it('scripts are removed, their text too', () => {
    const root = dom('<script>alert(1)</script>\n\nhello');
    assertInert(root);
    expect(root.textContent).not.toContain('alert');
    expect(root.textContent).toContain('hello');
  });

  it('javascript: links keep their text but lose the href', () => {
    const root = dom('[click me](javascript:alert(1))');
    assertInert(root);
    const a = root.querySelector('a');
    expect(a?.textContent).toBe('click me');
    expect(a?.hasAttribute('href')).toBe(false);
  });

  it('data: and relative links lose the href too', () => {
    const root = dom('[a](data:text/html;base64,PHNjcmlwdD4=) [b](/etc/passwd) [c](#top)');
    assertInert(root);
    expect([...root.querySelectorAll('a')].map((a) => a.getAttribute('href'))).toEqual([null, null, null]);
  });

  it('a https link keeps its href but loses onclick', () => {
    const root = dom('<a href="https://e.com" onclick="alert(1)" target="_blank">e</a>');
    assertInert(root);
    const a = root.querySelector('a');
    expect(a?.getAttribute('href')).toBe('https://e.com');
    expect(a?.hasAttribute('onclick')).toBe(false);
    expect(a?.hasAttribute('target')).toBe(false);
    expect(a?.getAttribute('rel')).toContain('noopener');
  });

  it('iframes, forms, styles and svg are removed', () => {
    const root = dom(
      '<iframe src="https://evil.example"></iframe><form action="https://x"><input name="a"><button formaction="https://x">go</button></form>' +
        '<style>body{display:none}</style><svg><script>alert(1)</script></svg><p style="color:red">p</p>',
    );
    assertInert(root);
  });

  it('remote images do not load; inline data images do', () => {
    const root = dom('![remote](https://tracker.example/pixel.png) ![inline](data:image/png;base64,iVBORw0KGgo=)');
    assertInert(root);
    const imgs = [...root.querySelectorAll('img')];
    expect(imgs).toHaveLength(2);
    expect(imgs[0].hasAttribute('src')).toBe(false);
    expect(imgs[0].getAttribute('alt')).toContain('remote');
    expect(imgs[1].getAttribute('src')).toMatch(/^data:image\/png;base64,/);
  });

  it('svg data images are not loaded either', () => {
    const root = dom('<img src="data:image/svg+xml;base64,PHN2Zz4=">');
    expect(root.querySelector('img')?.hasAttribute('src')).toBe(false);
  });

  it('classes from the model are dropped, ours are kept', () => {
    const root = dom('<p class="toolbar danger">x</p>\n\n```js\nlet a = 1;\n```');
    expect(root.querySelector('p')?.hasAttribute('class')).toBe(false);
    expect(root.querySelector('code.hljs')).not.toBeNull();
  });
});

describe('markdown rendering', () => {
  it('renders headings, lists, tables and inline code', () => {
    const root = dom('# Title\n\n- one\n- two\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\nuse `x`');
    expect(root.querySelector('h1')?.textContent).toBe('Title');
    expect(root.querySelectorAll('li')).toHaveLength(2);
    expect(root.querySelectorAll('td')).toHaveLength(2);
    expect(root.querySelector('p code')?.textContent).toBe('x');
  });

  it('highlights known languages and gives each code block a copy button', () => {
    const root = dom('```python\ndef f():\n    return 1\n```\n\n```unknownlang\nplain <b>\n```');
    const blocks = root.querySelectorAll('.md-code');
    expect(blocks).toHaveLength(2);
    expect(blocks[0].querySelector('.hljs-keyword')?.textContent).toBe('def');
    expect(blocks[0].querySelector('button.md-copy')).not.toBeNull();
    expect(blocks[1].querySelector('code')?.textContent).toBe('plain <b>\n'.trimEnd());
    expect(blocks[1].querySelector('b')).toBeNull();
  });

  it('registers the common languages', () => {
    for (const lang of ['js', 'ts', 'python', 'rust', 'json', 'bash', 'go', 'java', 'c', 'cpp', 'sql', 'yaml', 'html', 'xml', 'css']) {
      expect(highlight('x', lang).language, lang).not.toBeNull();
    }
  });

  it('re-renders only the blocks that changed', () => {
    const render = createBlockRenderer();
    const first = render('```rust\nfn main() {}\n```\n\nstreaming');
    const second = render('```rust\nfn main() {}\n```\n\nstreaming more');
    expect(second).toHaveLength(2);
    expect(second[0]).toBe(first[0]);
    expect(second[1]).not.toBe(first[1]);
    expect(second[1]).toContain('streaming more');
  });

  it('streamed in pieces, an answer renders exactly as it does whole', () => {
    const answer = [
      '# Title',
      'A paragraph with **bold** and `code`.',
      'Setext heading\n---',
      '- one\n- two\n\n- three (loose list)',
      '```python\nprint("hi")\n```',
      '> a quote\ncontinued lazily',
      '| a | b |\n|---|---|\n| 1 | 2 |',
      '1. first\n2. second',
      'Last words.',
    ].join('\n\n');
    const whole = createBlockRenderer()(answer);
    for (const step of [1, 3, 7, 19]) {
      const render = createBlockRenderer();
      let blocks: string[] = [];
      for (let end = step; end < answer.length + step; end += step) blocks = render(answer.slice(0, end));
      expect(blocks, `in pieces of ${step}`).toEqual(whole);
    }
  });

  it('text that is not a continuation starts over', () => {
    const render = createBlockRenderer();
    render('# One\n\npara\n\nmore\n\nand more');
    expect(render('# Two')).toEqual(createBlockRenderer()('# Two'));
  });

  it('an unclosed fence while streaming renders as code', () => {
    const root = dom('```ts\nconst a = 1');
    expect(root.querySelector('pre code')?.textContent).toContain('const a = 1');
  });
});
