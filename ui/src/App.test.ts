import { render, screen, within } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { ProviderSummary } from './ipc';

// Replace the IPC module (the only one that reaches Rust) and keep its pure helpers.
vi.mock('./ipc', async (importOriginal) => ({
  ...(await importOriginal<typeof import('./ipc')>()),
  listProviders: vi.fn(),
}));

import { listProviders } from './ipc';
import App from './App.svelte';

const providers: ProviderSummary[] = [
  { id: 'openai', name: 'OpenAI', protocol: 'openai', baseUrl: 'https://api.openai.com/v1', local: false, keyEnv: 'OPENAI_API_KEY' },
  { id: 'anthropic', name: 'Anthropic', protocol: 'anthropic', baseUrl: 'https://api.anthropic.com/v1', local: false, keyEnv: 'ANTHROPIC_API_KEY' },
  { id: 'ollama', name: 'Ollama', protocol: 'openai', baseUrl: 'http://localhost:11434/v1', local: true, keyEnv: null },
];

describe('App', () => {
  beforeEach(() => {
    vi.mocked(listProviders).mockReset();
  });

  it('shows the app name and description', async () => {
    vi.mocked(listProviders).mockResolvedValue([]);
    render(App);
    expect(screen.getByRole('heading', { level: 1, name: 'Juxta' })).toBeTruthy();
    expect(screen.getByText(/compare their answers side by side/)).toBeTruthy();
    expect(await screen.findByText('No providers configured.')).toBeTruthy();
  });

  it('renders every provider with protocol, base URL and a local badge', async () => {
    vi.mocked(listProviders).mockResolvedValue(providers);
    render(App);

    const items = await screen.findAllByTestId('provider');
    expect(items.map((li) => within(li).getByText(/^(OpenAI|Anthropic|Ollama)$/).textContent)).toEqual([
      'OpenAI',
      'Anthropic',
      'Ollama',
    ]);
    expect(within(items[0]).getByText('https://api.openai.com/v1')).toBeTruthy();
    expect(within(items[1]).getByText('Anthropic Messages')).toBeTruthy();
    expect(within(items[2]).getByText('OpenAI-compatible')).toBeTruthy();

    // Only the local server carries the badge.
    expect(within(items[2]).queryByText('local')).toBeTruthy();
    expect(within(items[0]).queryByText('local')).toBeNull();
    expect(within(items[1]).queryByText('local')).toBeNull();
    expect(screen.getByText('3 available · 1 local')).toBeTruthy();
    expect(listProviders).toHaveBeenCalledTimes(1);
  });

  it('says so when the backend fails', async () => {
    vi.mocked(listProviders).mockRejectedValue('Command list_providers not allowed by ACL');
    render(App);
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('not allowed by ACL');
    expect(screen.queryAllByTestId('provider')).toHaveLength(0);
  });
});
