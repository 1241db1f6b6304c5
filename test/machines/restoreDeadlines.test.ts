/**
 * ARCHITECTURE rule 8 for the WebSocket and SSE machines: a snapshot persisted
 * part-way through a timed state (connect timeout, next ping, pong deadline)
 * and restored later resumes for what is left of the deadline (kept as `dueAt`),
 * after `RESUME { at }`. restore.test.ts checks every state right where it is
 * entered; here time passes between the entry and the snapshot, and the real
 * reconnect loop (not the model's stand-in) is restored in its wait.
 */
import { createActor, fromCallback, SimulatedClock, type AnyActorLogic, type AnyActorRef, type Snapshot } from 'xstate';
import { setImmediate as tick } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { webSocketMachine, type WebSocketInput } from '../../machines/websocket.js';
import { sseMachine } from '../../machines/sse.js';
import { armDeadline, noDeadline } from '../../machines/deadline.js';

const silent = fromCallback(() => () => {});
const ws = webSocketMachine.provide({ actors: { socket: silent as never, healthPoll: silent as never } });
const sse = sseMachine.provide({ actors: { stream: silent as never } });
const T0 = 1_700_000_000_000;

function run(logic: AnyActorLogic, input: unknown, at: number, snapshot?: Snapshot<unknown>) {
  const clock = new SimulatedClock();
  clock.set(at);
  const actor = createActor(logic, { input, clock, ...(snapshot ? { snapshot } : {}) });
  const emitted: Array<{ type: string; at: number }> = [];
  actor.on('*', (e: { type: string }) => emitted.push({ type: e.type, at: clock.now() }));
  actor.subscribe({ error: (e) => { throw e; } });
  actor.start();
  return { actor, clock, emitted };
}

/** Persists `live` and restores it into a fresh actor on a clock at the same time, re-armed with RESUME. */
function restore(logic: AnyActorLogic, input: unknown, live: { actor: AnyActorRef; clock: SimulatedClock }) {
  const persisted = JSON.parse(JSON.stringify(live.actor.getPersistedSnapshot()));
  const restored = run(logic, input, live.clock.now(), persisted);
  restored.actor.send({ type: 'RESUME', at: restored.clock.now() });
  return restored;
}

async function advance(clock: SimulatedClock, ms: number) {
  clock.increment(ms);
  await tick();
}

const wsInput: WebSocketInput = { connectTimeout: 500, pingInterval: 1_000, pongTimeout: 200, reconnectDelay: 100, maxReconnectDelay: 100, jitter: 'none' };
const state = (r: { actor: AnyActorRef }) => JSON.stringify(r.actor.getSnapshot().value);

describe('armDeadline', () => {
  it('keeps the absolute deadline of an event with a time, and gives what is left at RESUME', () => {
    const armed = armDeadline(500, noDeadline, { type: 'CONNECT', at: 1_000 });
    expect(armed).toEqual({ dueAt: 1_500, dueIn: 500 });
    expect(armDeadline(500, armed, { type: 'RESUME', at: 1_300 })).toEqual({ dueAt: 1_500, dueIn: 200 });
    expect(armDeadline(500, armed, { type: 'RESUME', at: 9_000 })).toEqual({ dueAt: 1_500, dueIn: 0 });
  });

  it('chains an after-timer entry on the previous deadline', () => {
    expect(armDeadline(200, { dueAt: 2_000, dueIn: 1_000 }, { type: 'xstate.after.pingInterval.x' })).toEqual({ dueAt: 2_200, dueIn: 200 });
  });

  it('without a time: no deadline, and RESUME waits the whole delay from then on', () => {
    const armed = armDeadline(500, { dueAt: 1_500, dueIn: 500 }, { type: 'xstate.snapshot.reconnect' });
    expect(armed).toEqual({ dueAt: null, dueIn: 500 });
    expect(armDeadline(500, armed, { type: 'RESUME', at: 3_000 })).toEqual({ dueAt: 3_500, dueIn: 500 });
  });

  it('a time that is not a finite number counts as none', () => {
    expect(armDeadline(500, noDeadline, { type: 'CONNECT', at: Number.NaN })).toEqual({ dueAt: null, dueIn: 500 });
    expect(armDeadline(500, { dueAt: 1_500, dueIn: 500 }, { type: 'RESUME', at: Number.POSITIVE_INFINITY })).toEqual({ dueAt: null, dueIn: 500 });
  });
});

