// A saved comparison (from `get_comparison`) turned back into panes, turns and runs, so the live
// Pane components can show it exactly as it looked.
import type { Answer, AnswerStatus, JsonValue, PaneRecord, PaneSettings, Comparison as SavedComparison, Turn as SavedTurn } from '../../ipc';
import { Comparison, PaneModel, newTurnId, type Turn } from '../state/comparison.svelte';
import type { Overrides } from '../state/params';
import { newRun, type AttemptView, type PaneRun, type PaneStatus } from '../state/run';

const STATUS: Record<AnswerStatus, PaneStatus> = {
  streaming: 'streaming',
  done: 'done',
  stopped: 'stopped',
  failed: 'failed',
  interrupted: 'interrupted',
};

export function overridesFrom(settings: PaneSettings): Overrides {
  const o: Overrides = { params: { ...settings.params } };
  if (settings.system !== undefined) o.system = settings.system;
  if (settings.fallbacks && settings.fallbacks.length > 0) o.fallbacks = settings.fallbacks.map((t) => ({ ...t }));
  return o;
}

/** The run a saved answer stands for: text, reasoning, tool calls, report and the request for the inspector. */
export function runFromAnswer(answer: Answer, pane: PaneRecord): PaneRun {
  const report = answer.report;
  const last = report.attempts.at(-1);
  // Only the last attempt's request is kept; the report's attempt trail tells the rest.
  const attempts: AttemptView[] = answer.request
    ? [
        {
          attempt: Math.max(1, report.attempts.length),
          provider: last?.provider ?? pane.provider,
          model: last?.model ?? pane.model,
          url: answer.request.url,
          headers: answer.request.headers,
          body: answer.request.body as JsonValue,
          mapping: report.mapping,
          status: last?.status ?? null,
          raw: '',
        },
      ]
    : [];
  return {
    ...newRun(),
    status: STATUS[answer.status],
    text: report.text,
    reasoning: report.reasoning,
    toolCalls: report.tool_calls.map((c, index) => ({ index, id: c.id, name: c.name, arguments: JSON.stringify(c.arguments) })),
    usage: report.usage,
    attempts,
    report,
    providerState: (answer.provider_state ?? null) as JsonValue | null,
  };
}

function turnsOf(record: SavedComparison, pane: PaneRecord): Turn[] {
  return record.turns.flatMap((t): Turn[] => {
    const answer = t.answers.find((a) => a.pane_id === pane.id);
    return answer ? [{ id: newTurnId(), user: t.prompt, run: runFromAnswer(answer, pane), answerId: answer.id, historyTurnId: t.id }] : [];
  });
}

/** The panes with their history ids, ratings, notes and conversations. */
export function savedPanes(record: SavedComparison): PaneModel[] {
  return record.panes.map((p) => {
    const pane = new PaneModel(p.provider, p.model, overridesFrom(p.settings));
    pane.historyPaneId = p.id;
    pane.rating = p.rating;
    pane.note = p.note;
    pane.turns = turnsOf(record, p);
    return pane;
  });
}

/** The same models and settings with empty conversations (for Fork and Re-run). */
export function freshPanes(record: SavedComparison): PaneModel[] {
  return record.panes.map((p) => new PaneModel(p.provider, p.model, overridesFrom(p.settings)));
}

export function firstTurn(record: SavedComparison): SavedTurn | undefined {
  return record.turns[0];
}

/** A read-only Comparison showing the record (shared settings as of its latest turn). */
export function savedView(record: SavedComparison): Comparison {
  const view = new Comparison();
  view.readonly = true;
  const latest = record.turns.at(-1);
  view.system = latest?.system ?? '';
  view.shared = { ...(latest?.params ?? {}) };
  view.prompt = firstTurn(record)?.prompt ?? '';
  view.historyId = record.id;
  view.panes = savedPanes(record);
  return view;
}
