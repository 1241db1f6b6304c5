/**
 * `webSocketMachine` against independent oracles: every expected state, context
 * value, emitted event and delay below is written by hand from the options and
 * the documented rules (1000 closes, 401 / 403 and `terminal` are final, offline
 * spends no attempt, the heartbeat pings every `pingInterval` and terminates after
 * `pongTimeout`), never read back from the machine, so a wrong machine fails. The
 * model tests only replay the machine against itself.
 *
 * The socket and the health poll are stand-ins (counting their starts and stops);
 * the test sends the events a real socket actor sends. The reconnect child is the
 * real loop (jitter `none`: waits `base · 2^(n-1)`, capped) or a recording
 * stand-in (`loopRecorder`) that shows exactly what the machine gives its loop.
 */
import { createActor, fromCallback, SimulatedClock, type AnyActorRef } from 'xstate';
import { describe, expect, it } from 'vitest';
import { statusOf, webSocketMachine, type WebSocketEmitted, type WebSocketEvent, type WebSocketInput } from '../../machines/websocket.js';
import { nextRandom } from '../../machines/random.js';
import { loopRecorder } from './loopRecorder.js';
import { attemptsShown } from '../../machines/reconnectLoop.js';

const quiet: WebSocketInput = { pingInterval: 0, reconnectDelay: 100, maxReconnectDelay: 10_000, jitter: 'none', minUptime: 1_000 };

function standIn() {
  const life = { started: 0, stopped: 0 };
  const logic = fromCallback(() => {
    life.started++;
    return () => void life.stopped++;
  });
  return { logic, life };
}

function start(given: WebSocketInput | 'no input' = quiet, options: { connect?: boolean; reconnect?: unknown } = {}) {
  const clock = new SimulatedClock();
  const socket = standIn();
  const poll = standIn();
  const actors = { socket: socket.logic as never, healthPoll: poll.logic as never, ...(options.reconnect ? { reconnect: options.reconnect as never } : {}) };
  const actor = createActor(webSocketMachine.provide({ actors }), { input: given === 'no input' ? undefined : given, clock });
  const emitted: WebSocketEmitted[] = [];
  actor.on('*', (e) => void emitted.push(e as WebSocketEmitted));
  actor.subscribe({ error: (e) => { throw e; } });
  actor.start();
  if (options.connect !== false) actor.send({ type: 'CONNECT' });
  const snap = () => actor.getSnapshot();
  return {
    actor, clock, emitted, socket: socket.life, poll: poll.life, snap,
    send: (e: WebSocketEvent) => actor.send(e),
    ctx: () => snap().context,
    status: () => statusOf(snap()),
    loop: () => snap().children.reconnect as AnyActorRef | undefined,
    types: () => emitted.map((e) => e.type),
  };
}
type Conn = ReturnType<typeof start>;

function startRecorded(input: WebSocketInput = quiet) {
  const rec = loopRecorder();
  const c = start(input, { reconnect: rec.logic });
  return { ...c, rec, set: (value: Parameters<typeof rec.set>[1], attempts: number, delay: number, seed: number) => rec.set(c.actor, value, attempts, delay, seed) };
}

const connected = (activity = 'idle', heartbeat = 'resting') => ({ session: { link: { connected: { activity, heartbeat } } } });
const closeEvent = (code: number, extra: Partial<Extract<WebSocketEvent, { type: 'SOCKET_CLOSED' }>> = {}) =>
  ({ type: 'SOCKET_CLOSED', code, reason: 'r', wasOpen: true, ...extra }) as const;

describe('webSocketMachine: context from the input', () => {
  it('defaults: 10 s connect, 30 s ping, 10 s pong, 2000 ms base (seed 004), 30 s cap, no limits, minUptime 5000, equal jitter, online', () => {
    const c = start('no input', { connect: false });
    expect(c.snap().value).toBe('idle');
    expect(c.ctx()).toEqual({
      dueAt: null, // no timed state entered yet (machines/deadline.ts)
      dueIn: 0,
      url: '',
      connectTimeout: 10_000,
      pingInterval: 30_000,
      pongTimeout: 10_000,
      reconnect: { base: 2_000, maxDelay: 30_000, maxAttempts: null, maxConnectAttempts: null, minUptime: 5_000, jitter: 'equal', seed: 1 },
      attempts: 0,
      nextDelay: 0,
      sessionOpened: false,
      down: null,
      online: true,
      lastClose: null,
      lastError: null,
      connectedAt: null,
      reconnecting: false,
      heartbeat: true,
    });
    expect(c.status()).toBe('closed');
  });

  it('every option lands where it belongs; Infinity limits become null', () => {
    const c = start({
      url: 'ws://127.0.0.1:1', connectTimeout: 3, pingInterval: 5, pongTimeout: 7, reconnectDelay: 11, maxReconnectDelay: 13,
      maxReconnectAttempts: 4, maxConnectAttempts: 2, minUptime: 17, jitter: 'full', seed: 19, online: false,
    }, { connect: false });
    expect(c.ctx()).toMatchObject({
      url: 'ws://127.0.0.1:1', connectTimeout: 3, pingInterval: 5, pongTimeout: 7, online: false,
      reconnect: { base: 11, maxDelay: 13, maxAttempts: 4, maxConnectAttempts: 2, minUptime: 17, jitter: 'full', seed: 19 },
    });
    const unlimited = start({ maxReconnectAttempts: Infinity, maxConnectAttempts: Infinity }, { connect: false }).ctx().reconnect;
    expect([unlimited.maxAttempts, unlimited.maxConnectAttempts]).toEqual([null, null]);
    const zero = start({ maxReconnectAttempts: 0, maxConnectAttempts: 0 }, { connect: false }).ctx().reconnect;
    expect([zero.maxAttempts, zero.maxConnectAttempts]).toEqual([0, 0]);
  });
});

