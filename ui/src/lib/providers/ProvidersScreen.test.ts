import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('../../ipc', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../ipc')>()),
  listProviders: vi.fn(),
  setKey: vi.fn(),
  deleteKey: vi.fn(),
  importEnvKeys: vi.fn(),
  testConnection: vi.fn(),
  saveCustomProvider: vi.fn(),
  deleteCustomProvider: vi.fn(),
}));

import { deleteCustomProvider, deleteKey, importEnvKeys, listProviders, saveCustomProvider, setKey, testConnection } from '../../ipc';
import { provider } from '../../test/fixtures';
import { ProvidersState } from '../state/providers.svelte';
import ProvidersScreen from './ProvidersScreen.svelte';

const openai = provider();
const anthropic = provider({
  id: 'anthropic',
  name: 'Anthropic',
  protocol: 'anthropic',
  base_url: 'https://api.anthropic.com/v1',
  key_env: 'ANTHROPIC_API_KEY',
  key: { state: 'present', last4: 'wxyz' },
});
const ollama = provider({ id: 'ollama', name: 'Ollama', base_url: 'http://localhost:11434/v1', local: true, key_env: null, key: { state: 'not_needed' } });

async function setup(list = [openai, anthropic, ollama]) {
  vi.mocked(listProviders).mockResolvedValue(list);
  const providers = new ProvidersState();
  await providers.load();
  render(ProvidersScreen, { providers });
  return providers;
}

const row = (id: string) => screen.getAllByTestId('provider-row').find((r) => r.dataset.providerId === id)!;

beforeEach(() => {
  for (const f of [listProviders, setKey, deleteKey, importEnvKeys, testConnection, saveCustomProvider, deleteCustomProvider]) vi.mocked(f).mockReset();
});

