// The comparison on screen: shared prompt and parameters, the panes, and each pane's conversation.
// Events from Rust are folded in with the pure reducer in ./run.ts.
import {
  errorMessage,
  startTurn,
  stopAll,
  stopPane,
  type Message,
  type PaneEvent,
  type PaneRequest,
  type PaneSettings,
  type Params,
  type Prompt,
  type PromptInputs,
  type PaneStart,
  type RecordTurn,
  type StartedTurn,
  type ToolCallRequest,
} from '../../ipc';
import { overridesFromVariant, variantFor, type LibraryRef, type SharedValues } from '../library/library';
import { emptyInputs, findVariables, syncColumns } from '../library/variables';
import { compactParams, effectiveParams, effectiveSystem, withParam, type Overrides, type ParamKey } from './params';
import type { SavedLayout } from './persist';
import { applyEvent, isActive, isFinished, markStarted, markStartFailed, markStopping, newRun, type PaneRun, type PaneStatus } from './run';
import {
  cannedResult,
  callsOf,
  emptyToolSettings,
  responseFormat,
  resultsSummary,
  toolChoice,
  toolMessages,
  toolSpecs,
  type ToolResult,
  type ToolSettings,
} from '../tools/tools';

/** One user message and the run that answers it. */
export interface Turn {
  id: number;
  user: string;
  run: PaneRun;
  /** The history answer this turn is saved to; null in private mode or when recording failed. */
  answerId: number | null;
  /** The history turn it belongs to (set with `answerId`; a blind vote names it). */
  historyTurnId?: number;
  /** A tool-result turn: these results were sent instead of a user message (`user` summarises them). */
  toolResults?: ToolResult[];
}

let nextKey = 1;
let nextTurn = 1;

/** A fresh, process-unique turn id. */
export function newTurnId(): number {
  return nextTurn++;
}

export const MIN_PANE_WIDTH = 320;

export class PaneModel {
  readonly key: string;
  provider: string = $state('');
  model: string = $state('');
  overrides: Overrides = $state({ params: {} });
  /** Width in px; null = share the row equally. */
  width: number | null = $state(null);
  /** The conversation of this pane; the last turn is the current one. */
  turns: Turn[] = $state.raw([]);
  /** This pane in the history comparison; null until its first recorded turn. */
  historyPaneId: number | null = $state(null);
  /** The user's stars (1–5) and note, saved with the history pane. */
  rating: number | null = $state(null);
  note: string = $state('');

  constructor(provider: string, model: string, overrides: Overrides = { params: {} }, width: number | null = null) {
    this.key = `pane-${nextKey++}`;
    this.provider = provider;
    this.model = model;
    this.overrides = overrides;
    this.width = width;
  }

  get label(): string {
    return `${this.provider}:${this.model}`;
  }

  get current(): Turn | undefined {
    return this.turns.at(-1);
  }

  // Derived, not getters: every streamed message replaces `turns`, and a getter would re-run everything that reads
  // it (the composer's buttons, ...) ~100 times a second per pane; a derived value wakes its readers only on a change.
  readonly status: PaneStatus = $derived(this.turns.at(-1)?.run.status ?? 'idle');
  readonly running: boolean = $derived(isActive(this.status));

  updateTurn(id: number, change: (run: PaneRun) => PaneRun): boolean {
    let found = false;
    this.turns = this.turns.map((t) => {
      if (t.id !== id) return t;
      found = true;
      return { ...t, run: change(t.run) };
    });
    return found;
  }

  hasTurn(id: number): boolean {
    return this.turns.some((t) => t.id === id);
  }

  setParamOverride(key: ParamKey, value: Params[ParamKey]): void {
    this.overrides = { ...this.overrides, params: withParam(this.overrides.params, key, value) };
  }

  setSystemOverride(system: string | undefined): void {
    const { system: _old, ...rest } = this.overrides;
    this.overrides = system === undefined ? rest : { ...rest, system };
  }

  setFallbacks(fallbacks: Overrides['fallbacks']): void {
    const { fallbacks: _old, ...rest } = this.overrides;
    this.overrides = fallbacks && fallbacks.length > 0 ? { ...rest, fallbacks } : rest;
  }