describe('webSocketMachine: opening', () => {
  it('CONNECT: connecting, first attempt, the socket runs (no health poll); status connecting', () => {
    const c = start(quiet, { connect: false });
    c.send({ type: 'CONNECT' });
    expect(c.snap().value).toEqual({ session: { link: 'connecting' } });
    expect(c.ctx()).toMatchObject({ attempts: 1, sessionOpened: false, reconnecting: false });
    expect(Object.keys(c.snap().children)).toEqual(['socket']);
    expect(c.socket).toEqual({ started: 1, stopped: 0 });
    expect(c.poll.started).toBe(0);
    expect(c.status()).toBe('connecting');
    expect(c.emitted).toEqual([]);
  });

  it('OPENED: connected (idle, heartbeat resting), connectedAt, last error forgotten, `open` emitted', () => {
    const c = start();
    c.send({ type: 'SOCKET_FAILED', reason: 'refused' });
    c.send({ type: 'RETRY_NOW' });
    c.send({ type: 'OPENED', at: 1_234 });
    expect(c.snap().value).toEqual(connected());
    expect(c.ctx()).toMatchObject({ sessionOpened: true, connectedAt: 1_234, lastError: null, heartbeat: true, attempts: 2 });
    expect(c.emitted.at(-1)).toEqual({ type: 'open', at: 1_234 });
    expect(c.status()).toBe('idle');
  });

  it('OPENED with heartbeat false records it; a later OPENED without the flag turns it back on', () => {
    const c = start();
    c.send({ type: 'OPENED', at: 1, heartbeat: false });
    expect(c.ctx().heartbeat).toBe(false);
    c.send(closeEvent(1006, { at: 2 }));
    c.send({ type: 'RETRY_NOW' });
    c.send({ type: 'OPENED', at: 3 });
    expect(c.ctx().heartbeat).toBe(true);
  });

  it('connect timeout: exactly connectTimeout, then the wait; default 10000 ms', () => {
    const c = start({ ...quiet, connectTimeout: 300 });
    c.clock.increment(299);
    expect(c.snap().value).toEqual({ session: { link: 'connecting' } });
    c.clock.increment(1);
    expect(c.snap().value).toEqual({ session: 'waiting' });
    expect(c.ctx()).toMatchObject({ lastError: 'connect timeout', attempts: 1, reconnecting: true });
    expect(c.emitted).toEqual([{ type: 'reconnecting', attempt: 2, delay: 100 }]);
    expect(c.loop()!.getSnapshot().context.reason).toBe('connect timeout');
    expect(c.socket).toEqual({ started: 1, stopped: 1 });
    const d = start();
    d.clock.increment(9_999);
    expect(d.snap().matches({ session: { link: 'connecting' } })).toBe(true);
    d.clock.increment(1);
    expect(d.snap().matches({ session: 'waiting' })).toBe(true);
  });

  it('connect timeout while offline: parked in offline, the attempt refunded', () => {
    const c = start({ ...quiet, online: false, connectTimeout: 50 });
    c.clock.increment(50);
    expect(c.snap().value).toEqual({ session: 'offline' });
    expect(c.ctx()).toMatchObject({ lastError: 'connect timeout', attempts: 0, reconnecting: true });
    expect(c.status()).toBe('waiting');
    expect(c.emitted).toEqual([]);
  });

  it('OFFLINE while connecting: parked, not spent; ONLINE attempts at once and counts it', () => {
    const c = start();
    c.send({ type: 'OFFLINE' });
    expect(c.snap().value).toEqual({ session: 'offline' });
    expect(c.ctx()).toMatchObject({ online: false, attempts: 0, reconnecting: true, down: { type: 'ABANDONED' } });
    expect(c.socket).toEqual({ started: 1, stopped: 1 });
    // The loop waits for the network, not for a delay.
    expect(Object.keys(c.snap().children)).toEqual(['reconnect']);
    expect(c.loop()!.getSnapshot().value).toBe('paused');
    c.clock.increment(1_000_000);
    expect(c.snap().value).toEqual({ session: 'offline' });
    c.send({ type: 'ONLINE' });
    expect(c.snap().value).toEqual({ session: { link: 'connecting' } });
    expect(c.ctx()).toMatchObject({ online: true, attempts: 1 });
    expect(c.status()).toBe('waiting');
    expect(c.socket.started).toBe(2);
  });

  it('OFFLINE during a reconnect attempt refunds just that attempt', () => {
    const c = start();
    c.send({ type: 'SOCKET_FAILED', reason: 'refused' });
    c.clock.increment(100); // attempt 2
    c.send({ type: 'SOCKET_FAILED', reason: 'refused' });
    c.clock.increment(200); // attempt 3
    expect(c.ctx().attempts).toBe(3);
    c.send({ type: 'OFFLINE' });
    expect(c.ctx().attempts).toBe(2);
    c.send({ type: 'ONLINE' });
    expect(c.ctx().attempts).toBe(3);
  });

  it('the refund never goes below zero', () => {
    const c = start();
    c.send({ type: 'OFFLINE' }); // 0
    c.send({ type: 'ONLINE' }); // 1
    c.send({ type: 'OFFLINE' }); // 0
    expect(c.ctx().attempts).toBe(0);
    // The parent tells its loop why (the loop gives the attempt back) and keeps what the paused loop hands it.
    const r = startRecorded();
    r.send({ type: 'OFFLINE' });
    expect(r.rec.inputs.at(-1)).toMatchObject({ record: { attempts: 1 }, cause: { type: 'ABANDONED' }, offline: true });
    r.set('paused', 0, 0, 1);
    expect(r.ctx().attempts).toBe(0);
  });

  it('without a socket actor the attempt fails loudly', () => {
    const actor = createActor(webSocketMachine, { input: { jitter: 'none', pingInterval: 0 } });
    const emitted: WebSocketEmitted[] = [];
    actor.on('*', (e) => void emitted.push(e as WebSocketEmitted));
    actor.start();
    actor.send({ type: 'CONNECT' });
    expect(actor.getSnapshot().value).toEqual({ session: 'waiting' });
    expect(emitted[0]).toEqual({ type: 'error', message: 'webSocketMachine: no `socket` actor provided' });
    actor.stop();
  });
});

