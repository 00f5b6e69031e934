// UI preferences and layout in localStorage. Never keys, never answers.
import type { DataCollection, Params, PromptInputs, TargetRef } from '../../ipc';
import type { LibraryRef } from '../library/library';
import { emptyToolSettings, type ToolSettings } from '../tools/tools';
import { compactParams, parseTarget, type Overrides } from './params';
import { compactRouting } from './routing';

const LAYOUT_KEY = 'juxta.layout.v1';
const PREFS_KEY = 'juxta.prefs.v1';

export interface SavedPane {
  provider: string;
  model: string;
  overrides: Overrides;
  width: number | null;
}

export interface SavedLayout {
  system: string;
  shared: Params;
  panes: SavedPane[];
  /** Tools, tool choice and the response schema (absent in layouts saved before they existed). */
  tools?: ToolSettings;
  /** The test inputs of the prompt's `{{variables}}`. */
  inputs?: PromptInputs;
  /** The library prompt the composer holds. */
  libraryPrompt?: LibraryRef | null;
}

export interface Prefs {
  firstRunDismissed: boolean;
  systemOpen: boolean;
  paramsOpen: boolean;
  /** The history sidebar of the Compare view. */
  historyOpen: boolean;
}

export const DEFAULT_PREFS: Prefs = { firstRunDismissed: false, systemOpen: false, paramsOpen: false, historyOpen: true };

function storage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

function readJson(key: string): unknown {
  const raw = storage()?.getItem(key);
  if (!raw) return null;
  try {
    return JSON.parse(raw);
  } catch {
    return null;
  }
}

function writeJson(key: string, value: unknown): void {
  try {
    storage()?.setItem(key, JSON.stringify(value));
  } catch {
    // Storage full or disabled: layout is a convenience, not data.
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function cleanParams(v: unknown): Params {
  if (!isRecord(v)) return {};
  const p: Params = {};
  if (typeof v.temperature === 'number') p.temperature = v.temperature;
  if (typeof v.top_p === 'number') p.top_p = v.top_p;
  if (typeof v.max_output_tokens === 'number') p.max_output_tokens = v.max_output_tokens;
  if (Array.isArray(v.stop)) p.stop = v.stop.filter((s): s is string => typeof s === 'string');
  if (typeof v.seed === 'number') p.seed = v.seed;
  if (v.reasoning_effort === 'minimal' || v.reasoning_effort === 'low' || v.reasoning_effort === 'medium' || v.reasoning_effort === 'high') {
    p.reasoning_effort = v.reasoning_effort;
  }
  if (typeof v.thinking_budget === 'number') p.thinking_budget = v.thinking_budget;
  return compactParams(p);
}

function cleanOverrides(v: unknown): Overrides {
  if (!isRecord(v)) return { params: {} };
  const o: Overrides = { params: cleanParams(v.params) };
  if (typeof v.system === 'string') o.system = v.system;
  if (Array.isArray(v.fallbacks)) {
    const targets = v.fallbacks.flatMap((t): TargetRef[] => {
      if (!isRecord(t) || typeof t.provider !== 'string' || typeof t.model !== 'string') return [];
      const target = parseTarget(`${t.provider}:${t.model}`);
      return target ? [target] : [];
    });
    if (targets.length > 0) o.fallbacks = targets;
  }
  if (isRecord(v.routing)) {
    const r = v.routing;
    const strings = (x: unknown) => (Array.isArray(x) ? x.filter((s): s is string => typeof s === 'string') : undefined);
    const flag = (x: unknown) => (typeof x === 'boolean' ? x : undefined);
    const routing = compactRouting({
      order: strings(r.order),
      allow_fallbacks: flag(r.allow_fallbacks),
      require_parameters: flag(r.require_parameters),
      data_collection: r.data_collection === 'allow' || r.data_collection === 'deny' ? (r.data_collection as DataCollection) : undefined,
      zdr: flag(r.zdr),
      quantizations: strings(r.quantizations),
      sort: typeof r.sort === 'string' ? r.sort : undefined,
    });
    if (routing) o.routing = routing;
  }
  if (v.protocol === 'openai-responses') o.protocol = 'openai-responses';
  return o;
}

function cleanTools(v: unknown): ToolSettings {
  const t = emptyToolSettings();
  if (!isRecord(v)) return t;
  const str = (x: unknown, fallback = '') => (typeof x === 'string' ? x : fallback);
  if (Array.isArray(v.tools)) {
    t.tools = v.tools.flatMap((d) =>
      isRecord(d) ? [{ name: str(d.name), description: str(d.description), parameters: str(d.parameters), canned: str(d.canned) }] : [],
    );
  }
  if (typeof v.choice === 'string') t.choice = v.choice;
  if (typeof v.autoContinue === 'boolean') t.autoContinue = v.autoContinue;
  if (typeof v.maxSteps === 'number' && v.maxSteps >= 1 && v.maxSteps <= 20) t.maxSteps = Math.floor(v.maxSteps);
  if (isRecord(v.schema)) {
    const s = v.schema;
    t.schema = { enabled: s.enabled === true, name: str(s.name, 'answer'), schema: str(s.schema), strict: s.strict !== false };
  }
  return t;
}

function cleanInputs(v: unknown): PromptInputs {
  if (!isRecord(v) || !Array.isArray(v.columns) || !Array.isArray(v.rows)) return { columns: [], rows: [] };
  const columns = v.columns.filter((c): c is string => typeof c === 'string');
  const rows = v.rows.flatMap((r): string[][] =>
    Array.isArray(r) ? [columns.map((_, i) => (typeof r[i] === 'string' ? (r[i] as string) : ''))] : [],
  );
  return { columns, rows };
}

function cleanLibraryRef(v: unknown): LibraryRef | null {
  return isRecord(v) && typeof v.id === 'number' && typeof v.name === 'string' ? { id: v.id, name: v.name } : null;
}

export function loadLayout(): SavedLayout | null {
  const v = readJson(LAYOUT_KEY);
  if (!isRecord(v)) return null;
  const panes = Array.isArray(v.panes)
    ? v.panes.flatMap((p): SavedPane[] => {
        if (!isRecord(p) || typeof p.provider !== 'string' || typeof p.model !== 'string') return [];
        const width = typeof p.width === 'number' && p.width >= 200 ? p.width : null;
        return [{ provider: p.provider, model: p.model, overrides: cleanOverrides(p.overrides), width }];
      })
    : [];
  return {
    system: typeof v.system === 'string' ? v.system : '',
    shared: cleanParams(v.shared),
    panes,
    tools: cleanTools(v.tools),
    inputs: cleanInputs(v.inputs),
    libraryPrompt: cleanLibraryRef(v.libraryPrompt),
  };
}

export function saveLayout(layout: SavedLayout): void {
  writeJson(LAYOUT_KEY, layout);
}

export function loadPrefs(): Prefs {
  const v = readJson(PREFS_KEY);
  if (!isRecord(v)) return { ...DEFAULT_PREFS };
  return {
    firstRunDismissed: v.firstRunDismissed === true,
    systemOpen: v.systemOpen === true,
    paramsOpen: v.paramsOpen === true,
    historyOpen: v.historyOpen !== false,
  };
}

export function savePrefs(prefs: Prefs): void {
  writeJson(PREFS_KEY, prefs);
}
