/**
 * The connect-attempt cap both reconnecting machines get from `loopGlue`:
 * before the session's link first opens, `maxConnectAttempts` bounds the
 * attempts (seed 000's `retryCount + 1`); once it opened, `maxReconnectAttempts`
 * alone applies. A new CONNECT starts the count again. Simulated clock.
 */
import { createActor, fromCallback, SimulatedClock, type AnyStateMachine } from 'xstate';
import { describe, expect, it } from 'vitest';
import { sseMachine } from '../../machines/sse.js';
import { webSocketMachine } from '../../machines/websocket.js';

const machines = {
  sse: {
    logic: sseMachine.provide({ actors: { stream: fromCallback(() => () => {}) as never } }) as AnyStateMachine,
    fail: { type: 'STREAM_FAILED', reason: 'refused' },
    drop: { type: 'STREAM_ENDED', reason: 'dropped', at: 1 },
  },
  websocket: {
    logic: webSocketMachine.provide({ actors: { socket: fromCallback(() => () => {}) as never } }) as AnyStateMachine,
    fail: { type: 'SOCKET_FAILED', reason: 'refused' },
    drop: { type: 'SOCKET_CLOSED', code: 1006, reason: '', wasOpen: true, at: 1 },
  },
};

function start(kind: keyof typeof machines, input: Record<string, unknown>) {
  const clock = new SimulatedClock();
  const actor = createActor(machines[kind].logic, { input: { reconnectDelay: 100, maxReconnectDelay: 100, jitter: 'none', ...input }, clock });
  const emitted: string[] = [];
  actor.on('*', (e) => void emitted.push((e as { type: string }).type));
  actor.start();
  actor.send({ type: 'CONNECT' });
  /** Fails the current attempt and lets the wait pass. */
  const failOnce = () => {
    actor.send(machines[kind].fail as never);
    clock.increment(100);
  };
  return { actor, clock, emitted, failOnce, drop: () => actor.send(machines[kind].drop as never) };
}

describe.each(['sse', 'websocket'] as const)('%s: maxConnectAttempts', (kind) => {
  it('ends the session in error after exactly maxConnectAttempts failed attempts', () => {
    const { actor, emitted, failOnce } = start(kind, { maxConnectAttempts: 3 });
    failOnce();
    failOnce();
    expect(actor.getSnapshot().context.attempts).toBe(3);
    expect(actor.getSnapshot().value).not.toBe('error');
    failOnce();
    expect(actor.getSnapshot().value).toBe('error');
    expect(emitted.filter((t) => t === 'max_reconnect_attempts')).toHaveLength(1);
    // A new CONNECT gets its own attempts.
    actor.send({ type: 'CONNECT' });
    expect(actor.getSnapshot().context).toMatchObject({ attempts: 1, sessionOpened: false });
    actor.stop();
  });

  it('does not bound the reconnects once the link opened: maxReconnectAttempts does', () => {
    const { actor, clock, failOnce, drop } = start(kind, { maxConnectAttempts: 1, maxReconnectAttempts: 4 });
    actor.send({ type: 'OPENED', at: 0 });
    expect(actor.getSnapshot().context.sessionOpened).toBe(true);
    drop();
    clock.increment(100); // attempt 2
    for (let i = 0; i < 3; i++) {
      expect(actor.getSnapshot().value).not.toBe('error');
      failOnce();
    }
    expect(actor.getSnapshot().value).toBe('error');
    expect(actor.getSnapshot().context.attempts).toBe(4);
    actor.stop();
  });

  it('the smaller of the two limits applies before the first open', () => {
    const { actor, failOnce } = start(kind, { maxConnectAttempts: 10, maxReconnectAttempts: 2 });
    failOnce();
    failOnce();
    expect(actor.getSnapshot().value).toBe('error');
    actor.stop();
  });
});
