import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('../../ipc', async (original) => (await import('../../test/ipcMock')).withPaneCommandsMocked(original));

import { stopPane } from '../../ipc';
import { startPane } from '../../test/ipcMock';
import { ended, renderCompare, tick } from '../../test/compare';
import { delta, done, report, requestEvent } from '../../test/fixtures';

beforeEach(() => {
  vi.mocked(startPane).mockReset();
  vi.mocked(stopPane).mockReset().mockResolvedValue(undefined);
});

async function runAll(comparison: { prompt: string }) {
  comparison.prompt = 'Why is the sky blue?';
  await tick();
  await fireEvent.click(screen.getByTestId('run-button'));
  await tick();
}

/** One OpenAI pane, run; its events are sent with `started[0].emit`. */
async function runOnePane() {
  const { comparison, started } = renderCompare([['openai', 'gpt-4o']]);
  await runAll(comparison);
  return { pane: screen.getByTestId('pane'), started };
}

describe('a pane receiving a stream', () => {
  it('moves through the statuses, accumulates text and shows the metrics', async () => {
    const { comparison, started } = renderCompare([['openai', 'gpt-4o']]);
    const pane = screen.getByTestId('pane');
    expect(pane.dataset.paneIndex).toBe('0');
    expect(pane.dataset.status).toBe('idle');
    await runAll(comparison);
    expect(pane.dataset.status).toBe('connecting');
    const { emit } = started[0];

    emit(requestEvent());
    await tick();
    expect(pane.dataset.status).toBe('connecting');
    emit({ type: 'connected', attempt: 1, status: 200 });
    await tick();
    expect(pane.dataset.status).toBe('waiting');
    expect(within(pane).getByTestId('pane-status').textContent).toBe('waiting for first token');
    // Beside ×, where the title gives way: the status line keeps its room for the status.
    expect(pane.querySelector('header [data-testid="pane-stop"]')).toBeTruthy();

    emit(delta('The sky '));
    await tick();
    expect(pane.dataset.status).toBe('streaming');
    emit(delta('is **blue**.'));
    await waitFor(() => expect(within(pane).getByTestId('pane-text').querySelector('strong')?.textContent).toBe('blue'));
    expect(within(pane).getByTestId('pane-text').textContent).toContain('The sky is blue.');
    expect(within(pane).queryByTestId('pane-metrics')).toBeNull();

    emit({ type: 'usage', usage: { input_tokens: 12, output_tokens: 34, reasoning_tokens: 0, cached_tokens: 0 } });
    emit(done(report({ text: 'The sky is **blue**.' })));
    await tick();
    expect(pane.dataset.status).toBe('done');
    expect(within(pane).queryByTestId('pane-stop')).toBeNull();
    // The answer's last text first; its metrics a frame later.
    expect(within(pane).queryByTestId('pane-metrics')).toBeNull();
    await ended();
    const metrics = within(pane).getByTestId('pane-metrics');
    const metric = (name: string) => metrics.querySelector(`[data-metric="${name}"]`)?.textContent?.trim();
    expect(metric('ttft')).toBe('420 ms');
    expect(metric('total')).toBe('1.23 s');
    expect(metric('rate')).toBe('27.5 tok/s');
    expect(metric('input')).toBe('12');
    expect(metric('output')).toBe('34');
    expect(metric('cost')).toBe('$0.000123');
    expect(metric('finish')).toBe('stop');
    expect(within(metrics).getByTestId('served-model').textContent).toBe('gpt-4o-2024-08-06');
    expect(within(metrics).queryByTestId('substituted-badge')).toBeNull();
  });

  it('marks estimated metrics and shows a substituted model with both names and the upstream', async () => {
    const { comparison, started } = renderCompare([['openrouter', 'openai/gpt-4o']]);
    await runAll(comparison);
    started[0].emit(
      done(
        report({
          text: 'hi',
          model: 'openai/gpt-4o',
          served_model: 'openai/gpt-4o-mini',
          substituted: true,
          served_by: 'Azure',
          cost_usd: null,
          metrics: { ttft_ms: 100, total_ms: 200, output_tokens_per_s: 10, estimated: true },
        }),
      ),
    );
    await ended();
    const metrics = screen.getByTestId('pane-metrics');
    expect(within(metrics).getByTestId('substituted-badge')).toBeTruthy();
    expect(within(metrics).getByTestId('served-model').textContent).toBe('openai/gpt-4o-mini');
    expect(metrics.textContent).toContain('asked for openai/gpt-4o');
    expect(within(metrics).getByTestId('served-by').textContent).toBe('Azure');
    expect(metrics.querySelector('[data-metric="rate"]')?.textContent?.trim()).toBe('≈ 10.0 tok/s');
    expect(metrics.querySelector('[data-metric="output"]')?.textContent?.trim()).toBe('≈ 34');
    expect(metrics.querySelector('[data-metric="cost"]')?.textContent?.trim()).toBe('—');
  });

  it('keeps the newest text in sight while it streams, not before a run', async () => {
    // jsdom has no layout and no ResizeObserver: the body reports a fixed size and the test fires the observer.
    const fired: (() => void)[] = [];
    const original = globalThis.ResizeObserver;
    globalThis.ResizeObserver = class {
      constructor(callback: () => void) {
        fired.push(callback);
      }
      observe() {}
      unobserve() {}
      disconnect() {}
    } as unknown as typeof ResizeObserver;
    try {
      const { comparison, started } = renderCompare([['openai', 'gpt-4o']]);
      const body = screen.getByTestId('pane').querySelector<HTMLElement>('.body')!;
      Object.defineProperty(body, 'clientHeight', { value: 300 });
      Object.defineProperty(body, 'scrollHeight', { value: 2000 });
      const grow = () => fired.forEach((callback) => callback());
      grow();
      expect(body.scrollTop).toBe(0);
      await runAll(comparison);
      started[0].emit(requestEvent());
      started[0].emit(delta('A long answer'));
      await tick();
      grow();
      // The newest text a third of the way down, with room below it to fill in place.
      expect(body.scrollTop).toBe(1900);
      expect((body.firstElementChild as HTMLElement).style.paddingBottom).toBe('200px');
      expect(within(body).queryByTestId('pane-newest')).toBeNull();

      // The reader scrolls up to read: a button offers the way back while it streams.
      await fireEvent.wheel(body, { deltaY: -53 });
      body.scrollTop = 100;
      grow();
      expect(body.scrollTop).toBe(100);
      await fireEvent.click(within(body).getByTestId('pane-newest'));
      expect(body.scrollTop).toBe(1700); // (2000 - 200 of room) - 300 / 3
      expect(within(body).queryByTestId('pane-newest')).toBeNull();
      started[0].emit(done(report({ text: 'A long answer' })));
      await fireEvent.wheel(body, { deltaY: -53 });
      expect(within(body).queryByTestId('pane-newest')).toBeNull(); // nothing streams any more
    } finally {
      globalThis.ResizeObserver = original;
    }
  });

  it('the pane Stop button stops this pane and the partial text stays', async () => {
    const { comparison, started } = renderCompare([
      ['openai', 'gpt-4o'],
      ['anthropic', 'claude'],
    ]);
    await runAll(comparison);
    const [first, second] = screen.getAllByTestId('pane');
    started[0].emit(requestEvent());
    started[0].emit(delta('A partial ans'));
    started[1].emit(requestEvent());
    await tick();
    await fireEvent.click(within(first).getByTestId('pane-stop'));
    expect(stopPane).toHaveBeenCalledWith(1);
    expect(within(first).getByTestId('pane-status').textContent).toContain('stopping');
    started[0].emit(done(report({ text: '', finish_reason: 'cancelled' })));
    await tick();
    expect(first.dataset.status).toBe('stopped');
    await waitFor(() => expect(within(first).getByTestId('pane-text').textContent).toContain('A partial ans'));
    expect(first.textContent).toContain('the answer above is partial');
    expect(second.dataset.status).toBe('connecting');
  });

  it('a failure shows kind, message, a hint, and keeps the partial text', async () => {
    const { pane, started } = await runOnePane();
    started[0].emit(requestEvent());
    started[0].emit(delta('Half an'));
    started[0].emit(
      done(
        report({
          text: 'Half an',
          finish_reason: 'error',
          error: { kind: 'auth', status: 401, message: 'Incorrect API key provided', retryable: false },
          attempts: [{ provider: 'openai', model: 'gpt-4o', status: 401, error: null, waited_ms: 0 }],
        }),
      ),
    );
    await tick();
    expect(pane.dataset.status).toBe('failed');
    const error = within(pane).getByTestId('pane-error');
    expect(error.dataset.kind).toBe('auth');
    expect(error.textContent).toContain('HTTP 401');
    expect(error.textContent).toContain('Incorrect API key provided');
    expect(error.textContent).toContain('Providers');
    await waitFor(() => expect(within(pane).getByTestId('pane-text').textContent).toContain('Half an'));
  });

  it('shows retries in the status line and the attempt trail afterwards', async () => {
    const { pane, started } = await runOnePane();
    const err = { kind: 'rate_limited' as const, status: 429, message: 'rate limited', retryable: true };
    started[0].emit(requestEvent());
    started[0].emit({ type: 'retry', attempt: 1, error: err, wait_ms: 2000 });
    await tick();
    expect(pane.dataset.status).toBe('retrying');
    expect(within(pane).getByTestId('pane-status').textContent).toBe('retry 1 after 2.0 s: 429 rate limited');
    started[0].emit(requestEvent({ attempt: 2 }));
    started[0].emit(
      done(
        report({
          text: 'ok',
          attempts: [
            { provider: 'openai', model: 'gpt-4o', status: 429, error: err, waited_ms: 0 },
            { provider: 'openai', model: 'gpt-4o', status: 200, error: null, waited_ms: 2000 },
          ],
        }),
      ),
    );
    await ended();
    const attempts = within(pane).getAllByTestId('attempt');
    expect(attempts).toHaveLength(2);
    expect(attempts[0].textContent).toContain('rate_limited');
    expect(attempts[1].textContent).toContain('waited 2.00 s');
  });

  it('a run whose retries all failed names no served model, and its folded trail says each message once', async () => {
    const { pane, started } = await runOnePane();
    const err = { kind: 'rate_limited' as const, status: 429, message: 'Rate limit reached for requests', retryable: true };
    const attempt = (waited_ms: number) => ({ provider: 'openai', model: 'gpt-4o', status: 429, error: err, waited_ms });
    started[0].emit(
      done(
        report({
          served_model: null,
          finish_reason: 'error',
          usage: null,
          error: err,
          attempts: [attempt(0), attempt(1000), attempt(2000)],
        }),
      ),
    );
    await ended();
    expect(within(pane).getByTestId('pane-metrics')).toBeTruthy();
    expect(within(pane).queryByTestId('served-model')).toBeNull();
    const trail = within(pane).getByTestId('attempt-trail') as HTMLDetailsElement;
    expect(trail.open).toBe(false);
    expect(trail.querySelector('summary')?.textContent?.trim()).toBe('3 attempts: 429 → 429 → 429');
    const attempts = within(pane).getAllByTestId('attempt');
    expect(attempts.map((a) => (a.textContent?.match(/Rate limit reached/g) ?? []).length)).toEqual([1, 0, 0]);
    expect(attempts[2].textContent).toContain('same error');
    expect(attempts[2].textContent).toContain('waited 2.00 s');
  });

  it('says why an answer that arrived in one burst has no speed', async () => {
    const { pane, started } = await runOnePane();
    started[0].emit(done(report({ text: 'all at once', metrics: { ttft_ms: 3, total_ms: 3.02, output_tokens_per_s: null, estimated: false } })));
    await ended();
    const rate = pane.querySelector('[data-metric="rate"]') as HTMLElement;
    expect(rate.textContent?.trim()).toBe('—');
    expect(rate.title).toContain('arrived at once');
  });

  it('a pane whose start is rejected fails with that message and the others run', async () => {
    const { comparison, started } = renderCompare([
      ['nope', 'x'],
      ['openai', 'gpt-4o'],
    ]);
    vi.mocked(startPane).mockRejectedValueOnce('unknown provider: nope');
    await runAll(comparison);
    const [bad, good] = screen.getAllByTestId('pane');
    expect(bad.dataset.status).toBe('failed');
    expect(within(bad).getByTestId('pane-error').textContent).toContain('unknown provider: nope');
    expect(good.dataset.status).toBe('connecting');
    started[0].emit(delta('fine'));
    await tick();
    expect(good.dataset.status).toBe('streaming');
  });

  it('shows reasoning in a collapsible block that closes once the answer starts, and tool calls', async () => {
    const { comparison, started } = renderCompare([['anthropic', 'claude']]);
    await runAll(comparison);
    const pane = screen.getByTestId('pane');
    started[0].emit(delta('', 'Thinking about light…'));
    await tick();
    const details = pane.querySelector('details.reasoning') as HTMLDetailsElement;
    expect(details.open).toBe(true);
    expect(details.textContent).toContain('Thinking about light…');
    started[0].emit(delta('Rayleigh.'));
    await tick();
    expect(details.open).toBe(false);
    started[0].emit({ type: 'tool_call', call: { id: 'c1', name: 'lookup', arguments: { q: 'rayleigh' } } });
    await tick();
    const call = within(pane).getByTestId('tool-call');
    expect(call.textContent).toContain('lookup');
    expect(call.querySelector('pre')?.textContent).toBe('{\n  "q": "rayleigh"\n}');
  });

  it('panes move left and right', async () => {
    const { comparison } = renderCompare([
      ['p', 'a'],
      ['p', 'b'],
    ]);
    await fireEvent.click(screen.getByRole('button', { name: 'Move p · b left' }));
    expect(comparison.panes.map((p) => p.model)).toEqual(['b', 'a']);
    const panes = screen.getAllByTestId('pane');
    expect(panes.map((p) => p.dataset.paneIndex)).toEqual(['0', '1']);
    expect(panes[0].getAttribute('aria-label')).toContain('p · b');
    expect((screen.getByRole('button', { name: 'Move p · b left' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('the resize handle sets a width with the arrow keys and resets it on Enter/click', async () => {
    const { comparison } = renderCompare([['p', 'a']]);
    const handle = screen.getByRole('button', { name: /Resize p · a/ });
    await fireEvent.keyDown(handle, { key: 'ArrowRight' });
    // jsdom measures 0 px, so the width starts from the minimum (320).
    expect(comparison.panes[0].width).toBe(360);
    expect(screen.getByTestId('pane').style.width).toBe('360px');
    await fireEvent.click(handle);
    expect(comparison.panes[0].width).toBeNull();
    expect(screen.getByTestId('pane').style.width).toBe('');
  });

  it('a follow-up in one pane continues its conversation and shows the previous turn', async () => {
    const { comparison, started } = renderCompare([
      ['p', 'a'],
      ['p', 'b'],
    ]);
    await runAll(comparison);
    started[0].emit(done(report({ text: 'First answer' })));
    started[1].emit(done(report({ text: 'Other answer' })));
    await ended();
    const [first, second] = screen.getAllByTestId('pane');
    const input = within(first).getByTestId('pane-follow-up');
    await fireEvent.input(input, { target: { value: 'And at sunset?' } });
    await fireEvent.keyDown(input, { key: 'Enter', ctrlKey: true });
    await tick();
    expect(started).toHaveLength(3);
    expect(started[2].request.messages.map((m) => m.content)).toEqual(['Why is the sky blue?', 'First answer', 'And at sunset?']);
    expect(within(first).getAllByTestId('previous-turn')).toHaveLength(1);
    expect(within(first).getByTestId('previous-turn').textContent).toContain('Why is the sky blue?');
    expect(within(second).queryAllByTestId('previous-turn')).toHaveLength(0);
    expect(first.dataset.status).toBe('connecting');
  });

  it('the composer follow-up goes to every pane and New comparison clears them', async () => {
    const { comparison, started } = renderCompare([
      ['p', 'a'],
      ['p', 'b'],
    ]);
    await runAll(comparison);
    started[0].emit(done(report({ text: 'A' })));
    started[1].emit(done(report({ text: 'B' })));
    await tick();
    await fireEvent.input(screen.getByTestId('prompt-input'), { target: { value: 'more' } });
    await fireEvent.click(screen.getByTestId('follow-up-button'));
    await tick();
    expect(started).toHaveLength(4);
    expect(started[3].request.messages.map((m) => m.content)).toEqual(['Why is the sky blue?', 'B', 'more']);
    expect((screen.getByTestId('prompt-input') as HTMLTextAreaElement).value).toBe('');
    started[2].emit(done(report({ text: 'A2' })));
    started[3].emit(done(report({ text: 'B2' })));
    await tick();
    await fireEvent.click(screen.getByTestId('new-comparison-button'));
    expect(screen.getAllByTestId('pane').map((p) => p.dataset.status)).toEqual(['idle', 'idle']);
    expect(screen.queryAllByTestId('previous-turn')).toHaveLength(0);
  });
});