describe('webSocketMachine: failures and closes', () => {
  it('a failed opening: reported with its status, waited on; the poll runs while waiting', () => {
    const c = start();
    c.send({ type: 'SOCKET_FAILED', reason: 'HTTP 503', status: 503 });
    expect(c.snap().value).toEqual({ session: 'waiting' });
    expect(c.ctx()).toMatchObject({ lastError: 'HTTP 503', reconnecting: true, attempts: 1, nextDelay: 100 });
    expect(c.emitted).toEqual([{ type: 'error', message: 'HTTP 503', status: 503 }, { type: 'reconnecting', attempt: 2, delay: 100 }]);
    expect(c.loop()!.getSnapshot().context.reason).toBe('HTTP 503');
    expect(Object.keys(c.snap().children).sort()).toEqual(['healthPoll', 'reconnect']);
    expect(c.poll).toEqual({ started: 1, stopped: 0 });
    expect(c.status()).toBe('waiting');
    c.clock.increment(100);
    expect(c.poll).toEqual({ started: 1, stopped: 1 });
    expect(c.snap().value).toEqual({ session: { link: 'connecting' } });
  });

  it('a refused opening: no status key', () => {
    const c = start();
    c.send({ type: 'SOCKET_FAILED', reason: 'ECONNREFUSED' });
    expect(c.emitted[0]).toEqual({ type: 'error', message: 'ECONNREFUSED' });
    expect(Object.keys(c.emitted[0]!)).toEqual(['type', 'message']);
  });

  it.each([401, 403])('an upgrade answered %i ends the session in error', (status) => {
    const c = start();
    c.send({ type: 'SOCKET_FAILED', reason: 'denied', status });
    expect(c.snap().value).toBe('error');
    expect(c.ctx().lastError).toBe('denied');
    expect(c.emitted).toEqual([{ type: 'error', message: 'denied', status }]);
    expect(c.snap().children).toEqual({});
    expect(c.status()).toBe('error');
    c.clock.increment(1_000_000);
    expect(c.snap().value).toBe('error');
  });

  it.each([400, 402, 404, 500])('an upgrade answered %i is retried', (status) => {
    const c = start();
    c.send({ type: 'SOCKET_FAILED', reason: 'x', status });
    expect(c.snap().value).toEqual({ session: 'waiting' });
  });

  it('a failed opening while offline: reported, parked, not spent', () => {
    const c = start({ ...quiet, online: false });
    c.send({ type: 'SOCKET_FAILED', reason: 'ENETDOWN' });
    expect(c.snap().value).toEqual({ session: 'offline' });
    expect(c.ctx()).toMatchObject({ attempts: 0, lastError: 'ENETDOWN' });
    expect(c.emitted).toEqual([{ type: 'error', message: 'ENETDOWN' }]);
  });

  it('a 401 while offline is still final', () => {
    const c = start({ ...quiet, online: false });
    c.send({ type: 'SOCKET_FAILED', reason: 'denied', status: 401 });
    expect(c.snap().value).toBe('error');
  });

  it('close 1000: closed, `close` emitted, nothing more runs', () => {
    const c = start();
    c.send({ type: 'OPENED', at: 0 });
    c.send(closeEvent(1000, { reason: 'bye', at: 5 }));
    expect(c.snap().value).toBe('closed');
    expect(c.ctx()).toMatchObject({ lastClose: { code: 1000, reason: 'bye' }, connectedAt: null });
    expect(c.emitted.slice(1)).toEqual([{ type: 'close', code: 1000, reason: 'bye', wasOpen: true }]);
    expect(c.snap().children).toEqual({});
    expect(c.status()).toBe('closed');
  });

  it('close 1000 even when the runtime marks it terminal: closed, no error', () => {
    const c = start();
    c.send(closeEvent(1000, { terminal: true }));
    expect(c.snap().value).toBe('closed');
    expect(c.types()).toEqual(['close']);
  });

  it('a terminal close: error with the close and an error carrying the code', () => {
    const c = start();
    c.send({ type: 'OPENED', at: 0 });
    c.send(closeEvent(4001, { reason: 'kicked', terminal: true, at: 3 }));
    expect(c.snap().value).toBe('error');
    expect(c.ctx().lastClose).toEqual({ code: 4001, reason: 'kicked' });
    expect(c.emitted.slice(1)).toEqual([
      { type: 'close', code: 4001, reason: 'kicked', wasOpen: true },
      { type: 'error', message: 'closed 4001 kicked', code: 4001 },
    ]);
    expect(Object.keys(c.emitted.at(-1)!)).toEqual(['type', 'message', 'code']);
  });

  it('a close with terminal false, or none, reconnects: `close` then `reconnecting`', () => {
    for (const terminal of [false, undefined]) {
      const c = start();
      c.send({ type: 'OPENED', at: 0 });
      c.send(closeEvent(1006, { reason: '', at: 3, ...(terminal === undefined ? {} : { terminal }) }));
      expect(c.snap().value).toEqual({ session: 'waiting' });
      expect(c.emitted.slice(1)).toEqual([{ type: 'close', code: 1006, reason: '', wasOpen: true }, { type: 'reconnecting', attempt: 2, delay: 100 }]);
      expect(c.loop()!.getSnapshot().context.reason).toBe('closed 1006');
      expect(c.ctx()).toMatchObject({ reconnecting: true, connectedAt: null });
    }
  });

  it('a close of an opening that never opened (wasOpen false) reconnects too', () => {
    const c = start();
    c.send(closeEvent(1006, { wasOpen: false }));
    expect(c.snap().value).toEqual({ session: 'waiting' });
    expect(c.emitted[0]).toEqual({ type: 'close', code: 1006, reason: 'r', wasOpen: false });
  });

  it('a close while offline parks the session (the attempt that opened stays spent)', () => {
    const c = start();
    c.send({ type: 'OPENED', at: 0 });
    c.send({ type: 'OFFLINE' });
    c.send(closeEvent(1006, { at: 10 }));
    expect(c.snap().value).toEqual({ session: 'offline' });
    expect(c.types().filter((t) => t !== 'ping' && t !== 'open')).toEqual(['close']);
    expect(c.ctx()).toMatchObject({ attempts: 1, reconnecting: true, lastClose: { code: 1006, reason: 'r' } });
    c.send({ type: 'ONLINE' });
    expect(c.ctx().attempts).toBe(2);
  });
});

