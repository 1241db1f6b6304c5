/**
 * `sseMachine` against independent oracles: every expected state, context value,
 * emitted event and delay below is written by hand from the options and the
 * documented rules (spec: 204 stops, `retry:` replaces the base delay; 401 / 403
 * are final), never read back from the machine, so a wrong machine fails. The
 * model tests only replay the machine against itself.
 *
 * The stream is a stand-in the test drives by sending the events a real stream
 * actor sends. The reconnect child is either the real loop (jitter `none`, so the
 * waits are `base · factor^(n-1)`, capped) or a recording stand-in
 * (`loopRecorder`) that shows exactly what the machine gives its loop.
 */
import { createActor, fromCallback, SimulatedClock, type AnyActorRef } from 'xstate';
import { describe, expect, it } from 'vitest';
import { sseMachine, sseStatusOf, type SseEmitted, type SseInput } from '../../machines/sse.js';
import { nextRandom } from '../../machines/random.js';
import { loopRecorder } from './loopRecorder.js';

/** The stream stand-in counts its starts and stops. */
function streamStandIn() {
  const life = { started: 0, stopped: 0 };
  const logic = fromCallback(() => {
    life.started++;
    return () => void life.stopped++;
  });
  return { logic, life };
}

function start(given: SseInput | 'no input' = { reconnectDelay: 100, maxReconnectDelay: 10_000, jitter: 'none', minUptime: 1_000 }, connect = true) {
  const clock = new SimulatedClock();
  const stream = streamStandIn();
  const input = given === 'no input' ? undefined : given;
  const actor = createActor(sseMachine.provide({ actors: { stream: stream.logic as never } }), { input, clock });
  const emitted: SseEmitted[] = [];
  actor.on('*', (e) => void emitted.push(e as SseEmitted));
  actor.subscribe({ error: (e) => { throw e; } });
  actor.start();
  if (connect) actor.send({ type: 'CONNECT' });
  const snap = () => actor.getSnapshot();
  const loop = () => snap().children.reconnect as AnyActorRef | undefined;
  return { actor, clock, emitted, life: stream.life, snap, loop, ctx: () => snap().context, status: () => sseStatusOf(snap()) };
}

function startRecorded(input: SseInput = { reconnectDelay: 100, maxReconnectDelay: 10_000, jitter: 'none', minUptime: 1_000 }) {
  const rec = loopRecorder();
  const clock = new SimulatedClock();
  const actor = createActor(sseMachine.provide({ actors: { stream: fromCallback(() => () => {}) as never, reconnect: rec.logic as never } }), { input, clock });
  const emitted: SseEmitted[] = [];
  actor.on('*', (e) => void emitted.push(e as SseEmitted));
  actor.subscribe({ error: (e) => { throw e; } });
  actor.start();
  actor.send({ type: 'CONNECT' });
  return { actor, clock, emitted, rec, snap: () => actor.getSnapshot(), set: (...a: Parameters<typeof rec.set> extends [unknown, ...infer R] ? R : never) => rec.set(actor, ...a) };
}

type Conn = ReturnType<typeof start>;
const drop = (at?: number) => ({ type: 'STREAM_ENDED' as const, reason: 'dropped' as const, ...(at === undefined ? {} : { at }) });

describe('sseMachine: context from the input', () => {
  it('defaults: seed 000 (1000 ms, ×2), 30 s cap, no attempt limits, minUptime 5000, proportional ±20 %, seed 1', () => {
    const { ctx, snap } = start('no input', false);
    expect(snap().value).toBe('idle');
    expect(ctx()).toEqual({
      dueAt: null, // no timed state entered yet (machines/deadline.ts)
      dueIn: 0,
      url: '',
      connectTimeout: 5_000,
      reconnect: { base: 1_000, factor: 2, maxDelay: 30_000, maxAttempts: null, maxConnectAttempts: null, minUptime: 5_000, jitter: 'proportional', jitterRatio: 0.2, seed: 1 },
      attempts: 0,
      nextDelay: 0,
      sessionOpened: false,
      down: null,
      serverRetry: null,
      lastStatus: null,
      lastError: null,
      lastEnd: null,
      connectedAt: null,
    });
  });

  it('every option lands where it belongs; Infinity limits become null', () => {
    const input: SseInput = {
      url: 'http://127.0.0.1:1/events', connectTimeout: 7, reconnectDelay: 11, backoffMultiplier: 3, maxReconnectDelay: 13,
      maxReconnectAttempts: 4, maxConnectAttempts: 2, minUptime: 17, jitter: 'full', jitterRatio: 0.5, seed: 19,
    };
    expect(start(input, false).ctx()).toMatchObject({
      url: 'http://127.0.0.1:1/events', connectTimeout: 7,
      reconnect: { base: 11, factor: 3, maxDelay: 13, maxAttempts: 4, maxConnectAttempts: 2, minUptime: 17, jitter: 'full', jitterRatio: 0.5, seed: 19 },
    });
    const unlimited = start({ maxReconnectAttempts: Infinity, maxConnectAttempts: Infinity }, false).ctx().reconnect;
    expect(unlimited.maxAttempts).toBeNull();
    expect(unlimited.maxConnectAttempts).toBeNull();
    const zero = start({ maxReconnectAttempts: 0, maxConnectAttempts: 0 }, false).ctx().reconnect;
    expect(zero.maxAttempts).toBe(0);
    expect(zero.maxConnectAttempts).toBe(0);
  });
});

