// The IPC module for tests that run panes: the real module with the pane commands replaced by mocks, in private
// mode (`recordTurn` resolves null, so runs start without history ids). Use from a hoisted `vi.mock`:
//   vi.mock('../../ipc', async (original) => (await import('../../test/ipcMock')).withPaneCommandsMocked(original));
// or add `startTurn: (await import('../../test/ipcMock')).startTurn` to a file's own mock.
import { vi } from 'vitest';
// Types only: this module is loaded from inside the mock of '../ipc', so it must not import its values.
import type { IpcError, PaneEvent, PaneRequest, PaneStart, RecordedTurn, RecordTurn, StartedTurn } from '../ipc';

type Ipc = typeof import('../ipc');

/** A rejection's message, as `errorMessage` reads it (an `IpcError`, an `Error` or a string). */
const messageOf = (err: unknown): string =>
  typeof err === 'string' ? err : err && typeof err === 'object' && 'message' in err ? String(err.message) : String(err);

/** History's side of the fake `start_turn`: what a turn is recorded as (null: private mode). Tests shape it. */
export const recordTurn = vi.fn(async (_turn: RecordTurn): Promise<RecordedTurn | null> => null);
/** A pane's request as Rust starts it: with the answer id it set from the recorded turn. */
export type StartedRequest = PaneRequest & { answer_id?: number };
/** One pane's start in the fake `start_turn`: resolves to the pane's id, rejects when the pane cannot start. */
export const startPane = vi.fn(async (_request: StartedRequest, _onEvent: (event: PaneEvent) => void): Promise<number> => 1);

/** `start_turn` as Rust runs it (src-tauri/commands/panes.rs `run_turn`): record the turn (a failure is reported,
 * never fatal), then start each pane with its answer id; a pane that cannot start fails alone. */
export const startTurn = vi.fn(
  async (turn: RecordTurn, requests: PaneRequest[], onEvents: ((event: PaneEvent) => void)[]): Promise<StartedTurn> => {
    let recorded: RecordedTurn | null = null;
    let history_error: string | null = null;
    try {
      recorded = (await recordTurn(turn)) ?? null;
    } catch (err) {
      history_error = messageOf(err);
    }
    const panes = await Promise.all(
      requests.map(async (request, i): Promise<PaneStart> => {
        const answerId = recorded?.panes[i]?.answer_id;
        try {
          const id = await startPane(answerId === undefined ? request : { ...request, answer_id: answerId }, onEvents[i]);
          return { type: 'started', id };
        } catch (err) {
          const error: IpcError = { kind: 'invalid_request', message: messageOf(err), retryable: false };
          return { type: 'failed', error };
        }
      }),
    );
    return { recorded, history_error, panes };
  },
);

export async function withPaneCommandsMocked(importOriginal: <T = Ipc>() => Promise<T>): Promise<Ipc> {
  return {
    ...(await importOriginal<Ipc>()),
    startTurn,
    stopPane: vi.fn(),
    stopAll: vi.fn(),
    listModels: vi.fn(),
  };
}
