// The first answers of a session rendered slowly: their renders ran the markdown code for the first time (not yet
// compiled by the JavaScript engine) and laid out text in sizes the page had not used yet (font lookups). Doing it
// once, out of sight, while the app is idle, their first renders cost what later ones do: 1–3 ms of JavaScript
// instead of 7–19, and their first text is drawn sooner (#3, BENCHMARKS.md).
import { flushSync, mount, unmount } from 'svelte';
import Markdown from './Markdown.svelte';
import { formatTokens } from '../state/format';
import { createBlockRenderer } from './render';

/** A short answer with what answers hold: headings, emphasis, lists, inline code, a table, code in common languages. */
export const SAMPLE_ANSWER = [
  '## Summary',
  '',
  'A **short** answer with *emphasis*, `inline code` and a [link](https://example.com).',
  '',
  '1. First step',
  '2. Second step with `code`',
  '',
  '- an item',
  '- another item',
  '',
  '> A quoted line.',
  '',
  '| Model | Tokens/s |',
  '| --- | ---: |',
  '| a | 120 |',
  '',
  '```python',
  'def mean(values: list[float]) -> float:',
  '    """The arithmetic mean."""',
  '    return sum(values) / len(values) if values else 0.0',
  '```',
  '',
  '```ts',
  'export const total = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);',
  '```',
  '',
  '```rust',
  'fn main() { println!("{}", (1..=10).sum::<u32>()); }',
  '```',
  '',
  '```bash',
  'cargo test --workspace && echo "ok"',
  '```',
  '',
].join('\n');

/** How many growing prefixes of the sample are rendered, as a stream would (enough for the engine to compile). */
const STEPS = 60;

/** Renders `SAMPLE_ANSWER` as a stream would, then lays it out once in a hidden answer, then removes it. */
export function warmUpAnswers(host: HTMLElement = document.body): void {
  const render = createBlockRenderer();
  for (let step = 1; step <= STEPS; step++) render(SAMPLE_ANSWER.slice(0, Math.ceil((SAMPLE_ANSWER.length * step) / STEPS)));

  const box = document.createElement('div');
  box.className = 'answer-warm-up'; // app.css: hidden, off the page, sized like a pane's answer
  box.setAttribute('aria-hidden', 'true');
  host.append(box);
  const answer = mount(Markdown, { target: box, props: { source: SAMPLE_ANSWER } });
  flushSync();
  void box.offsetHeight;
  void unmount(answer);
  box.remove();
  // The metrics under a finished answer format numbers for their locale: the first time took 11 ms (ICU's setup).
  formatTokens(1234, false);
}
