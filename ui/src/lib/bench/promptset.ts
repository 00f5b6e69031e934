// Prompt sets: a JSONL file (one object per line) or a CSV file (a header row naming the variables),
// parsed into the rows of `BenchPlan.inputs`. Pure: the file's text comes from `read_prompt_set`.
import { csvParse } from 'd3-dsv';

export type PromptRow = Record<string, string>;

export type PromptSetResult = { ok: true; rows: PromptRow[]; columns: string[] } | { ok: false; error: string };

/** The most rows a prompt set may have: past that the request count is no longer a benchmark one sets by hand. */
export const MAX_PROMPT_ROWS = 10_000;

/** Parses by extension (`.jsonl`/`.ndjson` → JSONL, `.csv` → CSV); other names are sniffed from the first character. */
export function parsePromptSet(path: string, text: string): PromptSetResult {
  const lower = path.toLowerCase();
  const body = text.replace(/^\uFEFF/, ''); // a BOM from spreadsheet exports
  const jsonl = lower.endsWith('.jsonl') || lower.endsWith('.ndjson') || (!lower.endsWith('.csv') && body.trimStart().startsWith('{'));
  const result = jsonl ? parseJsonl(body) : parseCsv(body);
  if (!result.ok) return result;
  if (result.rows.length === 0) return { ok: false, error: 'The prompt set has no rows. Add at least one input (a JSON object per line, or CSV rows under a header).' };
  if (result.rows.length > MAX_PROMPT_ROWS) return { ok: false, error: `The prompt set has ${result.rows.length} rows; at most ${MAX_PROMPT_ROWS} are allowed. Split the file.` };
  return result;
}

/** One JSON object per line; blank lines skipped; values become strings (objects and arrays as JSON). */
export function parseJsonl(text: string): PromptSetResult {
  const rows: PromptRow[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      return { ok: false, error: `Line ${i + 1} is not valid JSON. Each line must be one object, like {"topic": "tides"}.` };
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      return { ok: false, error: `Line ${i + 1} is not a JSON object. Each line must be one object, like {"topic": "tides"}.` };
    }
    const row: PromptRow = {};
    for (const [k, v] of Object.entries(value)) row[k] = stringify(v);
    rows.push(row);
  }
  return { ok: true, rows, columns: columnsOf(rows) };
}

/** RFC 4180 CSV (quoted fields, embedded commas and newlines) with a header row of variable names. */
export function parseCsv(text: string): PromptSetResult {
  if (text.trim() === '') return { ok: true, rows: [], columns: [] };
  const parsed = csvParse(text);
  const columns = parsed.columns.map((c) => c.trim());
  if (columns.some((c) => c === '')) return { ok: false, error: 'The CSV header has an empty column name. The first row must name every column (the {{variables}}).' };
  const rows = parsed
    .map((r) => Object.fromEntries(parsed.columns.map((c, i) => [columns[i], r[c] ?? ''])) as PromptRow)
    .filter((r) => Object.values(r).some((v) => v.trim() !== '')); // a trailing blank line is not an input
  return { ok: true, rows, columns };
}

function stringify(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

function columnsOf(rows: PromptRow[]): string[] {
  const seen = new Set<string>();
  for (const r of rows) for (const k of Object.keys(r)) seen.add(k);
  return [...seen];
}

/** The `{{name}}` placeholders of a template, in order of first use: the engine's rule (letters, digits, `_`,
 *  `-`, `.`, not starting with `-` or `.`; spaces inside the braces allowed). */
export function templateVars(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/\{\{\s*([\p{L}\p{N}_][\p{L}\p{N}_.-]*)\s*\}\}/gu)) if (!out.includes(m[1])) out.push(m[1]);
  return out;
}
