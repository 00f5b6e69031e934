// The IPC module for tests that run panes: the real module with the pane commands replaced by mocks, in private
// mode (`recordTurn` resolves null, so runs start without history ids). Use from a hoisted `vi.mock`:
//   vi.mock('../../ipc', async (original) => (await import('../../test/ipcMock')).withPaneCommandsMocked(original));
import { vi } from 'vitest';

type Ipc = typeof import('../ipc');

export async function withPaneCommandsMocked(importOriginal: <T = Ipc>() => Promise<T>): Promise<Ipc> {
  return {
    ...(await importOriginal<Ipc>()),
    startPane: vi.fn(),
    recordTurn: vi.fn(async () => null),
    stopPane: vi.fn(),
    stopAll: vi.fn(),
    listModels: vi.fn(),
  };
}
