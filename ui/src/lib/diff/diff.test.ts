import { describe, expect, it } from 'vitest';
import { countWords, describeJsonChanges, describeSummary, jsonDiff, parseJsonAnswer, summarize, wordDiff, type Segment } from './diff';

const side = (segments: Segment[], keep: 'added' | 'removed') =>
  segments
    .filter((s) => s.kind === 'same' || s.kind === keep)
    .map((s) => s.text)
    .join('');

describe('word diff', () => {
  it('finds the changed and added words (hand-computed)', () => {
    const { segments, gaveUp } = wordDiff('the quick brown fox', 'the slow brown fox jumps');
    expect(gaveUp).toBe(false);
    expect(segments).toEqual([
      { kind: 'same', text: 'the ' },
      { kind: 'removed', text: 'quick' },
      { kind: 'added', text: 'slow' },
      { kind: 'same', text: ' brown fox' },
      { kind: 'added', text: ' jumps' },
    ]);
    // 3 words shared, 1 only in A, 2 only in B: 2·3 / (4 + 5) = 66.7 %.
    const summary = summarize(segments);
    expect(summary).toEqual({ added: 2, removed: 1, same: 3, similarity: 67 });
    expect(describeSummary(summary)).toBe('+2 words, −1 word · 67% similar');
  });

  it('gives back both texts exactly, whitespace and punctuation included', () => {
    const a = 'Hello, world.\n\n- one\n- two';
    const b = 'Hello world!\n- one\n- three\n';
    const { segments } = wordDiff(a, b);
    expect(side(segments, 'removed')).toBe(a);
    expect(side(segments, 'added')).toBe(b);
    // Punctuation and line breaks changed; of the words, "two" became "three" (Hello, world, one stay).
    expect(summarize(segments)).toMatchObject({ added: 1, removed: 1, same: 3 });
  });

  it('says identical and empty texts plainly', () => {
    expect(wordDiff('same text', 'same text').segments).toEqual([{ kind: 'same', text: 'same text' }]);
    expect(describeSummary(summarize(wordDiff('same text', 'same text').segments))).toBe('Same words (100% similar)');
    expect(wordDiff('', '').segments).toEqual([]);
    expect(summarize([])).toEqual({ added: 0, removed: 0, same: 0, similarity: 100 });
    expect(summarize(wordDiff('', 'new words').segments).similarity).toBe(0);
  });

  it('counts words, not punctuation, with apostrophes and other scripts', () => {
    expect(countWords("it's a test, isn't it? — yes")).toBe(6);
    expect(countWords('naïve café 東京 42')).toBe(4);
    expect(countWords(' \n ... ')).toBe(0);
  });
});

describe('JSON diff', () => {
  it('reports a nested change at its JSON pointer', () => {
    expect(jsonDiff({ user: { name: 'Ada', age: 36 } }, { user: { name: 'Ada', age: 37 } })).toEqual([
      { path: '/user/age', kind: 'changed', before: 36, after: 37 },
    ]);
  });

  it('reports added and removed keys, A order first, then B new keys', () => {
    expect(jsonDiff({ a: 1, gone: true, b: 2 }, { a: 1, b: 2, fresh: null })).toEqual([
      { path: '/gone', kind: 'removed', before: true },
      { path: '/fresh', kind: 'added', after: null },
    ]);
  });

  it('reports a type change once without descending', () => {
    expect(jsonDiff({ tags: ['x', 'y'], n: 1 }, { tags: 'x,y', n: '1' })).toEqual([
      { path: '/tags', kind: 'type', before: ['x', 'y'], after: 'x,y' },
      { path: '/n', kind: 'type', before: 1, after: '1' },
    ]);
    expect(jsonDiff(null, {})).toEqual([{ path: '', kind: 'type', before: null, after: {} }]);
    expect(jsonDiff([], {})).toEqual([{ path: '', kind: 'type', before: [], after: {} }]);
  });

  it('compares arrays by index, with the extra elements of the longer one', () => {
    expect(jsonDiff({ items: [1, 2, 3] }, { items: [1, 5] })).toEqual([
      { path: '/items/1', kind: 'changed', before: 2, after: 5 },
      { path: '/items/2', kind: 'removed', before: 3 },
    ]);
    expect(jsonDiff([{ id: 1 }], [{ id: 1 }, { id: 2 }])).toEqual([{ path: '/1', kind: 'added', after: { id: 2 } }]);
  });

  it('escapes ~ and / in keys (RFC 6901) and finds nothing in equal values', () => {
    expect(jsonDiff({ 'a/b': { '~c': 1 } }, { 'a/b': { '~c': 2 } })[0].path).toBe('/a~1b/~0c');
    expect(jsonDiff({ x: [1, { y: 'z' }] }, { x: [1, { y: 'z' }] })).toEqual([]);
    expect(describeJsonChanges([])).toBe('Same JSON');
  });

  it('summarises changes by kind', () => {
    const changes = jsonDiff({ a: 1, b: 2, c: [1] }, { a: 2, c: {}, d: 0 });
    expect(describeJsonChanges(changes)).toBe('4 changes: 1 added, 1 removed, 1 changed, 1 type changed');
  });

  it('takes an answer as JSON only when it is an object or an array, fenced or not', () => {
    expect(parseJsonAnswer('  {"a": 1}\n')).toEqual({ a: 1 });
    expect(parseJsonAnswer('```json\n[1, 2]\n```')).toEqual([1, 2]);
    expect(parseJsonAnswer('42')).toBeUndefined();
    expect(parseJsonAnswer('Here is {"a": 1}')).toBeUndefined();
    expect(parseJsonAnswer('{"a": ')).toBeUndefined();
  });
});
