// One benchmark screen's state: the setup form, the run in progress (folded from its events), the report on
// screen (the one just run, or a past one reopened), and the list of past benchmarks.
import {
  choosePromptSetPath,
  deleteBench,
  errorMessage,
  getBench,
  listBenches,
  readPromptSet,
  startBench,
  stopBench,
  type BenchEvent,
  type BenchListItem,
  type BenchReport,
} from './api';
import { applyBenchEvent, newLive, type LiveBench } from './live';
import { DEFAULT_SETUP, requestCount, setupProblem, toPlan, type BenchPane, type BenchSetup } from './plan';
import { promptRows } from './promptset';

export type Phase = 'setup' | 'running' | 'done';

export class BenchSession {
  setup: BenchSetup = $state({ ...DEFAULT_SETUP });
  phase: Phase = $state('setup');
  live: LiveBench = $state(newLive(0));
  /** The saved benchmark reopened from the list (highlighted there); null for the one just run. */
  shownId: number | null = $state(null);
  /** A past benchmark reopened from the list (its report replaces the live one on screen). */
  past: BenchReport | null = $state(null);
  /** Starting, stopping or the run itself went wrong. */
  error: string | null = $state(null);
  promptSetError: string | null = $state(null);
  history: BenchListItem[] = $state([]);
  historyError: string | null = $state(null);
  stopping: boolean = $state(false);
  /** The id of the benchmark running now. */
  private runningId: number | null = null;
  private stopAsked = false;

  constructor(
    readonly panes: BenchPane[],
    initial: Partial<BenchSetup> = {},
  ) {
    this.setup = { ...DEFAULT_SETUP, ...initial };
  }

  get expected(): number {
    return requestCount(this.panes.length, this.setup.inputs.length, this.setup.repetitions);
  }

  get problem(): string | null {
    return setupProblem(this.setup, this.panes.length);
  }

  /** The finished report on screen: a reopened past one, else the one just run. */
  get report(): BenchReport | null {
    return this.past ?? this.live.report;
  }

  async start(): Promise<void> {
    if (this.phase === 'running' || this.problem) return;
    this.error = null;
    this.past = null;
    this.shownId = null;
    this.stopping = false;
    this.stopAsked = false;
    this.live = newLive(this.panes.length);
    this.phase = 'running';
    const requests = $state.snapshot(this.panes.map((p) => p.request)) as BenchPane['request'][];
    try {
      const id = await startBench(requests, toPlan($state.snapshot(this.setup) as BenchSetup), (e) => this.apply(e));
      this.runningId = this.phase === 'running' ? id : null;
      if (this.stopAsked && this.runningId !== null) await this.sendStop(this.runningId);
    } catch (err) {
      this.phase = 'setup';
      this.error = `The benchmark did not start: ${errorMessage(err)}`;
    }
  }

  apply(event: BenchEvent): void {
    this.live = applyBenchEvent(this.live, event);
    if (event.type === 'finished') {
      this.phase = 'done';
      this.runningId = null;
      this.stopping = false;
      void this.refreshHistory();
    }
  }

  /** Stops the running benchmark; its `finished` report (with the runs so far) still arrives. */
  async stop(): Promise<void> {
    if (this.phase !== 'running' || this.stopping) return;
    this.stopping = true;
    if (this.runningId === null) {
      this.stopAsked = true; // startBench has not resolved yet: stop as soon as it does
      return;
    }
    await this.sendStop(this.runningId);
  }

  private async sendStop(id: number): Promise<void> {
    try {
      await stopBench(id);
    } catch (err) {
      this.stopping = false;
      this.error = `Could not stop the benchmark: ${errorMessage(err)}`;
    }
  }

  /** Back to the setup form (the last report stays in the past list). */
  reset(): void {
    if (this.phase === 'running') return;
    this.phase = 'setup';
    this.past = null;
  }

  async loadPromptSet(): Promise<void> {
    this.promptSetError = null;
    try {
      const path = await choosePromptSetPath();
      if (!path) return;
      const parsed = promptRows(await readPromptSet(path));
      if (!parsed.ok) {
        this.promptSetError = parsed.error;
        return;
      }
      this.setup.inputs = parsed.rows;
      this.setup.inputsPath = path;
    } catch (err) {
      this.promptSetError = `The prompt set could not be read: ${errorMessage(err)}`;
    }
  }

  clearPromptSet(): void {
    this.setup.inputs = [];
    this.setup.inputsPath = null;
    this.promptSetError = null;
  }

  async refreshHistory(): Promise<void> {
    try {
      this.history = await listBenches();
      this.historyError = null;
    } catch (err) {
      this.historyError = `Past benchmarks could not be listed: ${errorMessage(err)}`;
    }
  }

  async open(id: number): Promise<void> {
    if (this.phase === 'running') return;
    try {
      this.past = await getBench(id);
      this.shownId = id;
      this.phase = 'done';
      this.historyError = null;
    } catch (err) {
      this.historyError = `That benchmark could not be opened: ${errorMessage(err)}`;
    }
  }

  async remove(id: number): Promise<void> {
    try {
      await deleteBench(id);
      this.history = this.history.filter((b) => b.id !== id);
      if (this.shownId === id) {
        this.past = null;
        this.live = newLive(this.panes.length);
        this.shownId = null;
        if (this.phase === 'done') this.phase = 'setup';
      }
    } catch (err) {
      this.historyError = `That benchmark could not be deleted: ${errorMessage(err)}`;
    }
  }
}