describe('sseMachine: the stream', () => {
  it('CONNECT: connecting, first attempt, the stream actor runs; status waiting', () => {
    const c = start(undefined, false);
    expect(c.status()).toBe('idle');
    expect(c.life.started).toBe(0);
    c.actor.send({ type: 'CONNECT' });
    expect(c.snap().value).toEqual({ session: { stream: 'connecting' } });
    expect(c.ctx()).toMatchObject({ attempts: 1, sessionOpened: false });
    expect(c.life.started).toBe(1);
    expect(Object.keys(c.snap().children)).toEqual(['stream']);
    expect(c.status()).toBe('waiting');
    expect(c.emitted).toEqual([]);
  });

  it('OPENED: open, connectedAt, the last failure forgotten, `open` emitted; status idle', () => {
    const c = start();
    c.actor.send({ type: 'STREAM_FAILED', reason: 'HTTP 500', status: 500 });
    c.clock.increment(100);
    c.actor.send({ type: 'OPENED', at: 1_234 });
    expect(c.snap().value).toEqual({ session: { stream: 'open' } });
    expect(c.ctx()).toMatchObject({ sessionOpened: true, connectedAt: 1_234, lastError: null, lastStatus: null, lastEnd: null, attempts: 2 });
    expect(c.emitted.at(-1)).toEqual({ type: 'open', at: 1_234 });
    expect(c.status()).toBe('idle');
    expect(c.life).toEqual({ started: 2, stopped: 1 });
  });

  it('OPENED clears the end of the stream before', () => {
    const c = start();
    c.actor.send({ type: 'OPENED', at: 0 });
    c.actor.send({ type: 'STREAM_ENDED', reason: 'idle', at: 5 });
    expect(c.ctx().lastEnd).toBe('idle');
    c.actor.send({ type: 'RETRY_NOW' });
    c.actor.send({ type: 'OPENED', at: 9 });
    expect(c.ctx().lastEnd).toBeNull();
  });

  it('OPENED is ignored once open, STREAM_ENDED while connecting', () => {
    const c = start();
    c.actor.send(drop(0));
    expect(c.snap().value).toEqual({ session: { stream: 'connecting' } });
    c.actor.send({ type: 'OPENED', at: 1 });
    c.actor.send({ type: 'OPENED', at: 2 });
    expect(c.ctx().connectedAt).toBe(1);
    expect(c.emitted).toEqual([{ type: 'open', at: 1 }]);
  });

  it('connect timeout: after exactly connectTimeout the attempt is abandoned and the wait begins', () => {
    const c = start({ connectTimeout: 300, reconnectDelay: 100, jitter: 'none' });
    c.clock.increment(299);
    expect(c.snap().value).toEqual({ session: { stream: 'connecting' } });
    c.clock.increment(1);
    expect(c.snap().value).toEqual({ session: 'waiting' });
    expect(c.ctx().lastError).toBe('connect timeout');
    expect(c.life).toEqual({ started: 1, stopped: 1 });
    expect(c.emitted).toEqual([{ type: 'reconnecting', attempt: 2, delay: 100 }]);
    expect(c.loop()!.getSnapshot().context.reason).toBe('connect timeout');
  });

  it('the default connect timeout is 5000 ms; an open stream never times out', () => {
    const c = start({ jitter: 'none' });
    c.clock.increment(4_999);
    expect(c.snap().matches({ session: { stream: 'connecting' } })).toBe(true);
    c.clock.increment(1);
    expect(c.snap().matches({ session: 'waiting' })).toBe(true);
    const o = start({ connectTimeout: 10 });
    o.actor.send({ type: 'OPENED', at: 0 });
    o.clock.increment(1_000_000);
    expect(o.snap().value).toEqual({ session: { stream: 'open' } });
  });

  it('without a stream actor the attempt fails loudly', () => {
    const actor = createActor(sseMachine, { input: { jitter: 'none' } });
    const emitted: SseEmitted[] = [];
    actor.on('*', (e) => void emitted.push(e as SseEmitted));
    actor.start();
    actor.send({ type: 'CONNECT' });
    expect(actor.getSnapshot().value).toEqual({ session: 'waiting' });
    expect(emitted[0]).toEqual({ type: 'error', message: 'sseMachine: no `stream` actor provided' });
    expect(actor.getSnapshot().context.lastError).toBe('sseMachine: no `stream` actor provided');
    actor.stop();
  });
});

