// Model output → safe HTML. Model output is untrusted: marked turns it into HTML, DOMPurify removes
// everything active (scripts, handlers, javascript:/data: links, remote loads, frames, forms, styles).
// Pure apart from a per-renderer cache; no DOM is touched except DOMPurify's own template document.
import DOMPurify from 'dompurify';
import hljs from 'highlight.js/lib/core';
import bash from 'highlight.js/lib/languages/bash';
import c from 'highlight.js/lib/languages/c';
import cpp from 'highlight.js/lib/languages/cpp';
import css from 'highlight.js/lib/languages/css';
import diff from 'highlight.js/lib/languages/diff';
import go from 'highlight.js/lib/languages/go';
import java from 'highlight.js/lib/languages/java';
import javascript from 'highlight.js/lib/languages/javascript';
import json from 'highlight.js/lib/languages/json';
import markdown from 'highlight.js/lib/languages/markdown';
import python from 'highlight.js/lib/languages/python';
import rust from 'highlight.js/lib/languages/rust';
import shell from 'highlight.js/lib/languages/shell';
import sql from 'highlight.js/lib/languages/sql';
import typescript from 'highlight.js/lib/languages/typescript';
import xml from 'highlight.js/lib/languages/xml';
import yaml from 'highlight.js/lib/languages/yaml';
import { Marked, type Token, type Tokens, type TokensList } from 'marked';

const LANGUAGES = { bash, c, cpp, css, diff, go, java, javascript, json, markdown, python, rust, shell, sql, typescript, xml, yaml };
for (const [name, lang] of Object.entries(LANGUAGES)) hljs.registerLanguage(name, lang);

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ESCAPES[ch]);
}

/** Highlighted HTML of `code` when `lang` is a registered language (no auto-detection: too slow while streaming). */
export function highlight(code: string, lang: string): { html: string; language: string | null } {
  const name = lang.trim().split(/\s+/)[0]?.toLowerCase() ?? '';
  const language = name ? hljs.getLanguage(name) : undefined;
  if (!language) return { html: escapeHtml(code), language: null };
  const canonical = (hljs.listLanguages().find((l) => hljs.getLanguage(l) === language) ?? name).toLowerCase();
  return { html: hljs.highlight(code, { language: name, ignoreIllegals: true }).value, language: canonical };
}

const marked = new Marked({
  gfm: true,
  breaks: false,
  renderer: {
    code({ text, lang }: Tokens.Code): string {
      const { html, language } = highlight(text, lang ?? '');
      const label = language ?? (lang?.trim().split(/\s+/)[0] || 'text');
      return (
        `<div class="md-code"><div class="md-code-head"><span class="md-code-lang">${escapeHtml(label)}</span>` +
        `<button type="button" class="md-copy">Copy</button></div>` +
        `<pre><code class="hljs${language ? ` language-${language}` : ''}">${html}</code></pre></div>`
      );
    },
  },
});

// ---- Sanitising -------------------------------------------------------------------------------

const purifier = DOMPurify();

/** Only inline images we already have (img-src allows data:) load; nothing remote. */
const SAFE_IMAGE = /^data:image\/(?:png|jpe?g|gif|webp);base64,/i;
const SAFE_LINK = /^https?:\/\//i;
/** Classes we produce ourselves (highlighting, code blocks); anything else is dropped so output cannot borrow app styles. */
const SAFE_CLASS = /^(?:hljs|language-|md-)/;

purifier.addHook('afterSanitizeAttributes', (node) => {
  if (!(node instanceof Element)) return;
  if (node.hasAttribute('href')) {
    const href = node.getAttribute('href') ?? '';
    if (node.tagName !== 'A' || !SAFE_LINK.test(href.trim())) node.removeAttribute('href');
  }
  if (node.tagName === 'A') {
    node.removeAttribute('target');
    node.setAttribute('rel', 'noopener noreferrer nofollow');
    const href = node.getAttribute('href');
    if (href) node.setAttribute('title', href);
  }
  if (node.hasAttribute('src')) {
    const src = node.getAttribute('src') ?? '';
    if (node.tagName !== 'IMG' || !SAFE_IMAGE.test(src.trim())) {
      node.removeAttribute('src');
      if (node.tagName === 'IMG') {
        node.setAttribute('class', 'md-blocked-img');
        node.setAttribute('alt', `[image not loaded${node.getAttribute('alt') ? `: ${node.getAttribute('alt')}` : ''}]`);
      }
    }
  }
  const cls = node.getAttribute('class');
  if (cls !== null) {
    const kept = cls.split(/\s+/).filter((c) => SAFE_CLASS.test(c));
    if (kept.length > 0) node.setAttribute('class', kept.join(' '));
    else node.removeAttribute('class');
  }
});