describe('webSocketMachine: while connected', () => {
  it('activity follows the runtime; statusOf shows it', () => {
    const c = start();
    c.send({ type: 'OPENED', at: 0 });
    const seen: string[] = [];
    for (const type of ['STREAM_AUDIO', 'USER_MESSAGE', 'SPEAKING', 'IDLE', 'SPEAKING'] as const) {
      c.send({ type });
      seen.push(c.status());
    }
    expect(seen).toEqual(['listening', 'thinking', 'speaking', 'idle', 'speaking']);
    expect(c.snap().value).toEqual(connected('speaking'));
    // Activity events before the link opens do nothing.
    const d = start();
    d.send({ type: 'SPEAKING' });
    expect(d.snap().value).toEqual({ session: { link: 'connecting' } });
  });

  it('heartbeat: a ping every pingInterval; a pong in time keeps the link; none in pongTimeout asks to terminate', () => {
    const c = start({ ...quiet, pingInterval: 1_000, pongTimeout: 300 });
    c.send({ type: 'OPENED', at: 0 });
    c.clock.increment(999);
    expect(c.types()).toEqual(['open']);
    c.clock.increment(1);
    expect(c.types()).toEqual(['open', 'ping']);
    expect(c.snap().value).toEqual(connected('idle', 'awaitingPong'));
    c.clock.increment(299);
    c.send({ type: 'PONG' });
    expect(c.snap().value).toEqual(connected('idle', 'resting'));
    c.clock.increment(999);
    expect(c.types()).toEqual(['open', 'ping']);
    c.clock.increment(1);
    expect(c.types()).toEqual(['open', 'ping', 'ping']);
    c.clock.increment(299);
    expect(c.types()).toEqual(['open', 'ping', 'ping']);
    c.clock.increment(1);
    expect(c.types()).toEqual(['open', 'ping', 'ping', 'terminate']);
    expect(c.snap().value).toEqual(connected('idle', 'resting'));
    // PONG while resting changes nothing.
    c.send({ type: 'PONG' });
    expect(c.snap().value).toEqual(connected('idle', 'resting'));
  });

  it('heartbeat defaults: ping after 30000 ms, terminate 10000 ms later', () => {
    const c = start({ ...quiet, pingInterval: undefined });
    c.send({ type: 'OPENED', at: 0 });
    c.clock.increment(29_999);
    expect(c.types()).toEqual(['open']);
    c.clock.increment(1);
    expect(c.types()).toEqual(['open', 'ping']);
    c.clock.increment(9_999);
    expect(c.types()).toEqual(['open', 'ping']);
    c.clock.increment(1);
    expect(c.types()).toEqual(['open', 'ping', 'terminate']);
  });

  it('pingInterval 0, or a socket without heartbeat: never a ping', () => {
    for (const [input, opened] of [[{ pingInterval: 0 }, {}], [{ pingInterval: 10 }, { heartbeat: false }]] as const) {
      const c = start({ ...quiet, ...input });
      c.send({ type: 'OPENED', at: 0, ...opened });
      c.clock.increment(100_000);
      expect(c.types()).toEqual(['open']);
      expect(c.snap().value).toEqual(connected());
    }
  });

  it('OFFLINE while resting: pings at once (a pingable socket), records offline', () => {
    const c = start({ ...quiet, pingInterval: 60_000, pongTimeout: 500 });
    c.send({ type: 'OPENED', at: 0 });
    c.send({ type: 'OFFLINE' });
    expect(c.ctx().online).toBe(false);
    expect(c.types()).toEqual(['open', 'ping']);
    expect(c.snap().value).toEqual(connected('idle', 'awaitingPong'));
    c.clock.increment(500);
    expect(c.types()).toEqual(['open', 'ping', 'terminate']);
    // OFFLINE while a pong is awaited: recorded only, no second ping.
    const d = start({ ...quiet, pingInterval: 100, pongTimeout: 500 });
    d.send({ type: 'OPENED', at: 0 });
    d.clock.increment(100);
    d.send({ type: 'OFFLINE' });
    expect(d.types()).toEqual(['open', 'ping']);
    expect(d.ctx().online).toBe(false);
  });

  it('OFFLINE with the heartbeat off by pingInterval 0 still pings (the socket can be pinged)', () => {
    const c = start({ ...quiet, pingInterval: 0 });
    c.send({ type: 'OPENED', at: 0 });
    c.send({ type: 'OFFLINE' });
    expect(c.types()).toEqual(['open', 'ping']);
  });

  it('OFFLINE / ONLINE outside a session only record the network', () => {
    const c = start(quiet, { connect: false });
    c.send({ type: 'OFFLINE' });
    expect([c.snap().value, c.ctx().online]).toEqual(['idle', false]);
    c.send({ type: 'ONLINE' });
    expect([c.snap().value, c.ctx().online]).toEqual(['idle', true]);
    const o = start();
    o.send({ type: 'OPENED', at: 0 });
    o.send({ type: 'OFFLINE' });
    o.send({ type: 'ONLINE' });
    expect(o.ctx().online).toBe(true);
    expect(o.snap().matches({ session: { link: 'connected' } })).toBe(true);
  });
});