describe('sseMachine: ends and failures', () => {
  it.each(['end', 'dropped', 'idle', 'oversized'] as const)('STREAM_ENDED %s: `ended`, then the wait (reason told to the loop)', (reason) => {
    const c = start();
    c.actor.send({ type: 'OPENED', at: 10 });
    c.actor.send({ type: 'STREAM_ENDED', reason, at: 20 });
    expect(c.snap().value).toEqual({ session: 'waiting' });
    expect(c.ctx()).toMatchObject({ lastEnd: reason, connectedAt: null, attempts: 1, nextDelay: 100 });
    expect(c.emitted).toEqual([{ type: 'open', at: 10 }, { type: 'ended', reason }, { type: 'reconnecting', attempt: 2, delay: 100 }]);
    expect(c.loop()!.getSnapshot().context.reason).toBe(`stream ${reason}`);
    expect(c.status()).toBe('waiting');
    expect(c.life).toEqual({ started: 1, stopped: 1 });
  });

  it('a failed attempt is reported (`error` with the status) and waited on', () => {
    const c = start();
    c.actor.send({ type: 'STREAM_FAILED', reason: 'HTTP 503', status: 503 });
    expect(c.snap().value).toEqual({ session: 'waiting' });
    expect(c.ctx()).toMatchObject({ lastError: 'HTTP 503', lastStatus: 503 });
    expect(c.emitted).toEqual([{ type: 'error', message: 'HTTP 503', status: 503 }, { type: 'reconnecting', attempt: 2, delay: 100 }]);
    expect(c.loop()!.getSnapshot().context.reason).toBe('HTTP 503');
  });

  it('a refused attempt: no status in the event or the context', () => {
    const c = start();
    c.actor.send({ type: 'STREAM_FAILED', reason: 'ECONNREFUSED' });
    expect(c.ctx()).toMatchObject({ lastError: 'ECONNREFUSED', lastStatus: null });
    expect(c.emitted[0]).toEqual({ type: 'error', message: 'ECONNREFUSED' });
    expect(Object.keys(c.emitted[0]!)).toEqual(['type', 'message']);
  });

  it('a failure of an open stream is handled too', () => {
    const c = start();
    c.actor.send({ type: 'OPENED', at: 0 });
    c.actor.send({ type: 'STREAM_FAILED', reason: 'HTTP 502', status: 502 });
    expect(c.snap().value).toEqual({ session: 'waiting' });
  });

  it.each([
    ['204 (spec): stopped', { status: 204 }, 'stopped'],
    ['204 even if the runtime says reconnect', { status: 204, terminal: false }, 'stopped'],
    ['401: error', { status: 401 }, 'error'],
    ['403: error', { status: 403 }, 'error'],
    ['the runtime says terminal: error', { status: 500, terminal: true }, 'error'],
    ['terminal without a status: error', { terminal: true }, 'error'],
    ['the runtime says 401 may reconnect: waiting', { status: 401, terminal: false }, 'waiting'],
    ['the runtime says 403 may reconnect: waiting', { status: 403, terminal: false }, 'waiting'],
    ['400: waiting', { status: 400 }, 'waiting'],
    ['402: waiting', { status: 402 }, 'waiting'],
    ['200 (not a stream): waiting', { status: 200 }, 'waiting'],
  ] as const)('%s', (_name, extra, expected) => {
    for (const opened of [false, true]) {
      const c = start();
      if (opened) c.actor.send({ type: 'OPENED', at: 0 });
      c.actor.send({ type: 'STREAM_FAILED', reason: 'no', ...extra });
      const value = c.snap().value;
      expect(expected === 'waiting' ? value : value).toEqual(expected === 'waiting' ? { session: 'waiting' } : expected);
      const status = 'status' in extra ? extra.status : undefined;
      expect(c.ctx()).toMatchObject({ lastError: 'no', lastStatus: status ?? null });
      const events = c.emitted.filter((e) => e.type !== 'open');
      if (expected === 'stopped') {
        expect(events).toEqual([{ type: 'stopped', status: 204 }]);
        expect(c.status()).toBe('idle');
      } else if (expected === 'error') {
        expect(events).toEqual([{ type: 'error', message: 'no', ...(status === undefined ? {} : { status }) }]);
        expect(c.status()).toBe('error');
      } else {
        expect(events[0]).toEqual({ type: 'error', message: 'no', status });
        expect(events[1]).toMatchObject({ type: 'reconnecting' });
      }
      if (expected !== 'waiting') {
        expect(c.snap().children).toEqual({});
        expect(c.life.stopped).toBe(1);
        // Nothing more happens on its own.
        c.clock.increment(1_000_000);
        expect(c.snap().value).toBe(expected);
      }
    }
  });
});