  setRouting(routing: Overrides['routing']): void {
    const { routing: _old, ...rest } = this.overrides;
    this.overrides = routing ? { ...rest, routing } : rest;
  }

  setProtocol(protocol: Overrides['protocol']): void {
    const { protocol: _old, ...rest } = this.overrides;
    this.overrides = protocol ? { ...rest, protocol } : rest;
  }

  /** Forgets the history link (a new comparison makes new history panes). */
  detachHistory(): void {
    this.historyPaneId = null;
    this.rating = null;
    this.note = '';
  }

  /** The overrides as history stores them. */
  settings(): PaneSettings {
    const o = $state.snapshot(this.overrides) as Overrides;
    const settings: PaneSettings = { params: o.params };
    if (o.system !== undefined) settings.system = o.system;
    if (o.fallbacks && o.fallbacks.length > 0) settings.fallbacks = o.fallbacks;
    return settings;
  }
}

/** The messages a pane has exchanged so far. A turn without any answer (failed before a token) is left out. */
export function conversation(turns: Turn[]): Message[] {
  const messages: Message[] = [];
  for (const turn of turns) {
    const report = turn.run.report;
    const text = report ? report.text || turn.run.text : turn.run.text;
    const toolCalls = (report?.tool_calls ?? []).map((c) => ({ id: c.id, name: c.name, arguments: c.arguments }));
    if (!isFinished(turn.run.status) || (text === '' && toolCalls.length === 0)) continue;
    if (turn.toolResults) messages.push(...toolMessages(turn.toolResults));
    else messages.push({ role: 'user', content: turn.user });
    const assistant: Message = { role: 'assistant', content: text };
    if (toolCalls.length > 0) assistant.tool_calls = toolCalls;
    if (turn.run.providerState !== null) assistant.provider_state = turn.run.providerState;
    messages.push(assistant);
  }
  return messages;
}

/** How many tool-result turns in a row end the pane's conversation (the steps of the current loop). */
export function toolSteps(turns: Turn[]): number {
  let n = 0;
  for (let i = turns.length - 1; i >= 0 && turns[i].toolResults; i--) n++;
  return n;
}

/** The calls of the pane's last answer that still wait for a result (none once results were sent). */
export function pendingCalls(pane: PaneModel): ToolCallRequest[] {
  const turn = pane.current;
  if (!turn || turn.run.status !== 'done') return [];
  return callsOf(turn.run.report);
}

export type FieldName = ParamKey | 'system' | 'fallbacks';

export class Comparison {
  system: string = $state('');
  prompt: string = $state('');
  shared: Params = $state({});
  panes: PaneModel[] = $state([]);
  /** The last stop/IPC problem not tied to one pane. */
  notice: string | null = $state(null);
  /** The history comparison this one is saved as; null before the first recorded run. */
  historyId: number | null = $state(null);
  /** Bumped when something was written to history (a turn recorded, a recorded turn finished). */
  historyVersion: number = $state(0);
  /** A saved comparison on display: nothing runs until it is continued or forked. */
  readonly = false;
  /** Tools, tool choice and the response schema shared by every pane. */
  tools: ToolSettings = $state(emptyToolSettings());
  /** Test inputs of the prompt's `{{variables}}`: one column per variable, one row per input (a grid run uses every row). */
  inputs: PromptInputs = $state(emptyInputs());
  /** The library prompt last saved or loaded here: "Save as variant" saves under it. */
  libraryPrompt: LibraryRef | null = $state(null);

  /** The `{{variables}}` of the shared system prompt, the message and the panes' system overrides. */
  get variables(): string[] {
    return findVariables(this.system, this.prompt, ...this.panes.map((p) => p.overrides.system ?? ''));
  }

  readonly running: boolean = $derived(this.panes.some((p) => p.running));

  /** Some pane has an answered turn that a follow-up can continue. */
  readonly canFollowUp: boolean = $derived(this.panes.some((p) => p.turns.some((t) => isFinished(t.run.status))));

  /** Why Run is disabled, or null when it is not. */
  get runBlockedReason(): string | null {
    if (this.readonly) return 'Saved comparison: Continue, Fork or Re-run to run';
    if (this.panes.length === 0) return 'Add a model first';
    if (this.prompt.trim() === '') return 'Write a prompt first';
    if (this.running) return 'Still running: stop or wait';
    return null;
  }