describe('webSocketMachine: waiting (real loop, jitter none)', () => {
  it('waits double from the base, capped; each ends with the next attempt', () => {
    const c = start({ ...quiet, reconnectDelay: 100, maxReconnectDelay: 700 });
    const waits = [100, 200, 400, 700, 700];
    for (const [i, delay] of waits.entries()) {
      c.send({ type: 'SOCKET_FAILED', reason: 'refused' });
      expect(c.emitted.at(-1)).toEqual({ type: 'reconnecting', attempt: i + 2, delay });
      expect(c.ctx()).toMatchObject({ attempts: i + 1, nextDelay: delay });
      c.clock.increment(delay - 1);
      expect(c.snap().value).toEqual({ session: 'waiting' });
      c.clock.increment(1);
      expect(c.snap().value).toEqual({ session: { link: 'connecting' } });
      expect(c.ctx().attempts).toBe(i + 2);
    }
  });

  it.each(['HEALTHY', 'RETRY_NOW', 'VISIBLE', 'ONLINE'] as const)('%s ends the wait at once', (type) => {
    const c = start({ ...quiet, reconnectDelay: 60_000, maxReconnectDelay: 60_000 });
    c.send({ type: 'SOCKET_FAILED', reason: 'refused' });
    c.send({ type });
    expect(c.snap().value).toEqual({ session: { link: 'connecting' } });
    expect(c.ctx()).toMatchObject({ attempts: 2, online: true });
  });

  it('ONLINE during a wait after OFFLINE outside it: online again', () => {
    const r = startRecorded();
    r.send({ type: 'SOCKET_FAILED', reason: 'x' });
    r.actor.send({ type: 'ONLINE' });
    expect(r.rec.told.at(-1)).toEqual({ type: 'RETRY_NOW' });
    expect(r.ctx().online).toBe(true);
  });

  it('HEALTHY, RETRY_NOW, VISIBLE elsewhere do nothing', () => {
    const c = start();
    for (const type of ['HEALTHY', 'RETRY_NOW', 'VISIBLE'] as const) c.send({ type });
    expect(c.snap().value).toEqual({ session: { link: 'connecting' } });
    c.send({ type: 'OPENED', at: 0 });
    for (const type of ['HEALTHY', 'RETRY_NOW', 'VISIBLE'] as const) c.send({ type });
    expect(c.snap().value).toEqual(connected());
  });

  it('OFFLINE during a wait: parked, the loop and the poll stopped, nothing spent', () => {
    const c = start();
    c.send({ type: 'SOCKET_FAILED', reason: 'refused' });
    c.send({ type: 'OFFLINE' });
    expect(c.snap().value).toEqual({ session: 'offline' });
    // The waiting loop and the poll stopped; a paused loop (no timer) waits for the network.
    expect(Object.keys(c.snap().children)).toEqual(['reconnect']);
    expect(c.loop()!.getSnapshot().value).toBe('paused');
    expect(c.poll).toEqual({ started: 1, stopped: 1 });
    expect(c.ctx()).toMatchObject({ online: false, attempts: 1, down: { type: 'PAUSED' } });
    c.clock.increment(1_000_000);
    expect(c.snap().value).toEqual({ session: 'offline' });
    c.send({ type: 'ONLINE' });
    expect(c.snap().value).toEqual({ session: { link: 'connecting' } });
    expect(c.ctx().attempts).toBe(2);
  });

  it('equal jitter (the default): half the delay plus a seeded half; the seed moves on', () => {
    const c = start({ pingInterval: 0, reconnectDelay: 1_000, seed: 7 });
    const [r, s] = nextRandom(7);
    c.send({ type: 'SOCKET_FAILED', reason: 'x' });
    expect(c.ctx().nextDelay).toBe(500 + r * 500);
    expect(c.ctx().reconnect.seed).toBe(s);
  });

  it('a link that stayed up minUptime starts from scratch; shorter keeps counting; no time never resets', () => {
    const c = start({ ...quiet, minUptime: 1_000 });
    c.send({ type: 'SOCKET_FAILED', reason: 'x' });
    c.clock.increment(100); // 2
    c.send({ type: 'OPENED', at: 5_000 });
    c.send(closeEvent(1006, { at: 5_999 }));
    expect(c.ctx().attempts).toBe(2);
    expect(c.emitted.at(-1)).toEqual({ type: 'reconnecting', attempt: 3, delay: 200 });
    c.clock.increment(200); // 3
    c.send({ type: 'OPENED', at: 10_000 });
    c.send(closeEvent(1006, { at: 11_000 }));
    expect(c.ctx().attempts).toBe(0);
    expect(c.emitted.at(-1)).toEqual({ type: 'reconnecting', attempt: 1, delay: 100 });
    c.clock.increment(100);
    c.send({ type: 'OPENED', at: 0 });
    c.send(closeEvent(1006));
    expect(c.ctx().attempts).toBe(1);
    const d = start({ ...quiet, minUptime: undefined });
    d.send({ type: 'OPENED', at: 0 });
    d.send(closeEvent(1006, { at: 4_999 }));
    expect(d.ctx().attempts).toBe(1);
    const e = start({ ...quiet, minUptime: undefined });
    e.send({ type: 'OPENED', at: 0 });
    e.send(closeEvent(1006, { at: 5_000 }));
    expect(e.ctx().attempts).toBe(0);
  });

  it('a normal close of a link that lasted resets the count too, and closes', () => {
    const c = start();
    c.send({ type: 'OPENED', at: 0 });
    c.send(closeEvent(1000, { at: 1_000_000 }));
    // The close lasted: the count shows reset (no loop runs after a normal close), and closed.
    expect(c.ctx().down).toEqual({ type: 'DROPPED', reason: 'closed 1000', upFor: 1_000_000 });
    expect(attemptsShown(c.ctx(), null)).toBe(0);
    expect(c.snap().value).toBe('closed');
  });

  it('maxConnectAttempts before the first open; maxReconnectAttempts after', () => {
    const c = start({ ...quiet, maxConnectAttempts: 2, maxReconnectAttempts: 3, maxReconnectDelay: 100 });
    c.send({ type: 'SOCKET_FAILED', reason: 'x' });
    c.clock.increment(100);
    c.send({ type: 'SOCKET_FAILED', reason: 'x' });
    expect(c.snap().value).toBe('error');
    expect(c.emitted.at(-1)).toEqual({ type: 'max_reconnect_attempts', attempts: 2 });
    expect(c.status()).toBe('error');
    c.send({ type: 'CONNECT' });
    expect(c.ctx()).toMatchObject({ attempts: 1, sessionOpened: false, reconnecting: false });
    c.send({ type: 'OPENED', at: 0 });
    c.send(closeEvent(1006, { at: 1 }));
    c.clock.increment(100); // 2
    c.send({ type: 'SOCKET_FAILED', reason: 'x' });
    c.clock.increment(100); // 3
    expect(c.snap().value).toEqual({ session: { link: 'connecting' } });
    c.send({ type: 'SOCKET_FAILED', reason: 'x' });
    expect(c.snap().value).toBe('error');
    expect(c.emitted.at(-1)).toEqual({ type: 'max_reconnect_attempts', attempts: 3 });
  });
});

