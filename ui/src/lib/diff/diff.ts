// Differences between two answers (or two prompts): word by word for text (jsdiff), path by path
// for JSON. Pure functions; DiffView.svelte renders them.
import { diffWordsWithSpace } from 'diff';

export type SegmentKind = 'same' | 'added' | 'removed';

/** A run of text that both sides share, that only B has (`added`) or that only A has (`removed`). */
export interface Segment {
  kind: SegmentKind;
  text: string;
}

export interface WordDiff {
  segments: Segment[];
  /** The texts were too different to diff word by word in time: B is shown replacing A whole. */
  gaveUp: boolean;
}

export interface DiffSummary {
  /** Words only in B. */
  added: number;
  /** Words only in A. */
  removed: number;
  /** Words both share. */
  same: number;
  /** 0–100: the share of words in common (2 × same ÷ all words of both sides). 100 when both are empty. */
  similarity: number;
}

/** Past this, a word diff of two very different long answers would freeze the window. */
const DIFF_TIMEOUT_MS = 1000;

/**
 * A word-level diff of `a` (before) and `b` (after). Whitespace runs are tokens too, so the
 * `same` + `removed` segments give back `a` exactly and `same` + `added` give back `b`.
 */
export function wordDiff(a: string, b: string): WordDiff {
  const changes = diffWordsWithSpace(a, b, { timeout: DIFF_TIMEOUT_MS });
  if (changes === undefined) {
    const segments: Segment[] = [];
    if (a) segments.push({ kind: 'removed', text: a });
    if (b) segments.push({ kind: 'added', text: b });
    return { segments, gaveUp: true };
  }
  const segments = changes
    .filter((c) => c.value !== '')
    .map((c): Segment => ({ kind: c.added ? 'added' : c.removed ? 'removed' : 'same', text: c.value }));
  return { segments, gaveUp: false };
}

const WORD = /[\p{L}\p{N}_]+(?:['’][\p{L}\p{N}_]+)*/gu;

/** How many words a text has (punctuation and whitespace are not words). */
export function countWords(text: string): number {
  return text.match(WORD)?.length ?? 0;
}

export function summarize(segments: Segment[]): DiffSummary {
  const totals = { added: 0, removed: 0, same: 0 };
  for (const s of segments) totals[s.kind] += countWords(s.text);
  const all = 2 * totals.same + totals.added + totals.removed;
  const similarity = all === 0 ? 100 : Math.round((200 * totals.same) / all);
  return { ...totals, similarity };
}

/** "+2 words, −1 word · 67% similar" */
export function describeSummary(s: DiffSummary): string {
  if (s.added === 0 && s.removed === 0) return s.same === 0 ? 'Both are empty' : 'Same words (100% similar)';
  const words = (n: number) => `${n} word${n === 1 ? '' : 's'}`;
  return `+${words(s.added)}, −${words(s.removed)} · ${s.similarity}% similar`;
}

// ---- JSON ----------------------------------------------------------------------------------------

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export type JsonChangeKind = 'added' | 'removed' | 'changed' | 'type';

/** One difference between two JSON values, at a JSON Pointer (RFC 6901; '' is the whole value). */
export interface JsonChange {
  path: string;
  kind: JsonChangeKind;
  /** A's value (absent for `added`). */
  before?: Json;
  /** B's value (absent for `removed`). */
  after?: Json;
}

type JsonType = 'null' | 'array' | 'object' | 'string' | 'number' | 'boolean';

function typeOf(v: Json): JsonType {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v as 'object' | 'string' | 'number' | 'boolean';
}

function pointer(parent: string, key: string | number): string {
  return `${parent}/${String(key).replace(/~/g, '~0').replace(/\//g, '~1')}`;
}

/**
 * Every difference from `a` to `b`: keys added or removed, leaves changed, and values whose JSON
 * type changed (reported once, not descended into). Arrays are compared index by index, so an
 * insertion near the start shows as changes down the array. Object keys: A's order, then B's new ones.
 */
export function jsonDiff(a: Json, b: Json): JsonChange[] {
  const changes: JsonChange[] = [];
  walk(a, b, '', changes);
  return changes;
}

function walk(a: Json, b: Json, path: string, out: JsonChange[]): void {
  const ta = typeOf(a);
  const tb = typeOf(b);
  if (ta !== tb) {
    out.push({ path, kind: 'type', before: a, after: b });
  } else if (ta === 'array') {
    const xs = a as Json[];
    const ys = b as Json[];
    for (let i = 0; i < Math.max(xs.length, ys.length); i++) {
      if (i >= ys.length) out.push({ path: pointer(path, i), kind: 'removed', before: xs[i] });
      else if (i >= xs.length) out.push({ path: pointer(path, i), kind: 'added', after: ys[i] });
      else walk(xs[i], ys[i], pointer(path, i), out);
    }
  } else if (ta === 'object') {
    const xs = a as { [key: string]: Json };
    const ys = b as { [key: string]: Json };
    for (const key of Object.keys(xs)) {
      if (!Object.hasOwn(ys, key)) out.push({ path: pointer(path, key), kind: 'removed', before: xs[key] });
      else walk(xs[key], ys[key], pointer(path, key), out);
    }
    for (const key of Object.keys(ys)) {
      if (!Object.hasOwn(xs, key)) out.push({ path: pointer(path, key), kind: 'added', after: ys[key] });
    }
  } else if (a !== b) {
    out.push({ path, kind: 'changed', before: a, after: b });
  }
}

/** "3 changes: 1 added, 1 removed, 1 changed" */
export function describeJsonChanges(changes: JsonChange[]): string {
  if (changes.length === 0) return 'Same JSON';
  const counts = new Map<JsonChangeKind, number>();
  for (const c of changes) counts.set(c.kind, (counts.get(c.kind) ?? 0) + 1);
  const labels: [JsonChangeKind, string][] = [
    ['added', 'added'],
    ['removed', 'removed'],
    ['changed', 'changed'],
    ['type', 'type changed'],
  ];
  const parts = labels.filter(([k]) => counts.has(k)).map(([k, label]) => `${counts.get(k)} ${label}`);
  return `${changes.length} change${changes.length === 1 ? '' : 's'}: ${parts.join(', ')}`;
}

/**
 * The JSON object or array an answer consists of (a ``` fence around it is allowed), or
 * undefined when it is not one: plain prose, or a bare number or string, is diffed as words.
 */
export function parseJsonAnswer(text: string): Json | undefined {
  const trimmed = text.trim();
  const fenced = /^```[\w-]*\s*\n([\s\S]*?)\n?```$/.exec(trimmed);
  const body = (fenced ? fenced[1] : trimmed).trim();
  if (!body.startsWith('{') && !body.startsWith('[')) return undefined;
  try {
    return JSON.parse(body) as Json;
  } catch {
    return undefined;
  }
}

/** A short one-line rendering of a JSON value for the change table. */
export function formatJson(value: Json | undefined): string {
  if (value === undefined) return '';
  return JSON.stringify(value);
}
