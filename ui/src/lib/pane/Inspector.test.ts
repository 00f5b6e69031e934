import { fireEvent, screen, within } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('../../ipc', async (original) => (await import('../../test/ipcMock')).withPaneCommandsMocked(original));

import { startPane } from '../../test/ipcMock';
import { renderCompare, tick } from '../../test/compare';
import { done, report, requestEvent } from '../../test/fixtures';

beforeEach(() => {
  vi.mocked(startPane).mockReset();
});

describe('Inspector', () => {
  it('shows URL, headers, body, mapping and raw stream of each attempt', async () => {
    const { comparison, started } = renderCompare([['anthropic', 'claude-sonnet']]);
    const pane = screen.getByTestId('pane');
    await fireEvent.click(within(pane).getByTestId('pane-inspector-toggle'));
    expect(within(pane).getByTestId('inspector').textContent).toContain('Run to see');

    comparison.prompt = 'hi';
    await tick();
    await fireEvent.click(screen.getByTestId('run-button'));
    await tick();
    started[0].emit(
      requestEvent({
        url: 'https://api.anthropic.com/v1/messages',
        headers: [
          ['x-api-key', '••••abcd'],
          ['anthropic-version', '2023-06-01'],
        ],
        body: { model: 'claude-sonnet', max_tokens: 1024, temperature: 1 },
        mapping: [
          { param: 'temperature', action: 'clamped', from: 1.5, to: 1, reason: 'Anthropic accepts 0–1' },
          { param: 'seed', action: 'dropped', from: 42, reason: 'not supported' },
        ],
      }),
    );
    started[0].emit({ type: 'connected', attempt: 1, status: 200 });
    started[0].emit({ type: 'raw', text: 'event: message_start\n' });
    started[0].emit({ type: 'raw', text: 'data: {"type":"message_start"}\n' });
    await tick();

    const inspector = within(pane).getByTestId('inspector');
    expect(within(inspector).getByTestId('inspector-url').textContent).toBe('https://api.anthropic.com/v1/messages');
    const headers = within(inspector).getByRole('table', { name: 'Request headers' });
    const headerRows = within(headers).getAllByRole('row').slice(1).map((r) => r.textContent);
    expect(headerRows).toEqual(['x-api-key••••abcd', 'anthropic-version2023-06-01']);
    expect(within(inspector).getByTestId('inspector-body').textContent).toBe(
      JSON.stringify({ model: 'claude-sonnet', max_tokens: 1024, temperature: 1 }, null, 2),
    );
    const mapping = within(inspector).getAllByTestId('mapping-row');
    expect(mapping).toHaveLength(2);
    expect(mapping[0].textContent).toContain('temperature');
    expect(mapping[0].textContent).toContain('clamped');
    expect(mapping[0].textContent).toContain('1.5 → 1');
    expect(mapping[0].textContent).toContain('Anthropic accepts 0–1');
    expect(mapping[1].textContent).toContain('42 → —');
    expect(within(inspector).getByTestId('inspector-raw').textContent).toBe(
      'event: message_start\ndata: {"type":"message_start"}\n',
    );
  });

  it('lists every attempt, the last one open', async () => {
    const { comparison, started } = renderCompare([['openai', 'gpt-4o']]);
    comparison.prompt = 'hi';
    await tick();
    await fireEvent.click(screen.getByTestId('run-button'));
    await tick();
    started[0].emit(requestEvent({ url: 'https://one.example/v1/chat/completions' }));
    started[0].emit({ type: 'retry', attempt: 1, error: { kind: 'server', status: 500, message: 'boom', retryable: true }, wait_ms: 500 });
    started[0].emit(requestEvent({ attempt: 2, url: 'https://two.example/v1/chat/completions' }));
    started[0].emit(done(report({ text: 'ok' })));
    await tick();
    const pane = screen.getByTestId('pane');
    await fireEvent.click(within(pane).getByTestId('pane-inspector-toggle'));
    const attempts = within(pane).getAllByTestId('inspector-attempt') as HTMLDetailsElement[];
    expect(attempts).toHaveLength(2);
    expect(attempts.map((a) => a.open)).toEqual([false, true]);
    expect(attempts[1].textContent).toContain('https://two.example');
    expect(attempts[1].textContent).toContain('Sent as asked');
  });
});
