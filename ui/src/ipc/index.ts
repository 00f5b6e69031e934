// The only module that talks to the Rust side. Components import from here, never from
// `@tauri-apps/*`, so tests can replace this one file and the UI stays runtime-agnostic.
import { Channel, invoke } from '@tauri-apps/api/core';
import { openUrl } from '@tauri-apps/plugin-opener';
import type {
  CustomProvider,
  ImportedKey,
  KeyStatus,
  LocalServer,
  ModelInfo,
  PaneEvent,
  PaneRequest,
  ProviderView,
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

/** A running pane: its id (for `stopPane`). Events arrive through `onEvent` until `done`. */
export async function startPane(request: PaneRequest, onEvent: (event: PaneEvent) => void): Promise<number> {
  const channel = new Channel<PaneEvent>();
  channel.onmessage = onEvent;
  return invoke<number>('start_pane', { request, onEvent: channel });
}

/** Stops one pane; what it streamed so far is kept and it still sends `done`. */
export function stopPane(id: number): Promise<void> {
  return invoke<void>('stop_pane', { id });
}

export function stopAll(): Promise<void> {
  return invoke<void>('stop_all');
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