  addPane(provider: string, model: string, overrides?: Overrides): PaneModel {
    const pane = new PaneModel(provider.trim(), model.trim(), overrides);
    this.panes.push(pane);
    return pane;
  }

  removePane(key: string): void {
    const pane = this.panes.find((p) => p.key === key);
    if (pane?.running) this.stopPane(pane);
    this.panes = this.panes.filter((p) => p.key !== key);
  }

  movePane(key: string, delta: number): void {
    const from = this.panes.findIndex((p) => p.key === key);
    const to = from + delta;
    if (from < 0 || to < 0 || to >= this.panes.length) return;
    const panes = this.panes.slice();
    const [pane] = panes.splice(from, 1);
    panes.splice(to, 0, pane);
    this.panes = panes;
  }

  /** The request a pane sends for `messages` (the conversation ending with the new user message). */
  request(pane: PaneModel, messages: Message[]): PaneRequest {
    const settings = $state.snapshot(this.tools) as ToolSettings;
    const tools = toolSpecs(settings);
    const request: PaneRequest = {
      provider: pane.provider,
      model: pane.model,
      system: effectiveSystem(this.system, pane.overrides),
      messages,
      params: effectiveParams(this.shared, pane.overrides.params),
      fallbacks: pane.overrides.fallbacks ?? [],
    };
    if (tools.length > 0) request.tools = tools;
    const choice = toolChoice(settings, tools);
    if (choice) request.tool_choice = choice;
    const format = responseFormat(settings);
    if (format) request.response_format = format;
    if (pane.overrides.routing) request.routing = pane.overrides.routing;
    if (pane.overrides.protocol) request.protocol = pane.overrides.protocol;
    // A plain object (no reactive proxies) crosses the IPC boundary.
    return $state.snapshot(request) as PaneRequest;
  }

  /** Runs the prompt from scratch in every pane (previous conversations are discarded): a new history comparison. */
  run(): Promise<void> {
    if (this.runBlockedReason) return Promise.resolve();
    const prompt = this.prompt;
    this.notice = null;
    this.historyId = null;
    for (const pane of this.panes) {
      pane.turns = [];
      pane.detachHistory();
    }
    return this.dispatch(this.panes.slice(), prompt, false);
  }

  /** Continues the conversation of every pane (or only `target`) with `text`. */
  followUp(text: string, target?: PaneModel): boolean {
    if (this.readonly || text.trim() === '') return false;
    const panes = (target ? [target] : this.panes).filter((p) => !p.running);
    if (panes.length === 0) return false;
    void this.dispatch(panes, text, target !== undefined);
    return true;
  }

  /** Sends the results of `pane`'s pending tool calls; the pane continues its answer. */
  sendToolResults(pane: PaneModel, results: ToolResult[]): boolean {
    if (this.readonly || pane.running || results.length === 0) return false;
    void this.dispatch([pane], resultsSummary(results), true, results);
    return true;
  }

  /** The canned results for every pending call of `pane`, or null when some tool has none. */
  cannedResults(pane: PaneModel): ToolResult[] | null {
    const calls = pendingCalls(pane);
    const results: ToolResult[] = [];
    for (const call of calls) {
      const content = cannedResult(this.tools, call.name);
      if (content === undefined) return null;
      results.push({ call_id: call.id, name: call.name, content });
    }
    return results.length > 0 ? results : null;
  }

  /** Continues by itself while every call has a canned result, up to the step limit. */
  private autoContinue(pane: PaneModel): void {
    if (!this.tools.autoContinue || toolSteps(pane.turns) >= this.tools.maxSteps) return;
    const results = this.cannedResults(pane);
    if (results) this.sendToolResults(pane, results);
  }

