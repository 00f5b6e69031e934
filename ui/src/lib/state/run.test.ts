import { describe, expect, it } from 'vitest';
import type { PaneEvent, PaneError } from '../../ipc';
import { delta, done, report, requestEvent } from '../../test/fixtures';
import { applyEvent, markStarted, markStartFailed, newRun, statusLabel, type PaneRun } from './run';

const fold = (events: PaneEvent[], start: PaneRun = newRun()) => events.reduce(applyEvent, start);

const rateLimited: PaneError = { kind: 'rate_limited', status: 429, message: 'rate limited', retryable: true };

describe('applyEvent', () => {
  it('walks request → connected → delta → done through the statuses', () => {
    let run = newRun();
    expect(run.status).toBe('queued');
    run = markStarted(run, 7);
    expect(run.status).toBe('connecting');
    expect(run.paneId).toBe(7);
    run = applyEvent(run, requestEvent());
    expect(run.status).toBe('connecting');
    expect(run.attempts).toHaveLength(1);
    run = applyEvent(run, { type: 'connected', attempt: 1, status: 200 });
    expect(run.status).toBe('waiting');
    expect(run.attempts[0].status).toBe(200);
    run = applyEvent(run, delta('Hel'));
    expect(run.status).toBe('streaming');
    run = applyEvent(run, delta('lo'));
    expect(run.text).toBe('Hello');
    run = applyEvent(run, done(report({ text: 'Hello' })));
    expect(run.status).toBe('done');
    expect(run.report?.served_model).toBe('gpt-4o-2024-08-06');
  });

  it('does not mutate the run it is given', () => {
    const before = fold([requestEvent(), delta('a')]);
    const frozen = JSON.stringify(before);
    applyEvent(before, delta('b'));
    applyEvent(before, { type: 'raw', text: 'data: x' });
    expect(JSON.stringify(before)).toBe(frozen);
  });

  it('an empty delta does not start streaming', () => {
    const run = fold([requestEvent(), { type: 'connected', attempt: 1, status: 200 }, delta('', '')]);
    expect(run.status).toBe('waiting');
  });

  it('reasoning alone starts streaming and accumulates separately', () => {
    const run = fold([requestEvent(), delta('', 'think '), delta('', 'hard'), delta('Answer')]);
    expect(run.status).toBe('streaming');
    expect(run.reasoning).toBe('think hard');
    expect(run.text).toBe('Answer');
  });

  it('keeps startPane resolving late from moving a running pane back', () => {
    const run = markStarted(fold([requestEvent(), delta('x')]), 3);
    expect(run.status).toBe('streaming');
  });

  it('a retry is shown with its attempt, wait and error', () => {
    const run = fold([requestEvent(), { type: 'retry', attempt: 1, error: rateLimited, wait_ms: 2000 }]);
    expect(run.status).toBe('retrying');
    expect(statusLabel(run)).toBe('retry 1 after 2.0 s: 429 rate limited');
    const next = applyEvent(run, requestEvent({ attempt: 2 }));
    expect(next.status).toBe('connecting');
    expect(statusLabel(next)).toBe('connecting (attempt 2)');
    expect(next.attempts).toHaveLength(2);
  });

  it('raw text goes to the latest attempt', () => {
    const run = fold([
      requestEvent(),
      { type: 'raw', text: 'a' },
      requestEvent({ attempt: 2 }),
      { type: 'raw', text: 'b' },
      { type: 'raw', text: 'c' },
    ]);
    expect(run.attempts.map((a) => a.raw)).toEqual(['a', 'bc']);
  });

  it('a stop keeps the partial text and reads as stopped', () => {
    const run = fold([requestEvent(), delta('partial ans'), done(report({ text: '', finish_reason: 'cancelled' }))]);
    expect(run.status).toBe('stopped');
    expect(run.text).toBe('partial ans');
  });

  it('a cancelled error also reads as stopped', () => {
    const run = fold([done(report({ finish_reason: null, error: { kind: 'cancelled', status: null, message: 'stopped', retryable: false } }))]);
    expect(run.status).toBe('stopped');
  });

  it('an error after some text fails but keeps the text', () => {
    const error: PaneError = { kind: 'stream', status: null, message: 'connection reset', retryable: false };
    const run = fold([requestEvent(), delta('half of it'), done(report({ text: 'half', finish_reason: 'error', error }))]);
    expect(run.status).toBe('failed');
    expect(run.text).toBe('half of it');
    expect(statusLabel(run)).toBe('failed: stream');
  });

  it('a failure names its kind in words, so a narrow status line breaks between them', () => {
    const error: PaneError = { kind: 'rate_limited', status: 429, message: 'slow down', retryable: true };
    const run = fold([requestEvent(), done(report({ text: '', finish_reason: 'error', error }))]);
    expect(statusLabel(run)).toBe('failed: rate limited');
  });

  it('tool call pieces accumulate by index, and the final call replaces them', () => {
    let run = fold([
      { type: 'tool_call_delta', index: 0, id: 'call_1', name: 'get_weather', arguments: '{"city":' },
      { type: 'tool_call_delta', index: 0, id: null, name: null, arguments: '"Paris"}' },
    ]);
    expect(run.toolCalls).toEqual([{ index: 0, id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' }]);
    run = applyEvent(run, { type: 'tool_call', call: { id: 'call_1', name: 'get_weather', arguments: { city: 'Paris', unit: 'C' } } });
    expect(run.toolCalls).toHaveLength(1);
    expect(JSON.parse(run.toolCalls[0].arguments)).toEqual({ city: 'Paris', unit: 'C' });
  });

  it('done records provider_state and usage', () => {
    const run = fold([done(report({ text: 'x' }), { thought_signature: 'abc' })]);
    expect(run.providerState).toEqual({ thought_signature: 'abc' });
    expect(run.usage?.output_tokens).toBe(34);
  });

  it('fallback events are collected', () => {
    const run = fold([
      { type: 'fallback', from_provider: 'openai', from_model: 'a', to_provider: 'anthropic', to_model: 'b', reason: 'overloaded' },
    ]);
    expect(run.fallbacks).toEqual([{ from_provider: 'openai', from_model: 'a', to_provider: 'anthropic', to_model: 'b', reason: 'overloaded' }]);
  });

  it('a start failure is terminal with its message', () => {
    const run = markStartFailed(newRun(), 'unknown provider: nope');
    expect(run.status).toBe('failed');
    expect(run.startError).toBe('unknown provider: nope');
  });
});