describe('sseMachine: the waits (real loop, jitter none)', () => {
  it('grow by the multiplier from the base, capped at maxReconnectDelay; each ends with the next attempt', () => {
    const c = start({ reconnectDelay: 100, backoffMultiplier: 3, maxReconnectDelay: 2_000, jitter: 'none' });
    const waits = [100, 300, 900, 2_000, 2_000];
    for (const [i, delay] of waits.entries()) {
      c.actor.send({ type: 'STREAM_FAILED', reason: 'refused' });
      expect(c.emitted.at(-1)).toEqual({ type: 'reconnecting', attempt: i + 2, delay });
      expect(c.ctx()).toMatchObject({ attempts: i + 1, nextDelay: delay });
      c.clock.increment(delay - 1);
      expect(c.snap().value).toEqual({ session: 'waiting' });
      c.clock.increment(1);
      expect(c.snap().value).toEqual({ session: { stream: 'connecting' } });
      expect(c.ctx()).toMatchObject({ attempts: i + 2, nextDelay: delay });
    }
    expect(c.life.started).toBe(waits.length + 1);
  });

  it('the default multiplier is 2', () => {
    const c = start({ reconnectDelay: 100, jitter: 'none' });
    c.actor.send({ type: 'STREAM_FAILED', reason: 'refused' });
    c.clock.increment(100);
    c.actor.send({ type: 'STREAM_FAILED', reason: 'refused' });
    expect(c.emitted.at(-1)).toEqual({ type: 'reconnecting', attempt: 3, delay: 200 });
  });

  it('RETRY_NOW skips the rest of the wait; elsewhere it does nothing', () => {
    const c = start({ reconnectDelay: 10_000, jitter: 'none' });
    c.actor.send({ type: 'RETRY_NOW' });
    expect(c.snap().value).toEqual({ session: { stream: 'connecting' } });
    expect(c.ctx().attempts).toBe(1);
    c.actor.send({ type: 'STREAM_FAILED', reason: 'refused' });
    c.clock.increment(1);
    c.actor.send({ type: 'RETRY_NOW' });
    expect(c.snap().value).toEqual({ session: { stream: 'connecting' } });
    expect(c.ctx().attempts).toBe(2);
    expect(c.life.started).toBe(2);
  });

  it('the jitter seed moves on with each wait and the next wait starts from it', () => {
    const c = start({ reconnectDelay: 100, jitter: 'full', seed: 42 });
    const [r1, s1] = nextRandom(42);
    c.actor.send({ type: 'STREAM_FAILED', reason: 'refused' });
    expect(c.ctx().reconnect.seed).toBe(s1);
    expect(c.ctx().nextDelay).toBe(r1 * 100);
    c.actor.send({ type: 'RETRY_NOW' });
    const [r2, s2] = nextRandom(s1);
    c.actor.send({ type: 'STREAM_FAILED', reason: 'refused' });
    expect(c.ctx().reconnect.seed).toBe(s2);
    expect(c.ctx().nextDelay).toBe(r2 * 200);
  });

  it('proportional jitter (the default): within ±jitterRatio of the delay', () => {
    const c = start({ reconnectDelay: 1_000, jitterRatio: 0.1, seed: 5 });
    const [r] = nextRandom(5);
    c.actor.send({ type: 'STREAM_FAILED', reason: 'refused' });
    expect(c.ctx().nextDelay).toBeCloseTo(900 + r * 200, 6);
  });
});