describe('websocket: a snapshot restored part-way through a timer resumes for what is left', () => {
  it('connecting: times out at the original deadline, not a whole connectTimeout after the restore', async () => {
    const live = run(ws, wsInput, T0);
    live.actor.send({ type: 'CONNECT', at: T0 });
    await advance(live.clock, 300);
    const restored = restore(ws, wsInput, live);
    await advance(restored.clock, 199);
    expect(state(restored)).toBe(JSON.stringify({ session: { link: 'connecting' } }));
    await advance(restored.clock, 1);
    expect(state(restored)).toBe(JSON.stringify({ session: 'waiting' }));
    expect(restored.actor.getSnapshot().context.lastError).toBe('connect timeout');
  });

  it('connecting: RESUME on the live actor keeps its deadline', async () => {
    const live = run(ws, wsInput, T0);
    live.actor.send({ type: 'CONNECT', at: T0 });
    await advance(live.clock, 300);
    live.actor.send({ type: 'RESUME', at: live.clock.now() });
    await advance(live.clock, 199);
    expect(state(live)).toBe(JSON.stringify({ session: { link: 'connecting' } }));
    await advance(live.clock, 1);
    expect(state(live)).toBe(JSON.stringify({ session: 'waiting' }));
  });

  it('connected: pings at the original time, then terminates at the pong deadline', async () => {
    const live = run(ws, wsInput, T0);
    live.actor.send({ type: 'CONNECT', at: T0 });
    live.actor.send({ type: 'OPENED', at: T0 + 10 });
    live.actor.send({ type: 'USER_MESSAGE' });
    await advance(live.clock, 610);
    const restored = restore(ws, wsInput, live);
    await advance(restored.clock, 399);
    expect(restored.emitted.map((e) => e.type)).toEqual([]);
    await advance(restored.clock, 1);
    expect(restored.emitted).toEqual([{ type: 'ping', at: T0 + 1_010 }]);
    // The activity region is not re-entered by RESUME.
    expect(restored.actor.getSnapshot().value).toEqual({ session: { link: { connected: { activity: 'thinking', heartbeat: 'awaitingPong' } } } });
    await advance(restored.clock, 200);
    expect(restored.emitted).toEqual([
      { type: 'ping', at: T0 + 1_010 },
      { type: 'terminate', at: T0 + 1_210 },
    ]);
  });

  it('awaiting a pong: terminates at the pong deadline of the ping the original sent', async () => {
    const live = run(ws, wsInput, T0);
    live.actor.send({ type: 'CONNECT', at: T0 });
    live.actor.send({ type: 'OPENED', at: T0 });
    await advance(live.clock, 1_150);
    expect(live.emitted.map((e) => e.type)).toEqual(['open', 'ping']);
    const restored = restore(ws, wsInput, live);
    await advance(restored.clock, 49);
    expect(restored.emitted).toEqual([]);
    await advance(restored.clock, 1);
    expect(restored.emitted).toEqual([{ type: 'terminate', at: T0 + 1_200 }]);
  });

  it('after a pong with its time: the next ping is a pingInterval after that pong', async () => {
    const live = run(ws, wsInput, T0);
    live.actor.send({ type: 'CONNECT', at: T0 });
    live.actor.send({ type: 'OPENED', at: T0 });
    await advance(live.clock, 1_050);
    live.actor.send({ type: 'PONG', at: live.clock.now() });
    await advance(live.clock, 500);
    const restored = restore(ws, wsInput, live);
    await advance(restored.clock, 499);
    expect(restored.emitted).toEqual([]);
    await advance(restored.clock, 1);
    expect(restored.emitted).toEqual([{ type: 'ping', at: T0 + 2_050 }]);
  });

  it("the network went away: the immediate ping's pong deadline is kept from OFFLINE's time", async () => {
    const live = run(ws, wsInput, T0);
    live.actor.send({ type: 'CONNECT', at: T0 });
    live.actor.send({ type: 'OPENED', at: T0 });
    await advance(live.clock, 300);
    live.actor.send({ type: 'OFFLINE', at: T0 + 300 });
    await advance(live.clock, 150);
    const restored = restore(ws, wsInput, live);
    await advance(restored.clock, 49);
    expect(restored.emitted).toEqual([]);
    await advance(restored.clock, 1);
    expect(restored.emitted).toEqual([{ type: 'terminate', at: T0 + 500 }]);
  });

  it("back online: the attempt it starts times out from ONLINE's time", async () => {
    const live = run(ws, { ...wsInput, online: false }, T0);
    live.actor.send({ type: 'CONNECT', at: T0 });
    live.actor.send({ type: 'SOCKET_FAILED', reason: 'ENETUNREACH' });
    expect(state(live)).toBe(JSON.stringify({ session: 'offline' }));
    await advance(live.clock, 1_000);
    live.actor.send({ type: 'ONLINE', at: T0 + 1_000 });
    await advance(live.clock, 400);
    const restored = restore(ws, { ...wsInput, online: false }, live);
    await advance(restored.clock, 99);
    expect(state(restored)).toBe(JSON.stringify({ session: { link: 'connecting' } }));
    await advance(restored.clock, 1);
    expect(state(restored)).toBe(JSON.stringify({ session: 'waiting' }));
  });

  it('waiting, with the real reconnect loop: the restored loop waits its delay again, then opens', async () => {
    const live = run(ws, wsInput, T0);
    live.actor.send({ type: 'CONNECT', at: T0 });
    live.actor.send({ type: 'SOCKET_FAILED', reason: 'ECONNREFUSED' });
    await tick();
    expect(state(live)).toBe(JSON.stringify({ session: 'waiting' }));
    const delay = live.actor.getSnapshot().context.nextDelay;
    expect(delay).toBe(100);
    // Off the link no timer of this machine runs: the inspector shows no stale deadline.
    expect(live.actor.getSnapshot().context).toMatchObject({ dueAt: null, dueIn: 0 });
    await advance(live.clock, 40);
    const restored = restore(ws, wsInput, live);
    await advance(restored.clock, delay - 1);
    expect(state(restored)).toBe(JSON.stringify({ session: 'waiting' }));
    await advance(restored.clock, 1);
    expect(state(restored)).toBe(JSON.stringify({ session: { link: 'connecting' } }));
    // The attempt the loop started has no known start: a later restore waits a whole connectTimeout.
    expect(restored.actor.getSnapshot().context.dueAt).toBeNull();
  });
});

