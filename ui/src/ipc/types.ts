// Mirrors `ProviderSummary` in src-tauri/commands/providers.rs (serde camelCase).
// TODO(next issue): generate from Rust (tauri-specta / ts-rs) and check staleness in CI.

/** The wire protocol a provider speaks. */
export type Protocol = 'openai' | 'anthropic' | 'gemini';

/** A provider preset as the UI sees it: never a key, at most the name of its env variable. */
export interface ProviderSummary {
  id: string;
  name: string;
  protocol: Protocol;
  baseUrl: string;
  local: boolean;
  keyEnv: string | null;
}