describe('webSocketMachine: DISCONNECT and CONNECT', () => {
  it.each([
    ['connecting', (): void => {}],
    ['connected', (c: Conn): void => c.send({ type: 'OPENED', at: 0 })],
    ['waiting', (c: Conn): void => c.send({ type: 'SOCKET_FAILED', reason: 'x' })],
    ['offline', (c: Conn): void => c.send({ type: 'OFFLINE' })],
  ] as const)('DISCONNECT while %s: closed, nothing runs, nothing emitted', (_name, reach) => {
    const c = start({ ...quiet, pingInterval: 100 });
    reach(c);
    const before = c.emitted.length;
    c.send({ type: 'DISCONNECT' });
    expect(c.snap().value).toBe('closed');
    expect(c.snap().children).toEqual({});
    c.clock.increment(1_000_000);
    expect(c.snap().value).toBe('closed');
    expect(c.emitted.length).toBe(before);
    expect(c.socket.started).toBe(c.socket.stopped);
    expect(c.poll.started).toBe(c.poll.stopped);
    expect(c.status()).toBe('closed');
  });

  it.each(['closed', 'error'] as const)('CONNECT from %s: a fresh session (attempt 1, not reconnecting)', (from) => {
    const c = start();
    c.send({ type: 'SOCKET_FAILED', reason: 'x' });
    expect(c.ctx().reconnecting).toBe(true);
    c.send(from === 'closed' ? { type: 'DISCONNECT' } : { type: 'SOCKET_FAILED', reason: 'x' });
    if (from === 'error') {
      c.send({ type: 'RETRY_NOW' });
      c.send({ type: 'SOCKET_FAILED', reason: 'no', status: 403 });
    }
    expect(c.snap().value).toBe(from);
    c.send({ type: 'CONNECT' });
    expect(c.snap().value).toEqual({ session: { link: 'connecting' } });
    expect(c.ctx()).toMatchObject({ attempts: 1, sessionOpened: false, reconnecting: false });
    expect(c.status()).toBe('connecting');
  });

  it('CONNECT during a session changes nothing', () => {
    const c = start();
    c.send({ type: 'OPENED', at: 4 });
    c.send({ type: 'CONNECT' });
    expect(c.snap().value).toEqual(connected());
    expect(c.ctx()).toMatchObject({ attempts: 1, sessionOpened: true, connectedAt: 4 });
  });
});