  /** Shows the turns at once (queued), then records them and starts every pane in one call (`start_turn`): no
   * round trip in between, so the requests leave while the page is still drawing the queued turns. */
  private async dispatch(panes: PaneModel[], text: string, onlyPane: boolean, toolResults?: ToolResult[]): Promise<void> {
    const pending = panes.map((pane) => {
      const next: Message[] = toolResults ? toolMessages(toolResults) : [{ role: 'user', content: text }];
      const messages: Message[] = [...conversation(pane.turns), ...next];
      const request = this.request(pane, messages);
      const turn: Turn = { id: newTurnId(), user: text, run: newRun(), answerId: null };
      if (toolResults) turn.toolResults = toolResults;
      pane.turns = [...pane.turns, turn];
      return { pane, turnId: turn.id, request };
    });
    // A fast stream can end before `start_turn` answers (its events and the answer travel apart). What follows an
    // end (an automatic tool-result turn, the history refresh) needs this turn's history ids, so it waits for them:
    // a tool loop's next turn was recorded as a new comparison otherwise.
    let acknowledged = false;
    const endedEarly = new Set<number>();
    const onEvents = pending.map(({ pane, turnId }) => (event: PaneEvent) => {
      pane.updateTurn(turnId, (run) => applyEvent(run, event));
      if (event.type !== 'done') return;
      if (acknowledged) this.turnEnded(pane, turnId);
      else endedEarly.add(turnId);
    });
    let started: StartedTurn;
    try {
      started = await startTurn(this.turnToRecord(panes, text, onlyPane), pending.map((p) => p.request), onEvents);
    } catch (err) {
      acknowledged = true;
      for (const { pane, turnId } of pending) {
        pane.updateTurn(turnId, (run) => markStartFailed(run, errorMessage(err)));
        this.turnEnded(pane, turnId);
      }
      return;
    }
    if (started.history_error) this.notice = `History could not save this run (it runs anyway): ${started.history_error}`;
    // Run pressed again or the panes were cleared while the call was on its way: these turns are gone.
    const live = pending.filter(({ pane, turnId }) => this.panes.includes(pane) && pane.hasTurn(turnId));
    const recorded = started.recorded;
    if (recorded && live.length > 0) {
      this.historyId = recorded.comparison_id;
      pending.forEach(({ pane, turnId }, i) => {
        const ids = recorded.panes[i];
        if (!ids) return;
        pane.historyPaneId = ids.pane_id;
        this.setAnswerId(pane, turnId, ids.answer_id, recorded.turn_id);
      });
      this.historyVersion++;
    }
    pending.forEach(({ pane, turnId }, i) => this.started(pane, turnId, started.panes[i]));
    acknowledged = true;
    for (const { pane, turnId } of pending) if (endedEarly.has(turnId)) this.turnEnded(pane, turnId);
  }

  private setAnswerId(pane: PaneModel, turnId: number, answerId: number, historyTurnId: number): void {
    pane.turns = pane.turns.map((t) => (t.id === turnId ? { ...t, answerId, historyTurnId } : t));
  }

  /** What history keeps of a turn about to be sent (the shared prompt and parameters, each pane's settings). */
  private turnToRecord(panes: PaneModel[], prompt: string, onlyPane: boolean): RecordTurn {
    return $state.snapshot({
      comparison_id: this.historyId,
      prompt,
      system: this.system,
      params: this.shared,
      panes: panes.map((p) => ({ pane_id: p.historyPaneId, provider: p.provider, model: p.model, settings: p.settings() })),
      only_pane: onlyPane,
    }) as RecordTurn;
  }

  /** A pane's start as Rust reported it: its id (a Stop pressed meanwhile is sent now), or why it failed. */
  private started(pane: PaneModel, turnId: number, start: PaneStart | undefined): void {
    if (!start || start.type === 'failed') {
      const message = start ? start.error.message : 'the app did not start this pane';
      pane.updateTurn(turnId, (run) => markStartFailed(run, message));
      this.turnEnded(pane, turnId);
      return;
    }
    if (!(this.panes.includes(pane) && pane.hasTurn(turnId))) {
      void stopPane(start.id).catch(() => {});
      return;
    }
    let stopRequested = false;
    pane.updateTurn(turnId, (run) => {
      stopRequested = run.stopping;
      return markStarted(run, start.id);
    });
    if (stopRequested) void this.callStop(start.id);
  }

  /** When the last pane of a recorded turn finishes, history has something new to list. */
  private turnEnded(pane: PaneModel, turnId: number): void {
    const recorded = pane.turns.find((t) => t.id === turnId)?.answerId != null;
    if (recorded && !this.running) this.historyVersion++;
    if (pane.current?.id === turnId) this.autoContinue(pane);
  }

  private async callStop(id: number): Promise<void> {
    try {
      await stopPane(id);
    } catch (err) {
      this.notice = `Could not stop a pane: ${errorMessage(err)}`;
    }
  }

