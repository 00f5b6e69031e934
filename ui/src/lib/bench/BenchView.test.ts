import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';

// The bench IPC (the only module of the view that reaches Rust) is replaced; pure helpers stay real.
vi.mock('./api', async (importOriginal) => ({
  ...(await importOriginal<typeof import('./api')>()),
  startBench: vi.fn(),
  stopBench: vi.fn(),
  listBenches: vi.fn(),
  getBench: vi.fn(),
  deleteBench: vi.fn(),
  exportBench: vi.fn(),
  saveChart: vi.fn(),
  readPromptSet: vi.fn(),
  chooseBenchSavePath: vi.fn(),
  choosePromptSetPath: vi.fn(),
}));
// jsdom draws no images: the PNG step is replaced (its failure path is tested through this mock too).
vi.mock('./svgexport', async (importOriginal) => ({
  ...(await importOriginal<typeof import('./svgexport')>()),
  svgToPng: vi.fn(),
}));

import type { PaneRequest } from '../../ipc';
import { benchReport, benchRun, plan } from '../../test/bench';
import {
  chooseBenchSavePath,
  choosePromptSetPath,
  deleteBench,
  exportBench,
  getBench,
  listBenches,
  readPromptSet,
  saveChart,
  startBench,
  stopBench,
  type BenchEvent,
  type BenchReport,
} from './api';
import BenchView from './BenchView.svelte';
import type { BenchPane } from './plan';
import { svgToPng } from './svgexport';

// jsdom has no ResizeObserver (bind:clientWidth uses it); charts then draw at their default width.
globalThis.ResizeObserver ??= class {
  observe() {}
  unobserve() {}
  disconnect() {}
};

const tick = () => new Promise((r) => setTimeout(r, 0));

function pane(provider: string, model: string, prompt = 'Explain {{topic}} briefly.'): BenchPane {
  const request: PaneRequest = { provider, model, system: null, messages: [{ role: 'user', content: prompt }], params: {}, fallbacks: [] };
  return { request, label: `${provider}/${model}` };
}

const PANES = [pane('openai', 'gpt-4o'), pane('openrouter', 'openai/gpt-4o'), pane('mock', 'echo')];

let emit: (e: BenchEvent) => void = () => {};

function renderView(panes = PANES) {
  const onclose = vi.fn();
  const result = render(BenchView, { panes, onclose });
  return { ...result, onclose };
}

async function startAndFinish(report: BenchReport) {
  await fireEvent.click(screen.getByTestId('bench-start'));
  await tick();
  emit({ type: 'finished', report });
  await tick();
}

beforeEach(() => {
  vi.mocked(startBench)
    .mockReset()
    .mockImplementation(async (_panes, _plan, onEvent) => {
      emit = onEvent;
      return 7;
    });
  vi.mocked(stopBench).mockReset().mockResolvedValue(undefined);
  vi.mocked(listBenches).mockReset().mockResolvedValue([]);
  vi.mocked(getBench).mockReset();
  vi.mocked(deleteBench).mockReset().mockResolvedValue(undefined);
  vi.mocked(exportBench).mockReset().mockResolvedValue(undefined);
  vi.mocked(saveChart).mockReset().mockResolvedValue(undefined);
  vi.mocked(readPromptSet).mockReset();
  vi.mocked(chooseBenchSavePath).mockReset();
  vi.mocked(choosePromptSetPath).mockReset();
  vi.mocked(svgToPng).mockReset();
});

