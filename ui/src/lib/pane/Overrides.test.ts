import { fireEvent, screen, within } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('../../ipc', async (original) => (await import('../../test/ipcMock')).withPaneCommandsMocked(original));

import { startPane } from '../../test/ipcMock';
import { renderCompare, tick } from '../../test/compare';

beforeEach(() => {
  vi.mocked(startPane).mockReset();
});

async function openSettings(pane: HTMLElement) {
  await fireEvent.click(within(pane).getByTestId('pane-settings-toggle'));
  return within(pane).getByTestId('pane-overrides');
}

describe('per-pane overrides', () => {
  it('an override is marked, counted, and sent; the other pane keeps the shared value', async () => {
    const { comparison, started } = renderCompare([
      ['openai', 'gpt-4o'],
      ['anthropic', 'claude'],
    ]);
    comparison.shared = { temperature: 0.7, max_output_tokens: 256 };
    comparison.system = 'Shared system';
    await tick();
    const [first, second] = screen.getAllByTestId('pane');
    const settings = await openSettings(first);

    const temperature = within(settings).getByLabelText('Temperature') as HTMLInputElement;
    expect(temperature.value).toBe('');
    expect(temperature.placeholder).toBe('shared: 0.7');
    expect(within(settings).queryAllByTestId('override-mark')).toHaveLength(0);

    await fireEvent.change(temperature, { target: { value: '0.2' } });
    await fireEvent.input(within(settings).getByLabelText('System prompt'), { target: { value: 'Answer as a poet.' } });
    await fireEvent.change(within(settings).getByLabelText('Reasoning effort'), { target: { value: 'high' } });
    await fireEvent.change(within(settings).getByLabelText('Fallback models'), { target: { value: 'openai:gpt-4o-mini' } });

    expect(within(settings).getAllByTestId('override-mark')).toHaveLength(4);
    expect(settings.querySelector('[data-field="temperature"]')?.classList.contains('overridden')).toBe(true);
    expect(settings.querySelector('[data-field="top_p"]')?.classList.contains('overridden')).toBe(false);
    expect(within(first).getByTestId('pane-settings-toggle').textContent).toContain('4');

    comparison.prompt = 'go';
    await tick();
    await fireEvent.click(screen.getByTestId('run-button'));
    await tick();
    expect(started[0].request).toMatchObject({
      system: 'Answer as a poet.',
      params: { temperature: 0.2, max_output_tokens: 256, reasoning_effort: 'high' },
      fallbacks: [{ provider: 'openai', model: 'gpt-4o-mini' }],
    });
    expect(started[1].request.system).toBe('Shared system');
    expect(started[1].request.params).toEqual({ temperature: 0.7, max_output_tokens: 256 });
    expect(started[1].request.fallbacks).toEqual([]);
    expect(second.textContent).not.toContain('overridden');
  });

  it('reset to shared removes the override', async () => {
    const { comparison } = renderCompare([['openai', 'gpt-4o']]);
    const pane = screen.getByTestId('pane');
    const settings = await openSettings(pane);
    await fireEvent.change(within(settings).getByLabelText('Seed'), { target: { value: '42' } });
    expect(comparison.panes[0].overrides.params).toEqual({ seed: 42 });
    await fireEvent.click(within(settings).getByRole('button', { name: 'Reset Seed to shared' }));
    expect(comparison.panes[0].overrides.params).toEqual({});
    expect((within(settings).getByLabelText('Seed') as HTMLInputElement).value).toBe('');
    expect(within(settings).queryAllByTestId('override-mark')).toHaveLength(0);
  });

  it('copy to all gives every pane the value', async () => {
    const { comparison } = renderCompare([
      ['a', '1'],
      ['b', '2'],
      ['c', '3'],
    ]);
    const [first, , third] = screen.getAllByTestId('pane');
    const settings = await openSettings(first);
    await fireEvent.change(within(settings).getByLabelText('Stop sequences'), { target: { value: 'END\n###' } });
    await fireEvent.click(within(settings).getByRole('button', { name: 'Copy Stop sequences to all panes' }));
    expect(comparison.panes.map((p) => p.overrides.params.stop)).toEqual([
      ['END', '###'],
      ['END', '###'],
      ['END', '###'],
    ]);
    const thirdSettings = await openSettings(third);
    expect((within(thirdSettings).getByLabelText('Stop sequences') as HTMLTextAreaElement).value).toBe('END\n###');
    expect(within(thirdSettings).getAllByTestId('override-mark')).toHaveLength(1);
  });

  it('an invalid number is cleared instead of being kept silently', async () => {
    const { comparison } = renderCompare([['a', '1']]);
    const settings = await openSettings(screen.getByTestId('pane'));
    const topP = within(settings).getByLabelText('Top p') as HTMLInputElement;
    await fireEvent.change(topP, { target: { value: '7' } });
    expect(comparison.panes[0].overrides.params.top_p).toBe(1);
    expect(topP.value).toBe('1');
  });
});