describe('Providers screen', () => {
  it('lists every provider with protocol, URL, local badge and key status', async () => {
    await setup();
    expect(screen.getAllByTestId('provider-row').map((r) => r.dataset.providerId)).toEqual(['openai', 'anthropic', 'ollama']);
    expect(within(row('openai')).getByTestId('key-status').textContent).toContain('no key');
    expect(within(row('anthropic')).getByTestId('key-status').textContent).toContain('•••• wxyz');
    expect(within(row('anthropic')).getByText('Anthropic Messages')).toBeTruthy();
    expect(within(row('ollama')).getByTestId('key-status').textContent).toContain('no key needed');
    expect(within(row('ollama')).queryByText('local')).toBeTruthy();
    expect(within(row('openai')).queryByText('local')).toBeNull();
    expect(within(row('openai')).getByText('https://api.openai.com/v1')).toBeTruthy();
    expect(screen.queryByTestId('keychain-banner')).toBeNull();
  });

  it('saves a key through setKey, clears the input and shows the last four', async () => {
    vi.mocked(setKey).mockResolvedValue({ state: 'present', last4: '9f3a' });
    const providers = await setup();
    const input = within(row('openai')).getByTestId('key-input') as HTMLInputElement;
    expect(input.type).toBe('password');
    await fireEvent.input(input, { target: { value: 'sk-test-0000009f3a' } });
    await fireEvent.click(within(row('openai')).getByTestId('key-save'));
    expect(setKey).toHaveBeenCalledWith('openai', 'sk-test-0000009f3a');
    expect(input.value).toBe('');
    await waitFor(() => expect(within(row('openai')).getByTestId('key-status').textContent).toContain('•••• 9f3a'));
    // The key is nowhere in the page or the store once saved.
    expect(document.body.innerHTML).not.toContain('sk-test-0000009f3a');
    expect(JSON.stringify(providers.list)).not.toContain('sk-test');
    expect(within(row('openai')).queryByTestId('key-input')).toBeNull();
  });

  it('a failed save shows the error and still clears the input', async () => {
    vi.mocked(setKey).mockRejectedValue({ kind: 'keychain', message: 'keychain locked' });
    await setup();
    const input = within(row('openai')).getByTestId('key-input') as HTMLInputElement;
    await fireEvent.input(input, { target: { value: 'sk-secret' } });
    await fireEvent.click(within(row('openai')).getByTestId('key-save'));
    expect(await within(row('openai')).findByRole('alert')).toHaveProperty('textContent', 'keychain locked');
    expect(input.value).toBe('');
  });

  it('replaces and deletes a key', async () => {
    vi.mocked(deleteKey).mockResolvedValue({ state: 'absent' });
    vi.mocked(setKey).mockResolvedValue({ state: 'present', last4: 'new1' });
    await setup();
    const r = row('anthropic');
    expect(within(r).queryByTestId('key-input')).toBeNull();
    await fireEvent.click(within(r).getByRole('button', { name: 'Replace' }));
    await fireEvent.input(within(r).getByTestId('key-input'), { target: { value: 'sk-ant-new1' } });
    await fireEvent.click(within(r).getByTestId('key-save'));
    await waitFor(() => expect(within(r).getByTestId('key-status').textContent).toContain('•••• new1'));
    await fireEvent.click(within(r).getByRole('button', { name: 'Delete the key of Anthropic' }));
    expect(deleteKey).toHaveBeenCalledWith('anthropic');
    await waitFor(() => expect(within(r).getByTestId('key-status').dataset.state).toBe('absent'));
  });

  it('test connection shows the model count or the error', async () => {
    vi.mocked(testConnection).mockResolvedValueOnce([{ id: 'a' }, { id: 'b' }, { id: 'c' }]).mockRejectedValueOnce('401 Unauthorized: invalid x-api-key');
    await setup();
    await fireEvent.click(within(row('ollama')).getByTestId('test-connection'));
    await waitFor(() => expect(within(row('ollama')).getByTestId('test-result').textContent).toContain('OK: 3 models'));
    expect(testConnection).toHaveBeenCalledWith('ollama');
    await fireEvent.click(within(row('anthropic')).getByTestId('test-connection'));
    await waitFor(() => expect(within(row('anthropic')).getByTestId('test-result').textContent).toContain('401 Unauthorized: invalid x-api-key'));
  });

  it('a clear banner when the keychain is unavailable', async () => {
    await setup([provider({ key: { state: 'unavailable', message: 'no Secret Service provider' } }), ollama]);
    const banner = screen.getByTestId('keychain-banner');
    expect(banner.textContent).toContain('Keys cannot be stored');
    expect(banner.textContent).toContain('no Secret Service provider');
    expect(banner.textContent).toContain('local servers');
    expect(within(row('openai')).getByTestId('key-status').textContent).toContain('keychain unavailable');
  });

  it('imports keys from the environment and reloads the statuses', async () => {
    await setup();
    vi.mocked(importEnvKeys).mockResolvedValue([{ provider: 'openai', env_var: 'OPENAI_API_KEY', last4: '7777' }]);
    vi.mocked(listProviders).mockResolvedValue([{ ...openai, key: { state: 'present', last4: '7777' } }, anthropic, ollama]);
    await fireEvent.click(screen.getByTestId('import-env-button'));
    const result = await screen.findByTestId('import-result');
    expect(result.textContent).toContain('Imported 1 key');
    expect(result.textContent).toContain('OpenAI');
    expect(result.textContent).toContain('OPENAI_API_KEY');
    expect(result.textContent).toContain('•••• 7777');
    await waitFor(() => expect(within(row('openai')).getByTestId('key-status').textContent).toContain('•••• 7777'));
  });

  it('says when the environment had no keys', async () => {
    await setup();
    vi.mocked(importEnvKeys).mockResolvedValue([]);
    await fireEvent.click(screen.getByTestId('import-env-button'));
    expect((await screen.findByTestId('import-result')).textContent).toContain('No keys found');
  });

  it('adds a custom provider with an id derived from its name and extra headers', async () => {
    await setup();
    vi.mocked(saveCustomProvider).mockImplementation(async (p) =>
      provider({ ...p, local: false, key_env: null, custom: true, key: { state: 'absent' } }),
    );
    await fireEvent.click(screen.getByRole('button', { name: '+ Custom provider' }));
    const form = screen.getByTestId('custom-provider-form');
    await fireEvent.input(within(form).getByLabelText('Name'), { target: { value: 'My vLLM Box!' } });
    expect(within(form).getByTestId('custom-id').textContent).toBe('my-vllm-box');
    await fireEvent.change(within(form).getByLabelText('Protocol'), { target: { value: 'anthropic' } });
    await fireEvent.input(within(form).getByLabelText('Base URL'), { target: { value: 'http://10.0.0.5:8000/v1' } });
    await fireEvent.click(within(form).getByRole('button', { name: '+ Header' }));
    await fireEvent.input(within(form).getByLabelText('Header 1 name'), { target: { value: 'X-Team' } });
    await fireEvent.input(within(form).getByLabelText('Header 1 value'), { target: { value: 'research' } });
    await fireEvent.input(within(form).getByLabelText('Panes at once'), { target: { value: 'two' } });
    expect((within(form).getByRole('button', { name: 'Save provider' }) as HTMLButtonElement).disabled).toBe(true);
    await fireEvent.input(within(form).getByLabelText('Panes at once'), { target: { value: '1' } });
    await fireEvent.click(within(form).getByRole('button', { name: 'Save provider' }));
    expect(saveCustomProvider).toHaveBeenCalledWith({
      id: 'my-vllm-box',
      name: 'My vLLM Box!',
      protocol: 'anthropic',
      base_url: 'http://10.0.0.5:8000/v1',
      extra_headers: { 'X-Team': 'research' },
      max_concurrent: 1,
    });
    await waitFor(() => expect(row('my-vllm-box')).toBeTruthy());
    expect(screen.queryByTestId('custom-provider-form')).toBeNull();
  });

  it('refuses an id that is taken and a URL without a scheme', async () => {
    await setup();
    await fireEvent.click(screen.getByRole('button', { name: '+ Custom provider' }));
    const form = screen.getByTestId('custom-provider-form');
    await fireEvent.input(within(form).getByLabelText('Name'), { target: { value: 'Ollama' } });
    const save = within(form).getByRole('button', { name: 'Save provider' }) as HTMLButtonElement;
    expect(save.disabled).toBe(true);
    expect(form.textContent).toContain('already exists');
    await fireEvent.input(within(form).getByLabelText('Name'), { target: { value: 'Other' } });
    await fireEvent.input(within(form).getByLabelText('Base URL'), { target: { value: 'localhost:8000' } });
    expect(save.disabled).toBe(true);
    expect(form.textContent).toContain('http://');
  });

  it('edits and deletes a custom provider', async () => {
    const custom = provider({ id: 'lab', name: 'Lab', custom: true, base_url: 'http://lab:8000/v1', extra_headers: { 'X-A': '1' } });
    await setup([openai, custom]);
    vi.mocked(saveCustomProvider).mockImplementation(async (p) => ({ ...custom, ...p }));
    await fireEvent.click(within(row('lab')).getByRole('button', { name: 'Edit' }));
    const form = screen.getByTestId('custom-provider-form');
    expect((within(form).getByLabelText('Header 1 name') as HTMLInputElement).value).toBe('X-A');
    await fireEvent.input(within(form).getByLabelText('Name'), { target: { value: 'Lab 2' } });
    expect(within(form).getByTestId('custom-id').textContent).toBe('lab');
    await fireEvent.click(within(form).getByRole('button', { name: 'Save provider' }));
    expect(vi.mocked(saveCustomProvider).mock.calls[0][0]).toMatchObject({ id: 'lab', name: 'Lab 2' });
    await waitFor(() => expect(row('lab').textContent).toContain('Lab 2'));

    vi.mocked(deleteCustomProvider).mockResolvedValue(undefined);
    const del = within(row('lab')).getByRole('button', { name: 'Delete' });
    await fireEvent.click(del);
    expect(deleteCustomProvider).not.toHaveBeenCalled();
    await fireEvent.click(within(row('lab')).getByRole('button', { name: 'Confirm delete' }));
    expect(deleteCustomProvider).toHaveBeenCalledWith('lab');
    await waitFor(() => expect(screen.getAllByTestId('provider-row').map((r) => r.dataset.providerId)).toEqual(['openai']));
  });
});
