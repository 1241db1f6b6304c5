/**
 * Rules of `sseMachine` that the model test's state values do not show: the
 * server's `retry:` as the reconnect base (capped), attempt counting across
 * ends (minUptime, judged at the end), and which answers stop or end the session.
 */
import { createActor, fromCallback, SimulatedClock } from 'xstate';
import { describe, expect, it } from 'vitest';
import { sseMachine, sseStatusOf, type SseInput } from '../../machines/sse.js';

const machine = sseMachine.provide({ actors: { stream: fromCallback(() => () => {}) as never } });

function start(input: SseInput = {}) {
  const clock = new SimulatedClock();
  const actor = createActor(machine, { input: { reconnectDelay: 1_000, jitter: 'none', minUptime: 1_000, ...input }, clock });
  const emitted: Array<{ type: string } & Record<string, unknown>> = [];
  actor.on('*', (e) => void emitted.push(e as never));
  actor.subscribe({ error: () => {} });
  actor.start();
  actor.send({ type: 'CONNECT' });
  return { actor, clock, emitted };
}

describe('the server\'s retry:', () => {
  it('replaces the base delay of the next wait', () => {
    const { actor, emitted } = start();
    actor.send({ type: 'OPENED', at: 0 });
    actor.send({ type: 'RETRY_SET', ms: 250 });
    actor.send({ type: 'STREAM_ENDED', reason: 'end', at: 10 });
    expect(emitted.filter((e) => e.type === 'reconnecting')).toEqual([{ type: 'reconnecting', attempt: 2, delay: 250 }]);
    expect(actor.getSnapshot().context.serverRetry).toBe(250);
    actor.stop();
  });

  it('is capped at maxReconnectDelay', () => {
    const { actor } = start({ maxReconnectDelay: 5_000 });
    actor.send({ type: 'RETRY_SET', ms: 600_000 });
    expect(actor.getSnapshot().context.serverRetry).toBe(5_000);
    actor.send({ type: 'RETRY_SET', ms: -1 });
    expect(actor.getSnapshot().context.serverRetry).toBe(5_000); // nonsense is ignored
    actor.stop();
  });

  it('the wait ends with the next attempt after exactly that delay', () => {
    const { actor, clock } = start();
    actor.send({ type: 'RETRY_SET', ms: 250 });
    actor.send({ type: 'STREAM_FAILED', reason: 'refused' });
    clock.increment(249);
    expect(actor.getSnapshot().matches({ session: 'waiting' })).toBe(true);
    clock.increment(1);
    expect(actor.getSnapshot().matches({ session: { stream: 'connecting' } })).toBe(true);
    expect(actor.getSnapshot().context.attempts).toBe(2);
    actor.stop();
  });
});

describe('attempts across ends', () => {
  it('a stream that ends before minUptime keeps counting; one that lasted starts from scratch', () => {
    const { actor } = start();
    actor.send({ type: 'OPENED', at: 0 });
    actor.send({ type: 'STREAM_ENDED', reason: 'dropped', at: 999 });
    expect(actor.getSnapshot().context.attempts).toBe(1);
    const { actor: other } = start();
    other.send({ type: 'OPENED', at: 0 });
    other.send({ type: 'STREAM_ENDED', reason: 'idle', at: 1_000 });
    expect(other.getSnapshot().context.attempts).toBe(0);
    actor.stop();
    other.stop();
  });
});

describe('answers that end the session', () => {
  it('204 stops without reconnecting', () => {
    const { actor, emitted } = start();
    actor.send({ type: 'STREAM_FAILED', reason: 'Server sent HTTP 204', status: 204 });
    expect(actor.getSnapshot().value).toBe('stopped');
    expect(emitted.map((e) => e.type)).toEqual(['stopped']);
    expect(sseStatusOf(actor.getSnapshot())).toBe('idle');
  });

  it('401 and 403 end in error; other statuses wait, unless marked terminal', () => {
    for (const status of [401, 403]) {
      const { actor, emitted } = start();
      actor.send({ type: 'STREAM_FAILED', reason: `Non-200 status code (${status})`, status });
      expect(actor.getSnapshot().value).toBe('error');
      expect(emitted).toEqual([{ type: 'error', message: `Non-200 status code (${status})`, status }]);
    }
    const { actor: waits } = start();
    waits.send({ type: 'STREAM_FAILED', reason: 'Non-200 status code (503)', status: 503 });
    expect(waits.getSnapshot().matches({ session: 'waiting' })).toBe(true);
    waits.stop();
    const { actor: terminal } = start();
    terminal.send({ type: 'STREAM_FAILED', reason: 'Non-200 status code (503)', status: 503, terminal: true });
    expect(terminal.getSnapshot().value).toBe('error');
    // The runtime's verdict wins over the default: a caller may retry a 401 (a token refreshed by the headers function).
    const { actor: retried } = start();
    retried.send({ type: 'STREAM_FAILED', reason: 'Non-200 status code (401)', status: 401, terminal: false });
    expect(retried.getSnapshot().matches({ session: 'waiting' })).toBe(true);
    retried.stop();
  });

  it('spent attempts end in error with max_reconnect_attempts', () => {
    const { actor, emitted } = start({ maxReconnectAttempts: 1 });
    actor.send({ type: 'STREAM_FAILED', reason: 'refused' });
    expect(actor.getSnapshot().value).toBe('error');
    expect(emitted.at(-1)).toEqual({ type: 'max_reconnect_attempts', attempts: 1 });
  });
});
