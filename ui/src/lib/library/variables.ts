// `{{name}}` placeholders in a prompt and the table of test inputs that fills them. Pure: the
// composer's table, the library and the benchmark (grid and setup form) all use these; the one TS rule.
import type { PromptInputs } from '../../ipc';

export type { PromptInputs };

/**
 * `{{ name }}`, the engine's rule exactly (`engine/src/bench/template.rs`): a letter, digit or `_` first, then
 * letters, digits, `_`, `-` or `.`; white space inside the braces is allowed. "Letter" and "digit" and "white space"
 * are Rust's `char::is_alphabetic`, `is_numeric` and `is_whitespace`: the Unicode properties Alphabetic, N and
 * White_Space (so not `\p{L}`, which lacks combining vowel signs, nor `\s`, which also takes U+FEFF).
 */
const PLACEHOLDER = /\{\{\p{White_Space}*([\p{Alphabetic}\p{N}_][\p{Alphabetic}\p{N}_.-]*)\p{White_Space}*\}\}/gu;

/** The variables of the texts, each once, in order of first appearance. */
export function findVariables(...texts: string[]): string[] {
  const seen: string[] = [];
  for (const text of texts) {
    for (const match of text.matchAll(PLACEHOLDER)) {
      if (!seen.includes(match[1])) seen.push(match[1]);
    }
  }
  return seen;
}

/** A variable the template uses and the row does not give. */
export class TemplateError extends Error {
  constructor(readonly variable: string) {
    super(`unknown variable {{${variable}}}: add a column named "${variable}" to the test inputs`);
    this.name = 'TemplateError';
  }
}

/** `text` with every `{{name}}` replaced by `row[name]`; throws a TemplateError naming the first unknown one. */
export function fillTemplate(text: string, row: Record<string, string>): string {
  return text.replace(PLACEHOLDER, (_whole, name: string) => {
    if (!Object.hasOwn(row, name)) throw new TemplateError(name);
    return row[name];
  });
}

/** Row `index` of the table as `{column: value}`; undefined past the last row. */
export function rowAt(inputs: PromptInputs, index: number): Record<string, string> | undefined {
  const row = inputs.rows[index];
  if (!row) return undefined;
  return Object.fromEntries(inputs.columns.map((c, i) => [c, row[i] ?? '']));
}

export function emptyInputs(): PromptInputs {
  return { columns: [], rows: [] };
}

/**
 * The table with one column per variable, in the variables' order. Cells follow their column
 * by name; a column whose variable is gone is kept (after the others) while any of its cells
 * has text, so editing a placeholder does not throw typed inputs away.
 */
export function syncColumns(inputs: PromptInputs, variables: string[]): PromptInputs {
  const used = (c: number) => inputs.rows.some((r) => (r[c] ?? '') !== '');
  const stale = inputs.columns.filter((c, i) => !variables.includes(c) && used(i));
  const columns = [...variables, ...stale];
  if (columns.length === inputs.columns.length && columns.every((c, i) => c === inputs.columns[i])) return inputs;
  const rows = inputs.rows.map((row) =>
    columns.map((c) => {
      const at = inputs.columns.indexOf(c);
      return at >= 0 ? (row[at] ?? '') : '';
    }),
  );
  return { columns, rows };
}

export function addRow(inputs: PromptInputs): PromptInputs {
  return { ...inputs, rows: [...inputs.rows, inputs.columns.map(() => '')] };
}

export function removeRow(inputs: PromptInputs, index: number): PromptInputs {
  return { ...inputs, rows: inputs.rows.filter((_, i) => i !== index) };
}

export function setCell(inputs: PromptInputs, row: number, column: number, value: string): PromptInputs {
  return { ...inputs, rows: inputs.rows.map((r, i) => (i === row ? r.map((v, j) => (j === column ? value : v)) : r)) };
}

/** Drops a column (one whose variable is gone). */
export function removeColumn(inputs: PromptInputs, column: number): PromptInputs {
  return {
    columns: inputs.columns.filter((_, i) => i !== column),
    rows: inputs.rows.map((r) => r.filter((_, i) => i !== column)),
  };
}

/**
 * Lines pasted from a spreadsheet (tab-separated) or a CSV file (commas, "quoted, fields" with
 * "" for a quote, newlines inside quotes). Empty lines are skipped.
 */
export function parseDelimited(text: string): string[][] {
  const body = text.replace(/\r\n?/g, '\n');
  const firstLine = body.split('\n').find((l) => l.trim() !== '') ?? '';
  const separator = firstLine.includes('\t') ? '\t' : ',';
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    if (quoted) {
      if (ch === '"' && body[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"' && cell === '') quoted = true;
    else if (ch === separator) {
      row.push(cell);
      cell = '';
    } else if (ch === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += ch;
  }
  row.push(cell);
  rows.push(row);
  return rows.filter((r) => r.some((c) => c.trim() !== ''));
}

/**
 * The table after pasting `text`: its rows appended, each fitted to the columns (extra cells
 * dropped, missing ones empty). A first line that names exactly the columns is a header, not data.
 */
export function pasteRows(inputs: PromptInputs, text: string): PromptInputs {
  let rows = parseDelimited(text);
  const header = rows[0];
  if (header && header.length === inputs.columns.length && header.every((c, i) => c.trim() === inputs.columns[i])) {
    rows = rows.slice(1);
  }
  const fitted = rows.map((r) => inputs.columns.map((_, i) => r[i] ?? ''));
  return { ...inputs, rows: [...inputs.rows, ...fitted] };
}
