// The only module that talks to the Rust side. Components import from here, never from
// `@tauri-apps/*`, so tests can replace this one file and the UI stays runtime-agnostic.
import { Channel, invoke } from '@tauri-apps/api/core';
import { open as openDialog, save as saveDialog } from '@tauri-apps/plugin-dialog';
import { openUrl } from '@tauri-apps/plugin-opener';
import type {
  Comparison,
  CustomProvider,
  ExportFormat,
  ImportedKey,
  KeyStatus,
  Leaderboard,
  LocalServer,
  ModelInfo,
  NewVote,
  PaneEvent,
  PaneRequest,
  Prompt,
  PromptDraft,
  PromptFilter,
  PromptSummary,
  PromptVariant,
  ProviderView,
  RankMethod,
  RecordTurn,
  SearchHit,
  StartedTurn,
  Summary,
  Vote,
  VariantDraft,
} from './types';

export type * from './types';

// ---- Providers and keys (keys go into the OS keychain in Rust; none ever comes back) -----------

/** Every provider: bundled presets, then the user's custom ones, each with its key status. */
export function listProviders(): Promise<ProviderView[]> {
  return invoke<ProviderView[]>('list_providers');
}

/** Stores `key` in the OS keychain for `provider`; returns the new status (last four characters). */
export function setKey(provider: string, key: string): Promise<KeyStatus> {
  return invoke<KeyStatus>('set_key', { provider, key });
}

export function deleteKey(provider: string): Promise<KeyStatus> {
  return invoke<KeyStatus>('delete_key', { provider });
}

/** Copies keys from the usual environment variables into the keychain (only when the user asks). */
export function importEnvKeys(): Promise<ImportedKey[]> {
  return invoke<ImportedKey[]>('import_env_keys');
}

/** Lists the provider's models with its stored key: resolves with them, or rejects with the provider's error. */
export function testConnection(provider: string): Promise<ModelInfo[]> {
  return invoke<ModelInfo[]>('test_connection', { provider });
}

/** The provider's models (cached for the session after the first successful call). */
export function listModels(provider: string): Promise<ModelInfo[]> {
  return invoke<ModelInfo[]>('list_models', { provider });
}

export function saveCustomProvider(provider: CustomProvider): Promise<ProviderView> {
  return invoke<ProviderView>('save_custom_provider', { provider });
}

export function deleteCustomProvider(id: string): Promise<void> {
  return invoke<void>('delete_custom_provider', { id });
}

/** Looks for Ollama (11434), LM Studio (1234), llama.cpp (8080) and vLLM (8000) on this machine. */
export function detectLocalServers(): Promise<LocalServer[]> {
  return invoke<LocalServer[]>('detect_local_servers');
}

/** Starts the built-in mock provider (no key, scripted answers) and returns its provider id. */
export function startDemoServer(): Promise<ProviderView> {
  return invoke<ProviderView>('start_demo_server');
}

// ---- Running panes ---------------------------------------------------------------------------

/** Records `turn` in history (unless private mode is on) and starts its panes, in one call: `requests[i]` is
 * `turn.panes[i]`, and its events arrive through `onEvents[i]` until `done`. Each started pane has an id (for
 * `stopPane`); a pane that cannot start says why, and history that cannot save the turn never stops it. */
export function startTurn(turn: RecordTurn, requests: PaneRequest[], onEvents: ((event: PaneEvent) => void)[]): Promise<StartedTurn> {
  const channels = onEvents.map((onEvent) => {
    const channel = new Channel<PaneEvent>();
    channel.onmessage = onEvent;
    return channel;
  });
  return invoke<StartedTurn>('start_turn', { turn, requests, onEvents: channels });
}

/** Stops one pane; what it streamed so far is kept and it still sends `done`. */
export function stopPane(id: number): Promise<void> {
  return invoke<void>('stop_pane', { id });
}

export function stopAll(): Promise<void> {
  return invoke<void>('stop_all');
}

/** Resolves when `schema` is a usable JSON Schema; rejects with the first problem. */
export function checkSchema(schema: unknown): Promise<void> {
  return invoke<void>('check_schema', { schema });
}

// ---- History (SQLite in Rust; every run is recorded unless private mode is on) -------------------

/** Saved comparisons, pinned first, newest next. */
export function listComparisons(limit: number, offset: number): Promise<Summary[]> {
  return invoke<Summary[]>('list_comparisons', { limit, offset });
}

/** Full-text search over prompts and answers. */
export function searchHistory(query: string, limit: number): Promise<SearchHit[]> {
  return invoke<SearchHit[]>('search_history', { query, limit });
}

export function getComparison(id: number): Promise<Comparison> {
  return invoke<Comparison>('get_comparison', { id });
}

export function renameComparison(id: number, title: string): Promise<void> {
  return invoke<void>('rename_comparison', { id, title });
}

export function pinComparison(id: number, pinned: boolean): Promise<void> {
  return invoke<void>('pin_comparison', { id, pinned });
}

/** Soft delete: `restoreComparison` undoes it. */
export function deleteComparison(id: number): Promise<void> {
  return invoke<void>('delete_comparison', { id });
}

