import type { Protocol } from '../../ipc';

export const PROTOCOL_LABELS: Record<Protocol, string> = {
  openai: 'OpenAI-compatible',
  'openai-responses': 'OpenAI Responses',
  anthropic: 'Anthropic Messages',
  gemini: 'Gemini',
  ollama: 'Ollama (native)',
};

/** A custom provider's id from its name: lower-case letters, digits and `-`. */
export function providerIdFromName(name: string): string {
  return name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48);
}
