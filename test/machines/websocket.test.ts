/**
 * Rules of `webSocketMachine` that the model test's state values do not show:
 * attempt counting across drops (minUptime, judged at the close) and offline
 * parking. The socket is a stand-in the test drives by sending the machine the
 * events a real socket actor would.
 */
import { createActor, fromCallback, SimulatedClock } from 'xstate';
import { describe, expect, it } from 'vitest';
import { webSocketMachine, type WebSocketInput } from '../../machines/websocket.js';

const machine = webSocketMachine.provide({ actors: { socket: fromCallback(() => () => {}) as never, healthPoll: fromCallback(() => {}) as never } });

function start(input: WebSocketInput = {}) {
  const actor = createActor(machine, { input: { pingInterval: 0, reconnectDelay: 1, maxReconnectDelay: 1, minUptime: 1_000, ...input } });
  actor.subscribe({ error: () => {} });
  actor.start();
  actor.send({ type: 'CONNECT' });
  return actor;
}
const attempts = (actor: ReturnType<typeof start>) => actor.getSnapshot().context.attempts;

describe('attempts across drops', () => {
  it('a connection that closes before minUptime keeps counting', () => {
    const actor = start();
    actor.send({ type: 'OPENED', at: 10_000 });
    actor.send({ type: 'SOCKET_CLOSED', code: 1006, reason: '', wasOpen: true, at: 10_999 });
    expect(actor.getSnapshot().matches({ session: 'waiting' })).toBe(true);
    expect(attempts(actor)).toBe(1);
    actor.stop();
  });

  it('a connection that lasted minUptime starts the next wait from scratch', () => {
    const actor = start();
    actor.send({ type: 'OPENED', at: 10_000 });
    actor.send({ type: 'SOCKET_CLOSED', code: 1006, reason: '', wasOpen: true, at: 11_000 });
    expect(attempts(actor)).toBe(0);
    actor.stop();
  });

  it('a close without a time (another runtime) never resets the count', () => {
    const actor = start();
    actor.send({ type: 'OPENED', at: 10_000 });
    actor.send({ type: 'SOCKET_CLOSED', code: 1006, reason: '', wasOpen: true });
    expect(attempts(actor)).toBe(1);
    actor.stop();
  });

  it('spent attempts end the session in error with max_reconnect_attempts', () => {
    const actor = start({ maxReconnectAttempts: 1 });
    const emitted: unknown[] = [];
    actor.on('max_reconnect_attempts', (e) => emitted.push(e));
    actor.send({ type: 'SOCKET_FAILED', reason: 'refused' });
    expect(actor.getSnapshot().value).toBe('error');
    expect(emitted).toEqual([{ type: 'max_reconnect_attempts', attempts: 1 }]);
  });
});

describe('offline', () => {
  it('OFFLINE while waiting parks the session and pauses the loop (its wait stopped); ONLINE attempts at once', () => {
    const actor = start();
    actor.send({ type: 'SOCKET_FAILED', reason: 'refused' });
    const waitingLoop = actor.getSnapshot().children.reconnect;
    expect((waitingLoop?.getSnapshot() as { value?: unknown }).value).toBe('waiting');
    actor.send({ type: 'OFFLINE' });
    expect(actor.getSnapshot().matches({ session: 'offline' })).toBe(true);
    expect(waitingLoop?.getSnapshot().status).toBe('stopped');
    expect((actor.getSnapshot().children.reconnect?.getSnapshot() as { value?: unknown }).value).toBe('paused');
    expect(attempts(actor)).toBe(1);
    actor.send({ type: 'ONLINE' });
    expect(actor.getSnapshot().matches({ session: { link: 'connecting' } })).toBe(true);
    expect(attempts(actor)).toBe(2);
    actor.stop();
  });

  it('OFFLINE while connecting abandons the attempt without spending it', () => {
    const actor = start();
    actor.send({ type: 'OFFLINE' });
    expect(actor.getSnapshot().matches({ session: 'offline' })).toBe(true);
    expect(attempts(actor)).toBe(0);
    actor.stop();
  });

  it('OFFLINE while connected keeps the link but pings it now; a drop while offline parks instead of waiting', () => {
    const actor = start({ pingInterval: 60_000 });
    const emitted: string[] = [];
    actor.on('*', (e) => emitted.push(e.type));
    actor.send({ type: 'OPENED', at: 1 });
    actor.send({ type: 'OFFLINE' });
    expect(emitted).toContain('ping');
    expect(actor.getSnapshot().matches({ session: { link: { connected: { heartbeat: 'awaitingPong' } } } })).toBe(true);
    actor.send({ type: 'SOCKET_CLOSED', code: 1006, reason: '', wasOpen: true, at: 2 });
    expect(actor.getSnapshot().matches({ session: 'offline' })).toBe(true);
    actor.stop();
  });
});