describe("sseMachine: the server's retry:", () => {
  it('is kept (capped at maxReconnectDelay) while connecting, open or waiting; nonsense is ignored', () => {
    const c = start({ maxReconnectDelay: 5_000, jitter: 'none' });
    const set = (ms: number) => c.actor.send({ type: 'RETRY_SET', ms });
    set(0);
    expect(c.ctx().serverRetry).toBe(0);
    set(5_000);
    expect(c.ctx().serverRetry).toBe(5_000);
    set(5_001);
    expect(c.ctx().serverRetry).toBe(5_000);
    set(250);
    c.actor.send({ type: 'OPENED', at: 0 });
    set(300);
    expect(c.ctx().serverRetry).toBe(300);
    for (const bad of [-1, Number.NaN, Infinity, -Infinity]) set(bad);
    expect(c.ctx().serverRetry).toBe(300);
    c.actor.send(drop(1));
    set(400);
    expect(c.ctx().serverRetry).toBe(400);
  });

  it('is ignored outside a session', () => {
    const c = start(undefined, false);
    c.actor.send({ type: 'RETRY_SET', ms: 10 });
    expect(c.ctx().serverRetry).toBeNull();
  });

  it('replaces the base delay; the waits grow from it', () => {
    const c = start({ reconnectDelay: 100, backoffMultiplier: 2, jitter: 'none', maxReconnectDelay: 10_000 });
    c.actor.send({ type: 'RETRY_SET', ms: 700 });
    c.actor.send({ type: 'STREAM_FAILED', reason: 'refused' });
    expect(c.emitted.at(-1)).toEqual({ type: 'reconnecting', attempt: 2, delay: 700 });
    c.clock.increment(699);
    expect(c.snap().matches({ session: 'waiting' })).toBe(true);
    c.clock.increment(1);
    c.actor.send({ type: 'STREAM_FAILED', reason: 'refused' });
    expect(c.emitted.at(-1)).toEqual({ type: 'reconnecting', attempt: 3, delay: 1_400 });
  });

  it('is kept across DISCONNECT / CONNECT', () => {
    const c = start({ jitter: 'none' });
    c.actor.send({ type: 'RETRY_SET', ms: 50 });
    c.actor.send({ type: 'DISCONNECT' });
    c.actor.send({ type: 'CONNECT' });
    expect(c.ctx().serverRetry).toBe(50);
  });
});

