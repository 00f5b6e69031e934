// The only module that talks to the Rust side. Components import from here, never from
// `@tauri-apps/*`, so tests can replace this one file and the UI stays runtime-agnostic.
import { invoke } from '@tauri-apps/api/core';
import type { ProviderSummary } from './types';

export type { Protocol, ProviderSummary } from './types';

/** Every provider preset the engine knows, in catalog order. */
export function listProviders(): Promise<ProviderSummary[]> {
  return invoke<ProviderSummary[]>('list_providers');
}

/** A readable message from whatever a command rejected with (string, `{message}` or Error). */
export function errorMessage(err: unknown): string {
  if (typeof err === 'string') return err;
  if (err && typeof err === 'object' && 'message' in err && typeof err.message === 'string') {
    return err.message;
  }
  return 'Unexpected error from the app backend';
}