describe('statusOf', () => {
  it('closed → connecting → idle → waiting (the wait and the reconnect attempt) → idle → closed; error', async () => {
    const { statusOf } = await import('../../machines/websocket.js');
    const actor = createActor(machine, { input: { pingInterval: 0, reconnectDelay: 60_000, maxReconnectDelay: 60_000, maxReconnectAttempts: 3 } });
    actor.subscribe({ error: () => {} });
    actor.start();
    const status = () => statusOf(actor.getSnapshot());
    expect(status()).toBe('closed');
    actor.send({ type: 'CONNECT' });
    expect(status()).toBe('connecting');
    actor.send({ type: 'OPENED', at: 1 });
    expect(status()).toBe('idle');
    actor.send({ type: 'USER_MESSAGE' });
    expect(status()).toBe('thinking');
    actor.send({ type: 'SOCKET_CLOSED', code: 1006, reason: '', wasOpen: true, at: 2 });
    expect(status()).toBe('waiting');
    expect(actor.getSnapshot().context.reconnecting).toBe(true);
    actor.send({ type: 'RETRY_NOW' });
    expect(actor.getSnapshot().matches({ session: { link: 'connecting' } })).toBe(true);
    expect(status()).toBe('waiting'); // a reconnect attempt, not a first open
    actor.send({ type: 'OPENED', at: 3 });
    expect(status()).toBe('idle');
    actor.send({ type: 'DISCONNECT' });
    expect(status()).toBe('closed');
    actor.send({ type: 'CONNECT' });
    expect(status()).toBe('connecting'); // a new connect() starts afresh
    actor.send({ type: 'SOCKET_FAILED', reason: 'refused' });
    expect(status()).toBe('waiting'); // a failed first attempt: the retries are reconnects
    actor.send({ type: 'SOCKET_FAILED', reason: 'no', status: 401 });
    expect(actor.getSnapshot().matches({ session: 'waiting' })).toBe(true);
    actor.send({ type: 'RETRY_NOW' });
    actor.send({ type: 'SOCKET_FAILED', reason: 'no', status: 401 });
    expect(status()).toBe('error');
    actor.stop();
  });
});

describe('heartbeat', () => {
  it("OPENED without heartbeat (a browser socket, no app-level ping): no ping is asked for, OFFLINE leaves the socket alone", () => {
    const actor = createActor(machine, { input: { pingInterval: 10, pongTimeout: 10 } });
    actor.subscribe({ error: () => {} });
    const asked: string[] = [];
    actor.on('ping', () => asked.push('ping'));
    actor.on('terminate', () => asked.push('terminate'));
    actor.start();
    actor.send({ type: 'CONNECT' });
    actor.send({ type: 'OPENED', at: 1, heartbeat: false });
    actor.send({ type: 'OFFLINE' });
    expect(actor.getSnapshot().matches({ session: { link: { connected: { heartbeat: 'resting' } } } })).toBe(true);
    expect(actor.getSnapshot().context.online).toBe(false);
    expect(asked).toEqual([]);
    actor.stop();
  });

  it('pingInterval elapses: a ping with the heartbeat, none without', () => {
    const run = (opened: { type: 'OPENED'; at: number; heartbeat?: boolean }) => {
      const clock = new SimulatedClock();
      const actor = createActor(machine, { input: { pingInterval: 10, pongTimeout: 1_000 }, clock });
      actor.subscribe({ error: () => {} });
      const asked: string[] = [];
      actor.on('ping', () => asked.push('ping'));
      actor.start();
      actor.send({ type: 'CONNECT' });
      actor.send(opened);
      clock.increment(10);
      actor.stop();
      return asked;
    };
    expect(run({ type: 'OPENED', at: 1 })).toEqual(['ping']);
    expect(run({ type: 'OPENED', at: 1, heartbeat: true })).toEqual(['ping']);
    expect(run({ type: 'OPENED', at: 1, heartbeat: false })).toEqual([]);
  });

  it('OPENED with the heartbeat (the default): OFFLINE pings at once', () => {
    const actor = createActor(machine, { input: { pingInterval: 60_000 } });
    actor.subscribe({ error: () => {} });
    const asked: string[] = [];
    actor.on('ping', () => asked.push('ping'));
    actor.start();
    actor.send({ type: 'CONNECT' });
    actor.send({ type: 'OPENED', at: 1 });
    actor.send({ type: 'OFFLINE' });
    expect(asked).toEqual(['ping']);
    actor.stop();
  });
});
