// Tools and the response schema shared by every pane: drafts as the user types them, turned into
// what the engine takes, plus the canned results that continue a tool loop. Pure functions.
import type { JsonValue, Message, ResponseFormat, ToolCallRequest, ToolChoice, ToolSpec } from '../../ipc';

/** One tool as typed in the editor: the schema and the canned result are JSON text. */
export interface ToolDraft {
  name: string;
  description: string;
  parameters: string;
  /** The result every pane gets for a call of this tool ('' = ask). */
  canned: string;
}

export interface SchemaDraft {
  enabled: boolean;
  name: string;
  schema: string;
  strict: boolean;
}

export interface ToolSettings {
  tools: ToolDraft[];
  /** 'auto' | 'none' | 'required' | a tool's name. */
  choice: string;
  /** Continue panes with the canned results on their own, up to this many tool steps. */
  autoContinue: boolean;
  maxSteps: number;
  schema: SchemaDraft;
}

export function emptyToolSettings(): ToolSettings {
  return {
    tools: [],
    choice: 'auto',
    autoContinue: true,
    maxSteps: 4,
    schema: { enabled: false, name: 'answer', schema: '', strict: true },
  };
}

const pretty = (v: unknown) => JSON.stringify(v, null, 2);

/** Ready examples for the tools editor. */
export const TOOL_EXAMPLES: readonly ToolDraft[] = [
  {
    name: 'get_weather',
    description: 'Current weather in a city.',
    parameters: pretty({
      type: 'object',
      properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } },
      required: ['city'],
      additionalProperties: false,
    }),
    canned: pretty({ temperature: 21, conditions: 'sunny' }),
  },
  {
    name: 'search',
    description: 'Search the web and return the top results.',
    parameters: pretty({
      type: 'object',
      properties: { query: { type: 'string' }, limit: { type: 'integer', minimum: 1, maximum: 10 } },
      required: ['query'],
      additionalProperties: false,
    }),
    canned: pretty([{ title: 'Example result', url: 'https://example.com' }]),
  },
  {
    name: 'calculator',
    description: 'Evaluate an arithmetic expression.',
    parameters: pretty({
      type: 'object',
      properties: { expression: { type: 'string', description: 'e.g. (2 + 3) * 4' } },
      required: ['expression'],
      additionalProperties: false,
    }),
    canned: pretty({ result: 20 }),
  },
];

export const SCHEMA_EXAMPLE = pretty({
  type: 'object',
  properties: {
    name: { type: 'string' },
    population: { type: 'integer' },
    languages: { type: 'array', items: { type: 'string' } },
  },
  required: ['name', 'population', 'languages'],
  additionalProperties: false,
});

/** JSON text parsed, or the parser's complaint. */
export function parseJson(text: string): { value: JsonValue } | { error: string } {
  try {
    return { value: JSON.parse(text) as JsonValue };
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}

const NAME = /^[a-zA-Z0-9_-]{1,64}$/;

/** What is wrong with a tool draft as typed (before the schema check in Rust), or null. */
export function draftProblem(draft: ToolDraft, all: ToolDraft[]): string | null {
  if (!NAME.test(draft.name)) return 'name: 1–64 letters, digits, _ or -';
  if (all.filter((t) => t.name === draft.name).length > 1) return `two tools are named ${draft.name}`;
  const params = parseJson(draft.parameters);
  if ('error' in params) return `parameters: not JSON (${params.error})`;
  if (typeof params.value !== 'object' || params.value === null || Array.isArray(params.value)) {
    return 'parameters: a JSON Schema object';
  }
  if (draft.canned.trim() !== '' && 'error' in parseJson(draft.canned)) return 'canned result: not JSON';
  return null;
}

/** The tools the engine takes; drafts with problems are left out (the editor shows why). */
export function toolSpecs(settings: ToolSettings): ToolSpec[] {
  return settings.tools
    .filter((t) => draftProblem(t, settings.tools) === null)
    .map((t) => ({ name: t.name, description: t.description, parameters: JSON.parse(t.parameters) as JsonValue }));
}

export function toolChoice(settings: ToolSettings, specs: ToolSpec[]): ToolChoice | undefined {
  if (specs.length === 0) return undefined;
  switch (settings.choice) {
    case 'auto':
      return undefined; // every provider's default
    case 'none':
      return { type: 'none' };
    case 'required':
      return { type: 'required' };
    default:
      return specs.some((s) => s.name === settings.choice) ? { type: 'tool', name: settings.choice } : undefined;
  }
}

export function responseFormat(settings: ToolSettings): ResponseFormat | undefined {
  const s = settings.schema;
  if (!s.enabled) return undefined;
  const parsed = parseJson(s.schema);
  if ('error' in parsed) return undefined;
  return { name: NAME.test(s.name) ? s.name : 'answer', schema: parsed.value, strict: s.strict };
}

/** The result text a pane sends for one call: the canned one of its tool, or undefined. */
export function cannedResult(settings: ToolSettings, toolName: string | null): string | undefined {
  const t = settings.tools.find((d) => d.name === toolName);
  return t && t.canned.trim() !== '' ? t.canned : undefined;
}

/** A call's result as the user gives it to a pane. */
export interface ToolResult {
  call_id: string;
  name: string;
  content: string;
}

/** How a tool-result turn reads in the pane and in history: `[tool results] get_weather → {...}`. */
export function resultsSummary(results: ToolResult[]): string {
  const parts = results.map((r) => `${r.name} → ${compact(r.content)}`);
  return `[tool results] ${parts.join('; ')}`;
}

function compact(text: string): string {
  const parsed = parseJson(text);
  return 'value' in parsed ? JSON.stringify(parsed.value) : text;
}

/** The calls of a finished answer as they go back in the next request. */
export function callsOf(report: { tool_calls: { id: string; name: string; arguments: JsonValue }[] } | null): ToolCallRequest[] {
  return (report?.tool_calls ?? []).map((c) => ({ id: c.id, name: c.name, arguments: c.arguments }));
}

/** Tool messages for `results`, in call order. */
export function toolMessages(results: ToolResult[]): Message[] {
  return results.map((r) => ({ role: 'tool', call_id: r.call_id, name: r.name, content: r.content }));
}
