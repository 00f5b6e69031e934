// Prompt sets: the rows of `BenchPlan.inputs`, read and parsed by the engine (`read_prompt_set`: JSONL or CSV,
// errors naming the line); here only the checks the setup form shows and the columns they bring.
export type PromptRow = Record<string, string>;

export type PromptSetResult = { ok: true; rows: PromptRow[]; columns: string[] } | { ok: false; error: string };

/** The most rows a prompt set may have: past that the request count is no longer a benchmark one sets by hand. */
export const MAX_PROMPT_ROWS = 10_000;

/** The engine's rows, checked: at least one, at most MAX_PROMPT_ROWS; columns in order of first appearance. */
export function promptRows(raw: Array<{ [key in string]?: string }>): PromptSetResult {
  const rows: PromptRow[] = raw.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v ?? ''])));
  if (rows.length === 0) return { ok: false, error: 'The prompt set has no rows. Add at least one input (a JSON object per line, or CSV rows under a header).' };
  if (rows.length > MAX_PROMPT_ROWS) return { ok: false, error: `The prompt set has ${rows.length} rows; at most ${MAX_PROMPT_ROWS} are allowed. Split the file.` };
  return { ok: true, rows, columns: columnsOf(rows) };
}

function columnsOf(rows: PromptRow[]): string[] {
  const seen = new Set<string>();
  for (const r of rows) for (const k of Object.keys(r)) seen.add(k);
  return [...seen];
}