const PURIFY_CONFIG = {
  FORBID_TAGS: [
    'style', 'script', 'iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'link', 'meta', 'base',
    'form', 'input', 'textarea', 'select', 'option', 'optgroup', 'datalist', 'output', 'fieldset',
    'svg', 'math', 'video', 'audio', 'source', 'track', 'picture', 'canvas', 'dialog', 'template', 'slot', 'portal',
    'marquee', 'blink', 'map', 'area',
  ],
  FORBID_ATTR: ['style', 'srcset', 'action', 'formaction', 'background', 'poster', 'ping', 'id', 'name', 'form', 'xlink:href', 'usemap'],
  ALLOW_DATA_ATTR: false,
  ALLOW_UNKNOWN_PROTOCOLS: false,
};

/** Removes everything active from `html`. */
export function sanitize(html: string): string {
  return purifier.sanitize(html, PURIFY_CONFIG) as string;
}

// ---- Rendering --------------------------------------------------------------------------------

/** Markdown → safe HTML in one string. */
export function renderMarkdown(md: string): string {
  return createBlockRenderer()(md).join('');
}

/** Blocks at the end of the text that are lexed again on every call: the last one may still grow, and
 * the one before it may still change with it (a paragraph becoming a setext heading, a list continuing). */
const OPEN_BLOCKS = 2;

/**
 * A renderer that splits markdown into top-level blocks and renders each one to safe HTML. While an answer
 * streams, the text only grows: blocks before the last two are settled, so they are neither lexed nor
 * rendered again; only the tail is (marked's lexer over the whole answer on every frame was the main cost
 * of eight streaming panes). Text that is not an extension of the previous one starts over.
 */
export function createBlockRenderer(): (md: string) => string[] {
  let settled: string[] = []; // HTML of the settled blocks
  let settledText = ''; // the source they came from (a prefix of every later text)
  let tailCache = new Map<string, string>();

  const renderToken = (token: Token, links: TokensList['links']) =>
    sanitize(marked.parser(Object.assign([token] as Token[], { links })));

  return (md: string) => {
    if (!md.startsWith(settledText)) {
      settled = [];
      settledText = '';
      tailCache = new Map();
    }
    const tokens: TokensList = marked.lexer(md.slice(settledText.length));
    if (Object.keys(tokens.links).length > 0) {
      // Reference-style links resolve against definitions anywhere in the text: render it all at once.
      settled = [];
      settledText = '';
      tailCache = new Map();
      const all = marked.lexer(md);
      return all.filter((t) => t.type !== 'space' && t.type !== 'def').map((t) => renderToken(t, all.links));
    }
    // Settle every block but the last OPEN_BLOCKS (counting only blocks that render).
    let open = 0;
    let cut = tokens.length;
    while (cut > 0 && open < OPEN_BLOCKS) {
      cut -= 1;
      if (tokens[cut].type !== 'space') open += 1;
    }
    for (const token of tokens.slice(0, cut)) {
      settledText += token.raw;
      if (token.type !== 'space') settled.push(tailCache.get(token.raw) ?? renderToken(token, tokens.links));
    }
    if (!md.startsWith(settledText)) {
      // The lexer normalised something (line endings, tabs): settle nothing rather than drift.
      settled = [];
      settledText = '';
      return createBlockRenderer()(md);
    }
    const next = new Map<string, string>();
    const tail: string[] = [];
    for (const token of tokens.slice(cut)) {
      if (token.type === 'space') continue;
      const html = tailCache.get(token.raw) ?? renderToken(token, tokens.links);
      next.set(token.raw, html);
      tail.push(html);
    }
    tailCache = next;
    return settled.concat(tail);
  };
}