describe('benchmark setup', () => {
  it('shows the request count and warns above 500', async () => {
    renderView();
    expect(screen.getByTestId('bench-count').textContent?.replace(/\s+/g, ' ').trim()).toBe('3 panes × 1 input × 20 reps = 60 requests');
    expect(screen.queryByTestId('bench-large')).toBeNull();
    await fireEvent.input(screen.getByTestId('bench-reps'), { target: { value: '200' } });
    expect(screen.getByTestId('bench-count').textContent).toContain('= 600 requests');
    expect(screen.getByTestId('bench-large').textContent).toContain('more than 500');
    await fireEvent.input(screen.getByTestId('bench-reps'), { target: { value: '0' } });
    expect((screen.getByTestId('bench-start') as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByTestId('bench-problem').textContent).toContain('Repetitions');
  });

  it('starts a bench with the pane requests and the plan from the form', async () => {
    renderView();
    await fireEvent.input(screen.getByTestId('bench-reps'), { target: { value: '5' } });
    await fireEvent.input(screen.getByTestId('bench-concurrency'), { target: { value: '2' } });
    await fireEvent.input(screen.getByTestId('bench-rps'), { target: { value: '1.5' } });
    await fireEvent.change(screen.getByTestId('bench-retries'), { target: { value: 'none' } });
    await fireEvent.click(screen.getByTestId('bench-start'));
    await tick();
    expect(startBench).toHaveBeenCalledTimes(1);
    const [requests, sentPlan] = vi.mocked(startBench).mock.calls[0];
    expect(requests.map((r) => `${r.provider}/${r.model}`)).toEqual(['openai/gpt-4o', 'openrouter/openai/gpt-4o', 'mock/echo']);
    expect(requests[0].messages).toEqual([{ role: 'user', content: 'Explain {{topic}} briefly.' }]);
    expect(sentPlan).toEqual({ repetitions: 5, concurrency: 2, rps: 1.5, inputs: [], retries: 0 });
    expect((screen.getByTestId('bench-start') as HTMLButtonElement).disabled).toBe(true);
  });

  it('loads a prompt set, counts its inputs and sends its rows', async () => {
    vi.mocked(choosePromptSetPath).mockResolvedValue('/data/topics.csv');
    vi.mocked(readPromptSet).mockResolvedValue([{ topic: 'tides' }, { topic: 'rain, mostly' }]);
    renderView();
    await fireEvent.click(screen.getByTestId('promptset-load'));
    await waitFor(() => expect(screen.getByTestId('promptset-loaded').textContent).toContain('2 inputs'));
    expect(readPromptSet).toHaveBeenCalledWith('/data/topics.csv');
    expect(screen.getByTestId('promptset-loaded').textContent).toContain('topics.csv');
    expect(screen.getByTestId('bench-count').textContent?.replace(/\s+/g, ' ')).toContain('3 panes × 2 inputs × 20 reps = 120 requests');
    await fireEvent.click(screen.getByTestId('bench-start'));
    expect(vi.mocked(startBench).mock.calls[0][1].inputs).toEqual([{ topic: 'tides' }, { topic: 'rain, mostly' }]);
  });

  it('says what is wrong with a prompt set and which variable no column fills', async () => {
    vi.mocked(choosePromptSetPath).mockResolvedValue('/data/bad.jsonl');
    vi.mocked(readPromptSet).mockRejectedValueOnce({ kind: 'invalid', message: '/data/bad.jsonl line 2: not a JSON object', retryable: false });
    renderView();
    await fireEvent.click(screen.getByTestId('promptset-load'));
    await waitFor(() => expect(screen.getByTestId('promptset-error').textContent).toContain('line 2: not a JSON object'));
    vi.mocked(readPromptSet).mockResolvedValueOnce([{ subject: 'tides' }]);
    await fireEvent.click(screen.getByTestId('promptset-load'));
    await waitFor(() => expect(screen.getByTestId('promptset-unfilled').textContent).toContain('{{topic}}'));
  });
});

describe('a running benchmark', () => {
  it('updates the progress bar and the per-pane counters from events, and stops', async () => {
    renderView();
    await fireEvent.click(screen.getByTestId('bench-start'));
    await tick();
    expect(screen.getByTestId('bench-eta').textContent).toBe('estimating…');
    emit({ type: 'run', run: benchRun({ pane: 0 }) });
    emit({ type: 'run', run: benchRun({ pane: 1, ok: false, error_class: 'rate_limited' }) });
    emit({ type: 'progress', done: 2, failed: 1, remaining: 58, elapsed_ms: 3000, eta_ms: 87_000 });
    await tick();
    expect(screen.getByTestId('bench-done').textContent).toBe('2');
    expect(screen.getByTestId('bench-failed').textContent).toBe('1');
    expect(screen.getByTestId('bench-remaining').textContent).toBe('58');
    expect(screen.getByTestId('bench-elapsed').textContent).toBe('3 s');
    expect(screen.getByTestId('bench-eta').textContent).toBe('about 1 min 27 s left');
    const bar = screen.getByTestId('bench-bar');
    expect(bar.getAttribute('aria-valuenow')).toBe('2');
    expect(bar.getAttribute('aria-valuemax')).toBe('60');
    expect((bar.querySelector('.ok') as HTMLElement).style.width).toBe(`${(1 / 60) * 100}%`);
    const counters = screen.getAllByTestId('bench-counter');
    expect(counters[0].textContent).toContain('✓ 1');
    expect(counters[1].textContent).toContain('✗ 1');

    await fireEvent.click(screen.getByTestId('bench-stop'));
    expect(stopBench).toHaveBeenCalledWith(7);
    expect(screen.getByTestId('bench-stop').textContent).toContain('Stopping');
    emit({ type: 'finished', report: benchReport({ stopped: true }) });
    await tick();
    expect(screen.queryByTestId('bench-stop')).toBeNull();
    expect(screen.getByTestId('results-stopped')).toBeTruthy();
  });

  it('says so when the bench does not start', async () => {
    vi.mocked(startBench).mockRejectedValue({ kind: 'config', message: 'No key for openrouter', retryable: false });
    renderView();
    await fireEvent.click(screen.getByTestId('bench-start'));
    await waitFor(() => expect(screen.getByTestId('bench-error').textContent).toContain('No key for openrouter'));
    expect((screen.getByTestId('bench-start') as HTMLButtonElement).disabled).toBe(false);
  });
});

describe('results', () => {
  it('renders the summary table from the finished report, routes of one model together', async () => {
    renderView();
    await startAndFinish(benchReport());
    const rows = screen.getAllByTestId('bench-row');
    expect(rows.map((r) => r.dataset.pane)).toEqual(['0', '1', '2']);
    const cell = (row: number, col: string) => rows[row].querySelector(`[data-col="${col}"]`) as HTMLElement;
    expect(cell(0, 'ttft-p50').textContent).toBe('120 ms');
    expect(cell(0, 'ttft-p99').textContent).toBe('198 ms');
    expect(cell(0, 'total-p95').textContent).toBe('880 ms');
    expect(cell(1, 'total-p50').textContent).toBe('1.20 s');
    expect(cell(1, 'errors').textContent).toBe('25%');
    expect(cell(1, 'errors').title).toBe('429 rate limited: 1');
    expect(cell(1, 'retries').textContent).toBe('2');
    expect(cell(1, 'cost-run').textContent).toBe('$0.000250');
    expect(cell(1, 'cost-1k').textContent).toBe('$0.2500');
    expect(cell(1, 'substituted').textContent).toBe('33.3%');
    expect(cell(1, 'substituted').title).toBe('Served: openai/gpt-4o ×2, openai/gpt-4o-mini ×1');
    expect(cell(2, 'cost-1k').textContent).toBe('—');
    expect(cell(0, 'tps-p50').textContent).toBe('80.0');
    const routes = screen.getAllByTestId('bench-group').find((g) => g.dataset.routes === 'true')!;
    expect(within(routes).getAllByTestId('bench-row').map((r) => r.dataset.pane)).toEqual(['0', '1']);
    expect(routes.textContent).toContain('2 routes');
    expect(screen.getByTestId('route-note').textContent).toContain('gpt-4o through openai, openrouter');
    expect(screen.getByTestId('results-meta').textContent).toContain('5 runs in 4 s');
  });

  it('draws three charts as SVG with the pane names in their legends', async () => {
    renderView();
    await startAndFinish(benchReport());
    const charts = screen.getAllByTestId('bench-chart');
    expect(charts).toHaveLength(3);
    for (const chart of charts) {
      const svg = chart.querySelector('svg');
      expect(svg).toBeTruthy();
      expect(svg!.getAttribute('role')).toBe('img');
      expect(svg!.getAttribute('aria-label')).toBeTruthy();
      expect(svg!.querySelector('style')).toBeNull(); // the CSP forbids inline styles
      const legend = within(chart).getByTestId('chart-legend').textContent;
      for (const name of ['openai/gpt-4o', 'openrouter/openai/gpt-4o', 'mock/echo']) expect(legend).toContain(name);
      expect(chart.querySelector('figcaption')!.textContent!.length).toBeGreaterThan(20);
    }
    expect(charts[0].querySelector('h3')!.textContent).toContain('total time');
    // The CDF draws one step line per pane with a success.
    expect(charts[0].querySelectorAll('svg [aria-label="line"] path')).toHaveLength(3);
    await fireEvent.click(within(charts[0]).getByTestId('metric-ttft'));
    expect(charts[0].querySelector('h3')!.textContent).toContain('time to first token');
    expect(charts[0].querySelector('svg')!.getAttribute('aria-label')).toContain('Time to first token');
    await fireEvent.click(within(charts[0]).getByTestId('shape-histogram'));
    expect(charts[0].querySelectorAll('svg [aria-label="rect"] rect').length).toBeGreaterThan(0);
    expect(charts[1].querySelectorAll('svg [aria-label="dot"] circle')).toHaveLength(4);
    // The unpriced mock pane is named, not plotted.
    expect(charts[2].querySelectorAll('svg [aria-label="dot"] circle')).toHaveLength(2);
    expect(charts[2].querySelector('figcaption')!.textContent).toContain('Not plotted (no price known): mock/echo');
  });

  it('exports a chart as SVG and PNG through the save dialog, and shows a PNG failure', async () => {
    renderView();
    await startAndFinish(benchReport());
    const scatter = screen.getAllByTestId('bench-chart')[1];
    vi.mocked(chooseBenchSavePath).mockResolvedValueOnce('/home/me/scatter.svg');
    await fireEvent.click(within(scatter).getByTestId('export-svg'));
    await waitFor(() => expect(saveChart).toHaveBeenCalledTimes(1));
    expect(chooseBenchSavePath).toHaveBeenCalledWith('bench-ttft-vs-total.svg', 'svg');
    const [path, data, kind] = vi.mocked(saveChart).mock.calls[0];
    expect([path, kind]).toEqual(['/home/me/scatter.svg', 'svg']);
    expect(typeof data).toBe('string');
    const svgText = data as string;
    expect(svgText.startsWith('<svg')).toBe(true);
    expect(svgText).toContain('xmlns="http://www.w3.org/2000/svg"');
    expect(svgText).toContain('Time to first token vs total time');
    expect(svgText).toContain('openrouter/openai/gpt-4o');
    expect(svgText).not.toContain('<style');
    expect(within(scatter).getByTestId('chart-message').textContent).toBe('Saved scatter.svg');

    const png = new Uint8Array([137, 80, 78, 71]);
    vi.mocked(svgToPng).mockResolvedValueOnce(png);
    vi.mocked(chooseBenchSavePath).mockResolvedValueOnce('/home/me/scatter.png');
    await fireEvent.click(within(scatter).getByTestId('export-png'));
    await waitFor(() => expect(saveChart).toHaveBeenCalledTimes(2));
    expect(vi.mocked(svgToPng).mock.calls[0][0]).toContain('Time to first token vs total time');
    expect(vi.mocked(saveChart).mock.calls[1]).toEqual(['/home/me/scatter.png', png, 'png']);

    vi.mocked(svgToPng).mockRejectedValueOnce(new Error('This window cannot draw on a canvas. Export the SVG instead.'));
    vi.mocked(chooseBenchSavePath).mockResolvedValueOnce('/home/me/scatter.png');
    await fireEvent.click(within(scatter).getByTestId('export-png'));
    await waitFor(() => expect(within(scatter).getByRole('alert').textContent).toContain('PNG export failed: This window cannot draw'));
    expect(saveChart).toHaveBeenCalledTimes(2);

    // A cancelled dialog saves nothing.
    vi.mocked(chooseBenchSavePath).mockResolvedValueOnce(null);
    await fireEvent.click(within(scatter).getByTestId('export-svg'));
    await tick();
    expect(saveChart).toHaveBeenCalledTimes(2);
  });

  it('exports the benchmark as CSV and JSON', async () => {
    renderView();
    await startAndFinish(benchReport());
    vi.mocked(chooseBenchSavePath).mockResolvedValueOnce('/tmp/b.csv');
    await fireEvent.click(screen.getByTestId('export-csv'));
    await waitFor(() => expect(exportBench).toHaveBeenCalledWith(expect.objectContaining({ started_at: benchReport().started_at }), 'csv', '/tmp/b.csv'));
    expect(vi.mocked(chooseBenchSavePath).mock.calls[0]).toEqual(['juxta-bench-2026-11-26-09-00.csv', 'csv']);
    vi.mocked(chooseBenchSavePath).mockResolvedValueOnce('/tmp/b.json');
    vi.mocked(exportBench).mockRejectedValueOnce({ kind: 'other', message: 'disk full', retryable: false });
    await fireEvent.click(screen.getByTestId('export-json'));
    await waitFor(() => expect(screen.getByTestId('results-message').textContent).toBe('JSON export failed: disk full'));
    expect(exportBench).toHaveBeenLastCalledWith(expect.objectContaining({ runs: benchReport().runs }), 'json', '/tmp/b.json');
  });

  it('shows the prompt-set grid for one repetition per input', async () => {
    renderView();
    const long = `${'word '.repeat(80)}end`;
    await startAndFinish(
      benchReport({
        plan: plan({ repetitions: 1, inputs: [{ topic: 'tides' }, { topic: 'rain' }] }),
        runs: [
          benchRun({ pane: 0, input: 0, text: long, ttft_ms: 150, total_ms: 1250 }),
          benchRun({ pane: 1, input: 0, ok: false, error_class: 'rate_limited', error: 'HTTP 429 Too Many Requests', text: '' }),
          benchRun({ pane: 2, input: 0, text: 'echo tides' }),
          benchRun({ pane: 0, input: 1, text: 'Rain falls.' }),
        ],
      }),
    );
    expect(screen.queryByTestId('bench-grid')).toBeNull();
    await fireEvent.click(screen.getByTestId('tab-grid'));
    const grid = screen.getByTestId('bench-grid');
    expect(screen.queryByTestId('bench-summary')).toBeNull();
    const rows = within(grid).getAllByTestId('grid-row');
    expect(rows.map((r) => r.querySelector('th')!.textContent)).toEqual(['topic=tides', 'topic=rain']);
    const cells = within(rows[0]).getAllByTestId('grid-cell');
    expect(cells.map((c) => c.dataset.state)).toEqual(['ok', 'failed', 'ok']);
    expect(cells[0].textContent).toContain('TTFT 150 ms · total 1.25 s');
    expect(cells[0].querySelector('.answer')!.textContent!.length).toBeLessThan(290);
    await fireEvent.click(within(cells[0]).getByTestId('grid-expand'));
    expect(cells[0].querySelector('.answer')!.textContent).toBe(long);
    expect(within(cells[1]).getByTestId('grid-error').textContent).toBe('429 rate limited');
    expect(within(rows[1]).getAllByTestId('grid-cell').map((c) => c.dataset.state)).toEqual(['ok', 'missing', 'missing']);
  });

  it('has no grid tab when runs repeat', async () => {
    renderView();
    await startAndFinish(benchReport({ plan: plan({ repetitions: 3, inputs: [{ topic: 'tides' }] }) }));
    expect(screen.queryByTestId('tab-grid')).toBeNull();
  });
});

describe('past benchmarks', () => {
  it('lists them, reopens one and deletes one', async () => {
    vi.mocked(listBenches).mockResolvedValue([
      { id: 3, name: 'openai/gpt-4o vs mock/echo', created_at: Date.UTC(2026, 10, 25, 10), elapsed_ms: 61_000, stopped: false, panes: ['openai/gpt-4o', 'mock/echo'], runs: 40, failed: 0 },
      { id: 2, name: 'openai/gpt-4o', created_at: Date.UTC(2026, 10, 24, 10), elapsed_ms: 5_000, stopped: true, panes: ['openai/gpt-4o'], runs: 3, failed: 1 },
    ]);
    vi.mocked(getBench).mockResolvedValue(benchReport());
    renderView();
    const items = await screen.findAllByTestId('past-bench');
    expect(items).toHaveLength(2);
    expect(items[0].textContent).toContain('2 panes · 40 runs · 1 min 01 s');
    expect(items[1].textContent).toContain('stopped');
    await fireEvent.click(within(items[0]).getByRole('button', { name: /openai\/gpt-4o, mock\/echo/ }));
    await waitFor(() => expect(screen.getByTestId('bench-summary')).toBeTruthy());
    expect(getBench).toHaveBeenCalledWith(3);
    vi.mocked(chooseBenchSavePath).mockResolvedValueOnce('/tmp/old.json');
    await fireEvent.click(screen.getByTestId('export-json'));
    await waitFor(() => expect(exportBench).toHaveBeenCalledWith(benchReport(), 'json', '/tmp/old.json'));

    await fireEvent.click(within(items[0]).getByTestId('past-delete'));
    await waitFor(() => expect(screen.getAllByTestId('past-bench')).toHaveLength(1));
    expect(deleteBench).toHaveBeenCalledWith(3);
    expect(screen.queryByTestId('bench-summary')).toBeNull();
  });

  it('goes back to the comparison, stopping a running bench first', async () => {
    const { onclose } = renderView();
    await fireEvent.click(screen.getByTestId('bench-start'));
    await tick();
    await fireEvent.click(screen.getByTestId('bench-back'));
    await waitFor(() => expect(onclose).toHaveBeenCalledTimes(1));
    expect(stopBench).toHaveBeenCalledWith(7);
  });
});