describe('webSocketMachine: what it gives its loop (recording stand-in)', () => {
  it('the input (no factor, no jitterRatio, no seed in the policy), the cause, the record kept and `reconnecting`', () => {
    const r = startRecorded({ ...quiet, reconnectDelay: 100, maxReconnectDelay: 900, maxConnectAttempts: 4, maxReconnectAttempts: 6, minUptime: 50, jitter: 'full', seed: 9 });
    r.send({ type: 'SOCKET_FAILED', reason: 'refused' });
    const policy = { base: 100, maxDelay: 900, maxAttempts: 6, maxConnectAttempts: 4, minUptime: 50, jitter: 'full' };
    expect(r.rec.inputs).toEqual([
      { policy, record: { attempts: 1, delay: 0, seed: 9 }, cause: { type: 'FAILED', reason: 'refused' }, sessionOpened: false, offline: false },
    ]);
    r.set('waiting', 1, 270, 33);
    expect(r.ctx()).toMatchObject({ attempts: 1, nextDelay: 270, reconnect: { seed: 33, base: 100 } });
    expect(r.emitted.at(-1)).toEqual({ type: 'reconnecting', attempt: 2, delay: 270 });
    expect(r.types().filter((t) => t === 'reconnecting')).toHaveLength(1);
    for (const type of ['HEALTHY', 'RETRY_NOW', 'VISIBLE'] as const) r.send({ type });
    expect(r.rec.told).toEqual([{ type: 'RETRY_NOW' }, { type: 'RETRY_NOW' }, { type: 'RETRY_NOW' }]);
    r.send({ type: 'RESUME', at: 0 });
    expect(r.rec.told.at(-1)).toEqual({ type: 'RESUME' });
    r.set('attempting', 2, 270, 33);
    expect(r.snap().value).toEqual({ session: { link: 'connecting' } });
    expect(r.ctx()).toMatchObject({ attempts: 2, nextDelay: 270, reconnect: { seed: 33 }, down: null });
    r.send({ type: 'OPENED', at: 0 });
    r.send(closeEvent(4000, { at: 10 }));
    expect(r.rec.inputs[1]).toEqual({
      policy,
      record: { attempts: 2, delay: 270, seed: 33 },
      cause: { type: 'DROPPED', reason: 'closed 4000', upFor: 10 },
      sessionOpened: true,
      offline: false,
    });
  });

  it('both limits go to the loop as given (the loop picks); no limit is null', () => {
    const r = startRecorded({ ...quiet, maxConnectAttempts: 5, maxReconnectAttempts: 3 });
    r.send({ type: 'SOCKET_FAILED', reason: 'x' });
    expect(r.rec.inputs[0]).toMatchObject({ policy: { maxAttempts: 3, maxConnectAttempts: 5 }, sessionOpened: false });
    const u = startRecorded();
    u.send({ type: 'SOCKET_FAILED', reason: 'x' });
    expect(u.rec.inputs[0]).toMatchObject({ policy: { maxAttempts: null, maxConnectAttempts: null } });
  });

  it('the cause told: a timeout is a failure, a close a drop with how long it was up (null without times)', () => {
    const r = startRecorded();
    r.clock.increment(10_000);
    expect(r.rec.inputs.at(-1)).toMatchObject({ cause: { type: 'FAILED', reason: 'connect timeout' } });
    r.set('attempting', 2, 0, 1);
    r.send({ type: 'OPENED', at: 0 });
    r.send(closeEvent(1011, { at: 1 }));
    expect(r.rec.inputs.at(-1)).toMatchObject({ cause: { type: 'DROPPED', reason: 'closed 1011', upFor: 1 } });
    r.set('attempting', 3, 0, 1);
    r.send({ type: 'OPENED', at: 5 });
    r.send(closeEvent(1011));
    expect(r.rec.inputs.at(-1)).toMatchObject({ cause: { type: 'DROPPED', reason: 'closed 1011', upFor: null } });
  });

  it('a loop snapshot in another state changes nothing; attempting opens again; exhausted → error with the count', () => {
    const r = startRecorded();
    r.send({ type: 'SOCKET_FAILED', reason: 'x' });
    const before = r.ctx();
    r.set('paused', 7, 7, 7);
    r.set('down', 7, 7, 7);
    expect(r.snap().value).toEqual({ session: 'waiting' });
    expect(r.ctx()).toEqual(before);
    expect(r.types()).not.toContain('reconnecting');
    const e = startRecorded();
    e.send({ type: 'SOCKET_FAILED', reason: 'x' });
    e.set('exhausted', 4, 0, 1);
    expect(e.snap().value).toBe('error');
    expect(e.emitted.at(-1)).toEqual({ type: 'max_reconnect_attempts', attempts: 4 });
    expect(e.ctx().attempts).toBe(4);
  });

  it('offline: a waiting snapshot changes nothing, a paused one is kept; ONLINE tells the loop; its end opens again', () => {
    const r = startRecorded();
    r.send({ type: 'OFFLINE' });
    r.set('waiting', 9, 9, 9);
    expect(r.ctx().attempts).toBe(1);
    r.set('paused', 0, 5, 6);
    expect(r.ctx()).toMatchObject({ attempts: 0, nextDelay: 5, reconnect: { seed: 6 } });
    r.send({ type: 'ONLINE' });
    expect(r.rec.told).toEqual([{ type: 'RETRY_NOW' }]);
    expect(r.snap().value).toEqual({ session: 'offline' });
    r.set('attempting', 1, 5, 6);
    expect(r.snap().value).toEqual({ session: { link: 'connecting' } });
    expect(r.ctx()).toMatchObject({ attempts: 1, online: true });
  });
});