describe('sseMachine: attempts and limits', () => {
  it('a stream that stayed up minUptime starts the next wait from scratch; a shorter one keeps counting', () => {
    const c = start({ reconnectDelay: 100, minUptime: 1_000, jitter: 'none' });
    c.actor.send({ type: 'STREAM_FAILED', reason: 'refused' });
    c.clock.increment(100); // attempt 2
    c.actor.send({ type: 'OPENED', at: 5_000 });
    c.actor.send(drop(5_999));
    expect(c.ctx().attempts).toBe(2);
    expect(c.emitted.at(-1)).toEqual({ type: 'reconnecting', attempt: 3, delay: 200 });
    c.clock.increment(200); // attempt 3
    c.actor.send({ type: 'OPENED', at: 10_000 });
    c.actor.send(drop(11_000));
    expect(c.ctx().attempts).toBe(0);
    expect(c.emitted.at(-1)).toEqual({ type: 'reconnecting', attempt: 1, delay: 100 });
    c.clock.increment(100);
    expect(c.ctx().attempts).toBe(1);
  });

  it('an end without a time never resets the count', () => {
    const c = start({ minUptime: 0, jitter: 'none' });
    c.actor.send({ type: 'OPENED', at: 0 });
    c.actor.send(drop());
    expect(c.ctx().attempts).toBe(1);
  });

  it('the default minUptime is 5000 ms', () => {
    const short = start({ jitter: 'none' });
    short.actor.send({ type: 'OPENED', at: 0 });
    short.actor.send(drop(4_999));
    expect(short.ctx().attempts).toBe(1);
    const long = start({ jitter: 'none' });
    long.actor.send({ type: 'OPENED', at: 0 });
    long.actor.send(drop(5_000));
    expect(long.ctx().attempts).toBe(0);
  });

  it('maxConnectAttempts bounds a session that never opened: after N attempts, error and max_reconnect_attempts', () => {
    const c = start({ reconnectDelay: 100, maxReconnectDelay: 100, maxConnectAttempts: 2, jitter: 'none' });
    c.actor.send({ type: 'STREAM_FAILED', reason: 'refused' });
    c.clock.increment(100);
    expect(c.ctx().attempts).toBe(2);
    c.actor.send({ type: 'STREAM_FAILED', reason: 'refused' });
    expect(c.snap().value).toBe('error');
    expect(c.emitted.at(-1)).toEqual({ type: 'max_reconnect_attempts', attempts: 2 });
    expect(c.status()).toBe('error');
    expect(c.snap().children).toEqual({});
  });

  it('maxReconnectAttempts bounds an opened session; maxConnectAttempts no longer does', () => {
    const c = start({ reconnectDelay: 100, maxReconnectDelay: 100, maxConnectAttempts: 1, maxReconnectAttempts: 3, jitter: 'none' });
    c.actor.send({ type: 'OPENED', at: 0 });
    c.actor.send(drop(1));
    c.clock.increment(100); // 2
    c.actor.send({ type: 'STREAM_FAILED', reason: 'refused' });
    c.clock.increment(100); // 3
    expect(c.snap().matches({ session: { stream: 'connecting' } })).toBe(true);
    c.actor.send({ type: 'STREAM_FAILED', reason: 'refused' });
    expect(c.snap().value).toBe('error');
    expect(c.emitted.filter((e) => e.type === 'max_reconnect_attempts')).toEqual([{ type: 'max_reconnect_attempts', attempts: 3 }]);
  });

  it('CONNECT again after error: a fresh session with its own attempts', () => {
    const c = start({ reconnectDelay: 100, maxConnectAttempts: 1, jitter: 'none' });
    c.actor.send({ type: 'OPENED', at: 0 });
    c.actor.send({ type: 'STREAM_FAILED', reason: 'no', status: 401 });
    expect(c.snap().value).toBe('error');
    c.actor.send({ type: 'CONNECT' });
    expect(c.snap().value).toEqual({ session: { stream: 'connecting' } });
    expect(c.ctx()).toMatchObject({ attempts: 1, sessionOpened: false });
    c.actor.send({ type: 'STREAM_FAILED', reason: 'refused' });
    expect(c.snap().value).toBe('error'); // maxConnectAttempts 1 applies again
  });
});

describe('sseMachine: DISCONNECT and CONNECT', () => {
  it.each([
    ['connecting', (): void => {}],
    ['open', (c: Conn): void => c.actor.send({ type: 'OPENED', at: 0 })],
    ['waiting', (c: Conn): void => c.actor.send({ type: 'STREAM_FAILED', reason: 'x' })],
  ] as const)('DISCONNECT while %s: closed, nothing runs, nothing is emitted', (_name, reach) => {
    const c = start();
    reach(c);
    const before = c.emitted.length;
    c.actor.send({ type: 'DISCONNECT' });
    expect(c.snap().value).toBe('closed');
    expect(c.snap().children).toEqual({});
    expect(c.emitted.length).toBe(before);
    expect(c.status()).toBe('idle');
    c.clock.increment(1_000_000);
    expect(c.snap().value).toBe('closed');
    expect(c.life.started).toBe(c.life.stopped);
  });

  it.each(['closed', 'stopped', 'error'] as const)('CONNECT from %s starts a session: attempt 1, not opened', (from) => {
    const c = start();
    c.actor.send({ type: 'OPENED', at: 0 });
    if (from === 'closed') c.actor.send({ type: 'DISCONNECT' });
    if (from === 'stopped') c.actor.send({ type: 'STREAM_FAILED', reason: 'no content', status: 204 });
    if (from === 'error') c.actor.send({ type: 'STREAM_FAILED', reason: 'no', status: 403 });
    expect(c.snap().value).toBe(from);
    c.actor.send({ type: 'CONNECT' });
    expect(c.snap().value).toEqual({ session: { stream: 'connecting' } });
    expect(c.ctx()).toMatchObject({ attempts: 1, sessionOpened: false });
    expect(c.life.started).toBe(2);
  });

  it('CONNECT and DISCONNECT outside their states change nothing', () => {
    const c = start(undefined, false);
    c.actor.send({ type: 'DISCONNECT' });
    expect(c.snap().value).toBe('idle');
    c.actor.send({ type: 'CONNECT' });
    c.actor.send({ type: 'OPENED', at: 3 });
    c.actor.send({ type: 'CONNECT' });
    expect(c.snap().value).toEqual({ session: { stream: 'open' } });
    expect(c.ctx()).toMatchObject({ attempts: 1, sessionOpened: true, connectedAt: 3 });
  });
});