export function restoreComparison(id: number): Promise<void> {
  return invoke<void>('restore_comparison', { id });
}

/** 1 to 5 stars, or null to clear. Tauri maps `paneId` to the Rust `pane_id` parameter. */
export function ratePane(paneId: number, rating: number | null): Promise<void> {
  return invoke<void>('rate_pane', { paneId, rating });
}

export function setPaneNote(paneId: number, note: string): Promise<void> {
  return invoke<void>('set_pane_note', { paneId, note });
}

export function exportComparison(id: number, format: ExportFormat, path: string): Promise<void> {
  return invoke<void>('export_comparison', { id, format, path });
}

/** Imports a JSON/JSONL export; resolves with the new comparison ids. */
export function importComparisons(path: string): Promise<number[]> {
  return invoke<number[]>('import_comparisons', { path });
}

export function getPrivateMode(): Promise<boolean> {
  return invoke<boolean>('get_private_mode');
}

export function setPrivateMode(on: boolean): Promise<void> {
  return invoke<void>('set_private_mode', { on });
}

/** Something the user should know once about the history file (set aside as damaged, last write error). */
export function historyNotice(): Promise<string | null> {
  return invoke<string | null>('history_notice');
}

// ---- Blind votes and the leaderboard (stored with the history; ratings computed in Rust) ---------

/** Records a blind vote (candidates in the real pane order); resolves with its id. */
export function recordVote(vote: NewVote): Promise<number> {
  return invoke<number>('record_vote', { vote });
}

/** The most recent votes, newest first. */
export function listVotes(limit: number): Promise<Vote[]> {
  return invoke<Vote[]>('list_votes', { limit });
}

export function deleteVote(id: number): Promise<void> {
  return invoke<void>('delete_vote', { id });
}

/** Forgets every vote; resolves with how many there were. */
export function clearVotes(): Promise<number> {
  return invoke<number>('clear_votes');
}

/** Every model that took part in a vote, ranked by Elo or Bradley–Terry. */
export function leaderboard(method: RankMethod): Promise<Leaderboard> {
  return invoke<Leaderboard>('leaderboard', { method });
}

// ---- The prompt library (kept in the history database, also in private mode) -------------------

/** Creates a prompt, or updates the one with the same name (any letter case). */
export function savePrompt(prompt: PromptDraft): Promise<Prompt> {
  return invoke<Prompt>('save_prompt', { prompt });
}

/** The library, most recently saved first: `text` words must all match, `tag` is a whole tag. */
export function listPrompts(filter: PromptFilter): Promise<PromptSummary[]> {
  return invoke<PromptSummary[]>('list_prompts', { filter });
}

export function getPrompt(id: number): Promise<Prompt> {
  return invoke<Prompt>('get_prompt', { id });
}

/** Deletes the prompt and its variants. */
export function deletePrompt(id: number): Promise<void> {
  return invoke<void>('delete_prompt', { id });
}

/** Creates a variant, or updates the one for the same prompt, provider, model and label. */
export function saveVariant(variant: VariantDraft): Promise<PromptVariant> {
  return invoke<PromptVariant>('save_variant', { variant });
}

export function deleteVariant(id: number): Promise<void> {
  return invoke<void>('delete_variant', { id });
}

/** The export formats, their labels and file extensions (also the save dialog's filter). */
export const EXPORT_FORMATS: readonly { format: ExportFormat; label: string; extension: string }[] = [
  { format: 'markdown', label: 'Markdown', extension: 'md' },
  { format: 'html', label: 'HTML', extension: 'html' },
  { format: 'json', label: 'JSON', extension: 'json' },
  { format: 'jsonl', label: 'JSONL', extension: 'jsonl' },
  { format: 'csv', label: 'CSV', extension: 'csv' },
];

/** The system save dialog for an export; null when the user cancels. */
export function chooseSavePath(defaultName: string, format: ExportFormat): Promise<string | null> {
  const kind = EXPORT_FORMATS.find((f) => f.format === format) ?? EXPORT_FORMATS[0];
  return saveDialog({ defaultPath: defaultName, filters: [{ name: kind.label, extensions: [kind.extension] }] });
}

/** The system open dialog for an import (JSON or JSONL exports); null when the user cancels. */
export async function chooseImportPath(): Promise<string | null> {
  const path = await openDialog({ filters: [{ name: 'Juxta export', extensions: ['json', 'jsonl'] }], multiple: false });
  return typeof path === 'string' ? path : null;
}

// ---- The system ------------------------------------------------------------------------------

/** Opens an http(s) link in the system browser (never inside the app). */
export async function openExternal(url: string): Promise<void> {
  if (!/^https?:\/\//i.test(url)) return;
  await openUrl(url);
}

/** A readable message from whatever a command rejected with: an `IpcError` `{kind, message, provider?, status?, retryable}`, or a string or Error from Tauri itself. */
export function errorMessage(err: unknown): string {
  if (typeof err === 'string') return err;
  if (err && typeof err === 'object' && 'message' in err && typeof err.message === 'string') {
    return err.message;
  }
  return 'Unexpected error from the app backend';
}