describe('statusOf', () => {
  it('closed, connecting, activity, waiting (wait, reconnect attempt, offline), error, closed', () => {
    const c = start(quiet, { connect: false });
    const seen = [c.status()];
    const step = (e: WebSocketEvent) => { c.send(e); seen.push(c.status()); };
    step({ type: 'CONNECT' });
    step({ type: 'OPENED', at: 0 });
    step({ type: 'STREAM_AUDIO' });
    step(closeEvent(1006, { at: 1 }));
    step({ type: 'RETRY_NOW' });
    step({ type: 'OFFLINE' });
    step({ type: 'ONLINE' });
    step({ type: 'OPENED', at: 2 });
    step({ type: 'DISCONNECT' });
    step({ type: 'CONNECT' });
    step({ type: 'SOCKET_FAILED', reason: 'no', status: 401 });
    expect(seen).toEqual(['closed', 'connecting', 'idle', 'listening', 'waiting', 'waiting', 'waiting', 'waiting', 'idle', 'closed', 'connecting', 'error']);
  });
});

describe('webSocketMachine: a restored open link without its open time', () => {
  it('a close cannot be judged against minUptime: the count is kept', () => {
    const c = start({ ...quiet, minUptime: 1_000 });
    c.send({ type: 'OPENED', at: 0 });
    const saved = JSON.parse(JSON.stringify(c.actor.getPersistedSnapshot()));
    saved.context.connectedAt = null; // e.g. persisted by a version that did not keep it
    const restored = createActor(webSocketMachine.provide({ actors: { socket: fromCallback(() => () => {}) as never, healthPoll: fromCallback(() => {}) as never } }), { snapshot: saved, input: undefined, clock: new SimulatedClock() });
    restored.start();
    restored.send(closeEvent(1006, { at: 50_000 }));
    expect(restored.getSnapshot().value).toEqual({ session: 'waiting' });
    expect(restored.getSnapshot().context.attempts).toBe(1);
    restored.stop();
  });
});

describe('webSocketMachine: a restored link persisted before `heartbeat` existed', () => {
  const restore = (saved: unknown) => {
    const clock = new SimulatedClock();
    const actor = createActor(webSocketMachine.provide({ actors: { socket: fromCallback(() => () => {}) as never, healthPoll: fromCallback(() => {}) as never } }), { snapshot: saved as never, input: undefined, clock });
    const asked: string[] = [];
    actor.on('ping', () => asked.push('ping'));
    actor.start();
    return { actor, clock, asked };
  };
  const savedWithoutHeartbeat = (advance: number) => {
    const c = start({ ...quiet, pingInterval: 100, pongTimeout: 1_000 });
    c.send({ type: 'OPENED', at: 0 });
    c.clock.increment(advance);
    const saved = JSON.parse(JSON.stringify(c.actor.getPersistedSnapshot()));
    delete saved.context.heartbeat;
    return saved;
  };

  it('keeps its heartbeat: the next rest ends in a ping', () => {
    const r = restore(savedWithoutHeartbeat(100)); // awaiting a pong
    r.actor.send({ type: 'PONG' });
    r.clock.increment(100);
    expect(r.asked).toEqual(['ping']);
    r.actor.stop();
  });

  it('can be pinged: OFFLINE pings at once', () => {
    const r = restore(savedWithoutHeartbeat(0)); // resting
    r.actor.send({ type: 'OFFLINE' });
    expect(r.asked).toEqual(['ping']);
    r.actor.stop();
  });
});
