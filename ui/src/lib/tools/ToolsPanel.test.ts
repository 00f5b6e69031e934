// The tools editor, tool calls with their verdict, the results form and the structured-output verdict, in the real Compare view.
import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('../../ipc', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../ipc')>()),
  startTurn: (await import('../../test/ipcMock')).startTurn,
  stopPane: vi.fn(),
  stopAll: vi.fn(),
  listModels: vi.fn(),
  checkSchema: vi.fn(),
}));

import { checkSchema } from '../../ipc';
import { startPane } from '../../test/ipcMock';
import { renderCompare, tick } from '../../test/compare';
import { done, report } from '../../test/fixtures';

beforeEach(() => {
  vi.mocked(startPane).mockReset();
  vi.mocked(checkSchema).mockReset().mockResolvedValue(undefined);
});

describe('the tools editor', () => {
  it('adds an example tool, checks its schema as the user types and offers it as the tool choice', async () => {
    renderCompare([['openai', 'gpt-4o']]);
    await fireEvent.click(screen.getByTestId('tools-toggle'));
    await fireEvent.change(screen.getByTestId('add-tool'), { target: { value: 'get_weather' } });
    await tick();
    expect(screen.getAllByTestId('tool-draft')).toHaveLength(1);
    await waitFor(() => expect(checkSchema).toHaveBeenCalled());
    await waitFor(() => expect(screen.getByTestId('tool-problem').textContent).toContain('✓ valid JSON Schema'));
    expect(within(screen.getByTestId('tool-choice')).getByText('only get_weather')).toBeTruthy();

    // Broken JSON is caught at once; a schema Rust rejects shows Rust's reason.
    await fireEvent.input(screen.getByTestId('tool-parameters'), { target: { value: '{"type": ' } });
    await tick();
    expect(screen.getByTestId('tool-problem').textContent).toMatch(/✗ parameters: not JSON/);
    vi.mocked(checkSchema).mockRejectedValue({ kind: 'invalid_request', message: 'not a valid JSON Schema: "strin" is not valid', retryable: false });
    await fireEvent.input(screen.getByTestId('tool-parameters'), { target: { value: '{"type": "strin"}' } });
    await waitFor(() => expect(screen.getByTestId('tool-problem').textContent).toContain('"strin" is not valid'));
  });
});

describe('a pane with tools', () => {
  it('shows each call with its verdict, then asks for the results when none is canned', async () => {
    const { comparison, started } = renderCompare([['openai', 'gpt-4o']]);
    comparison.tools.tools = [{ name: 'get_weather', description: '', parameters: '{"type":"object"}', canned: '' }];
    comparison.prompt = 'Weather?';
    await tick();
    await fireEvent.click(screen.getByTestId('run-button'));
    await tick();
    started[0].emit(
      done(
        report({
          finish_reason: 'tool_calls',
          tool_calls: [
            { id: 'c1', name: 'get_weather', arguments: { city: 'Paris' }, check: { valid: true, violations: [] } },
            { id: 'c2', name: 'get_weather', arguments: { city: 7 }, check: { valid: false, violations: [{ path: '/city', message: '7 is not of type "string"' }] } },
          ],
        }),
      ),
    );
    await tick();
    const calls = screen.getAllByTestId('tool-call');
    expect(calls.map((c) => c.dataset.valid)).toEqual(['true', 'false']);
    expect(within(calls[1]).getByTestId('tool-call-check').textContent).toContain('/city: 7 is not of type "string"');

    const inputs = screen.getAllByTestId('tool-result-input');
    expect(inputs).toHaveLength(2);
    const send = screen.getByTestId('send-tool-results') as HTMLButtonElement;
    expect(send.disabled).toBe(true);
    await fireEvent.input(inputs[0], { target: { value: '{"t": 21}' } });
    await fireEvent.input(inputs[1], { target: { value: 'unknown city' } });
    await tick();
    expect(send.disabled).toBe(false);
    await fireEvent.click(send);
    await tick();
    expect(started).toHaveLength(2);
    expect(started[1].request.messages.slice(-2)).toEqual([
      { role: 'tool', call_id: 'c1', name: 'get_weather', content: '{"t": 21}' },
      { role: 'tool', call_id: 'c2', name: 'get_weather', content: 'unknown city' },
    ]);
    expect(screen.queryByTestId('tool-results')).toBeNull();
  });

  it('shows whether a structured answer matches the schema, and the parsed JSON', async () => {
    const { comparison, started } = renderCompare([['openai', 'gpt-4o']]);
    comparison.prompt = 'A city as JSON';
    await tick();
    await fireEvent.click(screen.getByTestId('run-button'));
    await tick();
    started[0].emit(
      done(
        report({
          text: '{"name": "Oslo"}',
          structured: {
            source: 'text',
            parsed: { name: 'Oslo' },
            check: { valid: false, violations: [{ path: '', message: '"population" is a required property' }] },
          },
        }),
      ),
    );
    await tick();
    const s = screen.getByTestId('structured-result');
    expect(s.dataset.valid).toBe('false');
    expect(s.textContent).toContain('"population" is a required property');
    expect(screen.getByTestId('structured-json').textContent).toContain('"Oslo"');
  });
});