describe('sseMachine: what it gives its loop (recording stand-in)', () => {
  it('the input: the policy (no seed), the record, the cause, the server-set base', () => {
    const r = startRecorded({ reconnectDelay: 100, backoffMultiplier: 3, maxReconnectDelay: 900, maxConnectAttempts: 4, maxReconnectAttempts: 6, minUptime: 50, jitter: 'full', jitterRatio: 0.3, seed: 9 });
    r.actor.send({ type: 'STREAM_FAILED', reason: 'refused' });
    const policy = { base: 100, factor: 3, maxDelay: 900, maxAttempts: 6, maxConnectAttempts: 4, minUptime: 50, jitter: 'full', jitterRatio: 0.3 };
    expect(r.rec.inputs).toEqual([
      { policy, record: { attempts: 1, delay: 0, seed: 9 }, cause: { type: 'FAILED', reason: 'refused' }, sessionOpened: false, base: 100 },
    ]);
    // The loop waits: the machine keeps its count, delay and seed and announces the next attempt.
    r.set('waiting', 1, 270, 33);
    expect(r.snap().context).toMatchObject({ attempts: 1, nextDelay: 270, reconnect: { seed: 33, base: 100, factor: 3 } });
    expect(r.emitted.at(-1)).toEqual({ type: 'reconnecting', attempt: 2, delay: 270 });
    expect(r.emitted.filter((e) => e.type === 'reconnecting')).toHaveLength(1);
    r.actor.send({ type: 'RETRY_NOW' });
    expect(r.rec.told.at(-1)).toEqual({ type: 'RETRY_NOW' });
    r.actor.send({ type: 'RESUME', at: 0 });
    expect(r.rec.told.at(-1)).toEqual({ type: 'RESUME' });
    // The loop attempts: back to the stream, with the loop's count.
    r.set('attempting', 2, 270, 33);
    expect(r.snap().value).toEqual({ session: { stream: 'connecting' } });
    expect(r.snap().context).toMatchObject({ attempts: 2, nextDelay: 270, reconnect: { seed: 33 }, down: null });
    // Opened, then dropped: the server's retry: as the base, the record passed on, the drop with its uptime.
    r.actor.send({ type: 'OPENED', at: 0 });
    r.actor.send({ type: 'RETRY_SET', ms: 400 });
    r.actor.send(drop(10));
    expect(r.rec.inputs[1]).toEqual({
      policy,
      record: { attempts: 2, delay: 270, seed: 33 },
      cause: { type: 'DROPPED', reason: 'stream dropped', upFor: 10 },
      sessionOpened: true,
      base: 400,
    });
  });

  it('both limits go to the loop as given (the loop picks); no limit is null', () => {
    const r = startRecorded({ maxConnectAttempts: 5, maxReconnectAttempts: 3 });
    r.actor.send({ type: 'STREAM_FAILED', reason: 'x' });
    expect(r.rec.inputs[0]).toMatchObject({ policy: { maxAttempts: 3, maxConnectAttempts: 5 }, sessionOpened: false });
    const u = startRecorded({});
    u.actor.send({ type: 'STREAM_FAILED', reason: 'x' });
    expect(u.rec.inputs[0]).toMatchObject({ policy: { maxAttempts: null, maxConnectAttempts: null } });
  });

  it('the cause told: a timeout is a failure, an end a drop with how long the stream was open (null without times)', () => {
    const r = startRecorded();
    r.clock.increment(5_000);
    expect(r.rec.inputs.at(-1)).toMatchObject({ cause: { type: 'FAILED', reason: 'connect timeout' } });
    r.set('attempting', 2, 0, 1);
    r.actor.send({ type: 'OPENED', at: 0 });
    r.actor.send({ type: 'STREAM_ENDED', reason: 'oversized', at: 1 });
    expect(r.rec.inputs.at(-1)).toMatchObject({ cause: { type: 'DROPPED', reason: 'stream oversized', upFor: 1 } });
    r.set('attempting', 3, 0, 1);
    r.actor.send({ type: 'OPENED', at: 4 });
    r.actor.send({ type: 'STREAM_ENDED', reason: 'end' });
    expect(r.rec.inputs.at(-1)).toMatchObject({ cause: { type: 'DROPPED', reason: 'stream end', upFor: null } });
  });

  it('a loop snapshot in another state changes nothing', () => {
    const r = startRecorded();
    r.actor.send({ type: 'STREAM_FAILED', reason: 'x' });
    const before = r.snap().context;
    r.set('paused', 7, 7, 7);
    r.set('down', 7, 7, 7);
    expect(r.snap().value).toEqual({ session: 'waiting' });
    expect(r.snap().context).toEqual(before);
    expect(r.emitted.filter((e) => e.type === 'max_reconnect_attempts' || e.type === 'reconnecting')).toEqual([]);
  });

  it('an exhausted loop ends the session in error with its attempts', () => {
    const r = startRecorded();
    r.actor.send({ type: 'STREAM_FAILED', reason: 'x' });
    r.set('exhausted', 4, 0, 1);
    expect(r.snap().value).toBe('error');
    expect(r.emitted.at(-1)).toEqual({ type: 'max_reconnect_attempts', attempts: 4 });
    expect(r.snap().context.attempts).toBe(4);
  });
});

