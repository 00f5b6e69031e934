// Runes in a test (`$effect.root`): what a reader of the comparison's state is woken by while answers stream.
import { flushSync } from 'svelte';
import { beforeEach, expect, it, vi } from 'vitest';
import type { PaneEvent } from '../../ipc';

vi.mock('../../ipc', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../ipc')>()),
  startTurn: (await import('../../test/ipcMock')).startTurn,
}));

import { startPane } from '../../test/ipcMock';
import { delta, done, report, requestEvent } from '../../test/fixtures';
import { Comparison } from './comparison.svelte';

let emits: ((e: PaneEvent) => void)[];

beforeEach(() => {
  emits = [];
  vi.mocked(startPane).mockReset();
  vi.mocked(startPane).mockImplementation(async (_request, onEvent) => {
    emits.push(onEvent);
    return emits.length;
  });
});

// Every streamed message replaces a pane's turns. The composer's Run and Stop-all buttons read `running`; when it
// was a getter they were re-set ~100 times a second per pane (#3: 354 `disabled` writes in one benchmark run).
it('readers of running, status and canFollowUp wake when the value changes, not on every streamed message', async () => {
  const c = new Comparison();
  const a = c.addPane('p', 'a');
  c.addPane('p', 'b');
  c.prompt = 'q';
  const seen = { running: [] as boolean[], status: [] as string[], canFollowUp: [] as boolean[] };
  const stop = $effect.root(() => {
    $effect(() => void seen.running.push(c.running));
    $effect(() => void seen.status.push(a.status));
    $effect(() => void seen.canFollowUp.push(c.canFollowUp));
  });
  flushSync();
  c.run();
  await new Promise((r) => setTimeout(r, 0));
  flushSync();
  for (const emit of emits) emit(requestEvent());
  flushSync();
  for (let i = 0; i < 50; i++) {
    for (const emit of emits) emit(delta(`word ${i} `));
    flushSync();
  }
  emits[0](done(report({ text: 'a' })));
  flushSync();
  emits[1](done(report({ text: 'b' })));
  flushSync();
  stop();

  expect(a.current?.run.text).toContain('word 49');
  expect(seen.running).toEqual([false, true, false]);
  expect(seen.status).toEqual(['idle', 'queued', 'connecting', 'streaming', 'done']);
  expect(seen.canFollowUp).toEqual([false, true]);
});