  stopPane(pane: PaneModel): void {
    const turn = pane.current;
    if (!turn || !isActive(turn.run.status)) return;
    pane.updateTurn(turn.id, markStopping);
    if (turn.run.paneId !== null) void this.callStop(turn.run.paneId);
    // Otherwise `start` stops it as soon as its id is known.
  }

  async stopAll(): Promise<void> {
    for (const pane of this.panes) {
      const turn = pane.current;
      if (turn && isActive(turn.run.status)) pane.updateTurn(turn.id, markStopping);
    }
    try {
      await stopAll();
    } catch (err) {
      this.notice = `Could not stop: ${errorMessage(err)}`;
    }
  }

  /** Clears every conversation (the panes, prompt and parameters stay). */
  newComparison(): void {
    if (this.running) void this.stopAll();
    for (const pane of this.panes) {
      pane.turns = [];
      pane.detachHistory();
    }
    this.historyId = null;
    this.notice = null;
  }

  /** Puts another comparison on screen (a saved one continued or forked); whatever was running is stopped. */
  replaceWith(next: { system: string; shared: Params; panes: PaneModel[]; prompt: string; historyId: number | null }): void {
    if (this.running) void this.stopAll();
    this.system = next.system;
    this.shared = next.shared;
    this.panes = next.panes;
    this.prompt = next.prompt;
    this.historyId = next.historyId;
    this.notice = null;
  }

  /** Makes every pane use `from`'s value of `field` (an override, or the shared value when `from` has none). */
  copyToAll(from: PaneModel, field: FieldName): void {
    for (const pane of this.panes) {
      if (pane === from) continue;
      if (field === 'system') pane.setSystemOverride(from.overrides.system);
      else if (field === 'fallbacks') pane.setFallbacks(from.overrides.fallbacks);
      else pane.setParamOverride(field, from.overrides.params[field]);
    }
  }

  /**
   * A library prompt into the composer: its system prompt, message and test inputs; each pane
   * with a variant for its provider and model takes that variant's overrides (other panes keep
   * theirs). Returns how many panes took a variant.
   */
  loadPrompt(prompt: Prompt): number {
    this.system = prompt.system;
    this.prompt = prompt.user;
    this.inputs = syncColumns(prompt.inputs, findVariables(prompt.system, prompt.user));
    this.libraryPrompt = { id: prompt.id, name: prompt.name };
    let applied = 0;
    for (const pane of this.panes) {
      const variant = variantFor(prompt.variants, pane.provider, pane.model);
      if (!variant) continue;
      pane.overrides = overridesFromVariant(pane.overrides, variant);
      applied++;
    }
    return applied;
  }

  /**
   * Makes `values` the shared ones: the system prompt (when given) and each parameter given
   * replace the shared values, and every pane's override of those fields is reset so that all
   * panes use them. Other overrides stay.
   */
  promoteToShared(values: SharedValues): void {
    const params = compactParams(values.params);
    if (values.system !== null && values.system !== undefined) this.system = values.system;
    this.shared = { ...this.shared, ...params };
    for (const pane of this.panes) {
      if (values.system !== null && values.system !== undefined) pane.setSystemOverride(undefined);
      for (const key of Object.keys(params) as ParamKey[]) pane.setParamOverride(key, undefined);
    }
  }

  snapshot(): SavedLayout {
    return {
      system: this.system,
      shared: $state.snapshot(this.shared),
      panes: this.panes.map((p) => ({
        provider: p.provider,
        model: p.model,
        overrides: $state.snapshot(p.overrides),
        width: p.width,
      })),
      tools: $state.snapshot(this.tools) as ToolSettings,
      inputs: $state.snapshot(this.inputs),
      libraryPrompt: $state.snapshot(this.libraryPrompt),
    };
  }

  restore(layout: SavedLayout): void {
    this.system = layout.system;
    this.shared = layout.shared;
    this.panes = layout.panes.map((p) => new PaneModel(p.provider, p.model, p.overrides, p.width));
    if (layout.tools) this.tools = layout.tools;
    if (layout.inputs) this.inputs = layout.inputs;
    this.libraryPrompt = layout.libraryPrompt ?? null;
  }
}