describe('sseStatusOf', () => {
  it('idle before CONNECT, waiting while connecting and between attempts, idle when open, error, idle when closed or stopped', () => {
    const c = start(undefined, false);
    const seen = [c.status()];
    c.actor.send({ type: 'CONNECT' });
    seen.push(c.status());
    c.actor.send({ type: 'OPENED', at: 0 });
    seen.push(c.status());
    c.actor.send(drop(1));
    seen.push(c.status());
    c.actor.send({ type: 'RETRY_NOW' });
    seen.push(c.status());
    c.actor.send({ type: 'STREAM_FAILED', reason: 'no', status: 204 });
    seen.push(c.status());
    c.actor.send({ type: 'CONNECT' });
    c.actor.send({ type: 'DISCONNECT' });
    seen.push(c.status());
    c.actor.send({ type: 'CONNECT' });
    c.actor.send({ type: 'STREAM_FAILED', reason: 'no', status: 401 });
    seen.push(c.status());
    expect(seen).toEqual(['idle', 'waiting', 'idle', 'waiting', 'waiting', 'idle', 'idle', 'error']);
  });
});

describe('sseMachine: a restored open stream without its open time', () => {
  it('an end cannot be judged against minUptime: the count is kept', () => {
    const c = start({ reconnectDelay: 100, minUptime: 1_000, jitter: 'none' });
    c.actor.send({ type: 'OPENED', at: 0 });
    const saved = JSON.parse(JSON.stringify(c.actor.getPersistedSnapshot()));
    saved.context.connectedAt = null; // e.g. persisted by a version that did not keep it
    const restored = createActor(sseMachine.provide({ actors: { stream: fromCallback(() => () => {}) as never } }), { snapshot: saved, input: undefined, clock: new SimulatedClock() });
    restored.start();
    restored.send(drop(50_000));
    expect(restored.getSnapshot().value).toEqual({ session: 'waiting' });
    expect(restored.getSnapshot().context.attempts).toBe(1);
    restored.stop();
  });
});

describe("sseMachine: a server that says `retry: 0` and drops at once", () => {
  // The server's retry: replaces the base delay and the waits grow from it: `retry: 0`
  // would make every wait 0 · factor^n = 0, a tight reconnect loop against a server that
  // accepts and drops at once. The base is floored at 1 ms, so the waits double from there.
  it('the waits still grow', () => {
    const c = start({ reconnectDelay: 100, jitter: 'none' });
    const waits: number[] = [];
    for (let i = 0; i < 5; i++) {
      c.actor.send({ type: 'OPENED', at: c.clock.now() });
      c.actor.send({ type: 'RETRY_SET', ms: 0 });
      c.actor.send(drop(c.clock.now()));
      waits.push(c.ctx().nextDelay);
      c.clock.increment(c.ctx().nextDelay);
    }
    expect(c.ctx().attempts).toBe(6); // CONNECT's, then one per drop
    expect(waits).toEqual([1, 2, 4, 8, 16]); // base 1 ms, factor 2, no jitter
  });
});