describe('sse: a snapshot restored part-way through a timer resumes for what is left', () => {
  const input = { connectTimeout: 500, reconnectDelay: 100, maxReconnectDelay: 100, jitter: 'none' as const };

  it('connecting: times out at the original deadline', async () => {
    const live = run(sse, input, T0);
    live.actor.send({ type: 'CONNECT', at: T0 });
    await advance(live.clock, 450);
    const restored = restore(sse, input, live);
    await advance(restored.clock, 49);
    expect(state(restored)).toBe(JSON.stringify({ session: { stream: 'connecting' } }));
    await advance(restored.clock, 1);
    expect(state(restored)).toBe(JSON.stringify({ session: 'waiting' }));
  });

  it('an open stream keeps no deadline', () => {
    const live = run(sse, input, T0);
    live.actor.send({ type: 'CONNECT', at: T0 });
    live.actor.send({ type: 'OPENED', at: T0 + 5 });
    expect(live.actor.getSnapshot().context).toMatchObject({ dueAt: null, dueIn: 0 });
  });

  it('waiting, with the real reconnect loop: the restored loop waits its delay again, then opens', async () => {
    const live = run(sse, input, T0);
    live.actor.send({ type: 'CONNECT', at: T0 });
    live.actor.send({ type: 'STREAM_FAILED', reason: 'ECONNREFUSED' });
    await tick();
    const delay = live.actor.getSnapshot().context.nextDelay;
    expect(delay).toBeGreaterThan(0);
    expect(live.actor.getSnapshot().context).toMatchObject({ dueAt: null, dueIn: 0 });
    const restored = restore(sse, input, live);
    await advance(restored.clock, delay - 1);
    expect(state(restored)).toBe(JSON.stringify({ session: 'waiting' }));
    await advance(restored.clock, 1);
    expect(state(restored)).toBe(JSON.stringify({ session: { stream: 'connecting' } }));
  });
});
