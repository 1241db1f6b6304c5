/**
 * The pool's timing logic on a simulated clock with zero-cost resources:
 * acquire timeouts, backoff after failed creates (no busy loop), idle eviction
 * to minSize, health checks, lease expiry and reclaim, drain deadlines.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, ConnectionPool, StatewireError, TimeoutError } from '../../src/index.js';
import { eventsOf, fakePool, settle, type FakePool } from './fakePool.js';

const open: FakePool[] = [];
const make = (...args: Parameters<typeof fakePool>) => {
  const p = fakePool(...args);
  open.push(p);
  return p;
};
afterEach(async () => {
  for (const p of open.splice(0)) {
    const stopped = p.pool.stop({ deadline: 0 });
    await p.advance(1);
    await stopped;
  }
});

describe('ConnectionPool: options', () => {
  it.each([
    [{ minSize: 5, maxSize: 4 }, 'minSize'],
    [{ maxSize: 0 }, 'maxSize'],
    [{ acquireTimeout: -1 }, 'acquireTimeout'],
    [{ maxIdleTime: Number.NaN }, 'maxIdleTime'],
    [{ cleanupInterval: Infinity }, 'cleanupInterval'],
    [{ healthCheckInterval: 0 }, 'healthCheckInterval'],
    [{ releaseTimeout: '5' }, 'releaseTimeout'],
    [{ maxWaitingClients: -1 }, 'maxWaitingClients'],
    [{ maxSize: 2.5 }, 'maxSize'],
    [{ maxSzie: 3 }, 'maxSzie'],
  ])('%j is a ConfigError naming %s', (options, option) => {
    const build = () => new ConnectionPool(options as never, () => ({}));
    expect(build).toThrow(ConfigError);
    expect(build).toThrow(option);
  });

  it('defaults are the seed\'s, in seconds', async () => {
    const { pool, clock } = make();
    const settings = (pool as unknown as { settings: Record<string, unknown> }).settings;
    expect(settings).toMatchObject({ maxSize: 10, minSize: 0, maxIdleTime: 300_000, acquireTimeout: 10_000, releaseTimeout: 5_000, healthCheckInterval: 60_000, cleanupInterval: 120_000, maxWaitingClients: Infinity, maxLeaseTime: 0 });
    // acquireTimeout 10 s: an acquire that cannot be served resolves null at 10 s, not before.
    await pool.start();
    const held = await Promise.all(Array.from({ length: 10 }, () => pool.acquire()));
    expect(held.every((r) => r !== null)).toBe(true);
    let got: unknown = 'pending';
    void pool.acquire().then((r) => (got = r));
    clock.increment(9_999);
    await settle();
    expect(got).toBe('pending');
    clock.increment(1);
    await settle();
    expect(got).toBeNull();
    expect(pool.getStats()).toMatchObject({ size: 10, leased: 10, pending: 0, acquireTimeouts: 1 });
  });

  it('a per-call timeout in seconds; a bad one is a ConfigError', async () => {
    const { pool, clock } = make({ maxSize: 1 });
    await pool.acquire();
    let got: unknown = 'pending';
    void pool.acquire({ timeout: 0.5 }).then((r) => (got = r));
    clock.increment(499);
    await settle();
    expect(got).toBe('pending');
    clock.increment(1);
    await settle();
    expect(got).toBeNull();
    expect(() => pool.acquire({ timeout: -1 })).toThrow(ConfigError);
  });
});

describe('ConnectionPool: borrowing', () => {
  it('never more than maxSize resources, FIFO service, and no acquire resolves later than acquireTimeout', async () => {
    const { pool, clock, made } = make({ maxSize: 8, acquireTimeout: 5 });
    const order: number[] = [];
    const results = Array.from({ length: 200 }, (_, i) => pool.acquire().then((r) => (order.push(i), r)));
    await settle();
    expect(made).toHaveLength(8);
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    // The first 8 give theirs back one by one: the next waiters in line get them, in order.
    for (let i = 0; i < 8; i++) await pool.release((await results[i])!);
    await settle();
    expect(order.slice(8)).toEqual([8, 9, 10, 11, 12, 13, 14, 15]);
    clock.increment(4_999);
    await settle();
    expect(order).toHaveLength(16);
    clock.increment(1);
    await settle();
    // Everyone else resolved null exactly at acquireTimeout.
    expect(order).toHaveLength(200);
    expect((await Promise.all(results.slice(16))).every((r) => r === null)).toBe(true);
    expect(made).toHaveLength(8);
    expect(pool.getStats()).toMatchObject({ size: 8, leased: 8, pending: 0, acquireTimeouts: 184 });
  });

  it('release twice, or something not from this pool: a clear error, and nothing changes', async () => {
    const { pool } = make({ maxSize: 2 });
    const a = (await pool.acquire())!;
    await pool.release(a);
    await expect(pool.release(a)).rejects.toThrow(/not leased \(released twice\?\)/);
    await expect(pool.release({ id: 99, open: true, closed: false })).rejects.toThrow(StatewireError);
    await expect(pool.release({ id: 99, open: true, closed: false })).rejects.toThrow(/not a connection of this pool/);
    expect(pool.getStats()).toMatchObject({ size: 1, available: 1, leased: 0 });
    const b = (await pool.acquire())!;
    const c = (await pool.acquire())!;
    expect(new Set([a, b, c].map((r) => r.id)).size).toBe(2);
    expect(b).not.toBe(c);
  });

  it('a dead idle resource is replaced on borrow, never handed out', async () => {
    const { pool, made, events } = make({ maxSize: 2, minSize: 1 });
    await pool.start();
    expect(made).toHaveLength(1);
    made[0]!.open = false;
    const got = await pool.acquire();
    expect(got).toBe(made[1]);
    await settle();
    expect(made[0]!.closed).toBe(true);
    expect(eventsOf(events, 'validation_failed')).toEqual([{ slot: 'pool.slot0', error: 'invalid before borrowing' }]);
    expect(eventsOf(events, 'destroyed')).toEqual([{ slot: 'pool.slot0', reason: 'unhealthy' }]);
  });

  it('maxWaitingClients: one more acquire resolves null at once with pool_full', async () => {
    const { pool, events } = make({ maxSize: 1, maxWaitingClients: 2 });
    await pool.acquire();
    void pool.acquire();
    void pool.acquire();
    expect(await pool.acquire()).toBeNull();
    expect(eventsOf(events, 'pool_full')).toEqual([{ waiting: 2 }]);
  });

  it('an aborted waiter leaves nothing behind, even while its resource was being validated (tarn #67)', async () => {
    let answer: (ok: boolean) => void = () => {};
    const { pool } = make({ maxSize: 1, validate: () => new Promise<boolean>((resolve) => (answer = resolve)) });
    await pool.start();
    const first = await pool.acquire(); // created for a waiter: fresh resources are not validated again
    await pool.release(first!);
    const controller = new AbortController();
    const waiting = pool.acquire({ signal: controller.signal });
    await settle();
    expect(pool.getStats()).toMatchObject({ pending: 1, available: 0, leased: 0 });
    controller.abort();
    expect(await waiting).toBeNull();
    answer(true);
    await settle();
    expect(pool.getStats()).toMatchObject({ size: 1, available: 1, leased: 0, pending: 0 });
  });

  it('a resource checked before a borrow (a validate promise) is not made anew for its waiter', async () => {
    let answer: (ok: boolean) => void = () => {};
    const { pool, made } = make({ maxSize: 3, validate: () => new Promise<boolean>((resolve) => (answer = resolve)) });
    await pool.release((await pool.acquire())!);
    const waiting = pool.acquire();
    await settle();
    expect(made).toHaveLength(1);
    answer(true);
    expect(await waiting).toBe(made[0]);
    expect(made).toHaveLength(1);
  });

  it('use(): releases after fn, destroys on a connection error, TimeoutError when nothing came', async () => {
    const { pool, made, clock } = make({ maxSize: 1, acquireTimeout: 1 });
    expect(await pool.use((r) => r.id)).toBe(1);
    expect(pool.getStats()).toMatchObject({ available: 1, leased: 0 });
    const failure = Object.assign(new Error('socket hang up'), { isNetworkError: true });
    await expect(pool.use(() => Promise.reject(failure))).rejects.toBe(failure);
    await settle();
    expect(made[0]!.closed).toBe(true);
    await expect(pool.use(() => Promise.reject(new Error('app bug')))).rejects.toThrow('app bug');
    expect(made[1]!.closed).toBe(false);
    const held = await pool.acquire();
    const timedOut = pool.use(() => 1);
    clock.increment(1_000);
    await expect(timedOut).rejects.toBeInstanceOf(TimeoutError);
    await pool.release(held!);
  });
});

describe('ConnectionPool: releaseTimeout', () => {
  it('a destroy whose close never settles is bounded by releaseTimeout; the slot is free again after it', async () => {
    const { pool, clock, made } = make({ maxSize: 1, releaseTimeout: 2, destroy: () => new Promise<void>(() => {}) });
    const r = (await pool.acquire())!;
    let done = false;
    const destroying = pool.destroy(r).then(() => (done = true));
    clock.increment(1_999);
    await settle();
    expect(done).toBe(false);
    clock.increment(1);
    await destroying;
    const next = await pool.acquire();
    expect(next).toBe(made[1]);
  });
});

describe('ConnectionPool: failures back off', () => {
  it('the server down during pre-warm: creates back off (jittered, capped), never a spin; the error is reported', async () => {
    const { pool, calls, failing, events, advance } = make({ minSize: 2, maxSize: 4, createRetryDelay: 1, maxCreateRetryDelay: 30 });
    failing.value = true;
    await pool.start();
    expect(calls()).toBe(2);
    await advance(60_000, 100);
    // Per slot: waits of [d/2, d] for d = 1, 2, 4, 8, 16, 30, 30 … s: at most 9 creates in a minute, at least 5.
    expect(calls()).toBeLessThanOrEqual(18);
    expect(calls()).toBeGreaterThanOrEqual(10);
    const failures = eventsOf(events, 'create_failed');
    expect(failures).toHaveLength(calls());
    expect(failures[0]).toEqual({ slot: 'pool.slot0', error: 'server down', attempt: 1 });
    expect(pool.getStats()).toMatchObject({ size: 0, creating: 2, createFailures: calls() });
    // The server is back: the next retry fills the pool.
    failing.value = false;
    await advance(31_000, 100);
    expect(pool.getStats()).toMatchObject({ size: 2, available: 2, creating: 0 });
  });

  it('a waiter times out with null and the last create error in acquire_timeout', async () => {
    const { pool, failing, events, advance } = make({ maxSize: 2, acquireTimeout: 3 });
    failing.value = true;
    const got = pool.acquire();
    await advance(3_000, 100);
    expect(await got).toBeNull();
    expect(eventsOf(events, 'acquire_timeout')).toEqual([{ timeout: 3_000, lastError: 'server down' }]);
  });
});

describe('ConnectionPool: idle connections and leases', () => {
  it('idle connections older than maxIdleTime are evicted down to minSize every cleanupInterval', async () => {
    const { pool, events, advance } = make({ maxSize: 4, minSize: 1, maxIdleTime: 60, cleanupInterval: 120 });
    const held = await Promise.all([pool.acquire(), pool.acquire(), pool.acquire(), pool.acquire()]);
    for (const r of held) await pool.release(r!);
    expect(pool.getStats()).toMatchObject({ size: 4, available: 4 });
    await advance(119_000, 1_000);
    expect(pool.getStats().size).toBe(4);
    await advance(1_000);
    expect(pool.getStats()).toMatchObject({ size: 1, available: 1, destroyed: 3 });
    expect(eventsOf(events, 'evicted')).toHaveLength(3);
  });

  it('every healthCheckInterval idle connections are checked; an unhealthy one is replaced', async () => {
    const { pool, made, events, advance } = make({ maxSize: 2, minSize: 2, healthCheckInterval: 10 });
    await pool.start();
    made[1]!.open = false;
    await advance(10_000);
    expect(eventsOf(events, 'validation_failed')).toEqual([{ slot: 'pool.slot1', error: 'health check failed' }]);
    expect(made).toHaveLength(3);
    expect(pool.getStats()).toMatchObject({ size: 2, available: 2 });
  });

  it('a leaked lease is reported after maxLeaseTime, and reclaimed (destroyed, replaced) with reclaimExpiredLeases', async () => {
    const { pool, made, events, advance } = make({ maxSize: 1, maxLeaseTime: 2, reclaimExpiredLeases: true });
    const leaked = (await pool.acquire())!;
    await advance(1_900, 100);
    expect(eventsOf(events, 'lease_expired')).toEqual([]);
    await advance(100);
    expect(eventsOf(events, 'lease_expired')).toEqual([{ slot: 'pool.slot0', heldFor: 2_000, reclaimed: true }]);
    expect(leaked.closed).toBe(true);
    expect(pool.getStats().leaseExpirations).toBe(1);
    const next = await pool.acquire();
    expect(next).toBe(made[1]);
    // The leaker's late release is no error and changes nothing.
    await pool.release(leaked);
    expect(pool.getStats()).toMatchObject({ size: 1, leased: 1 });
  });

  it('without reclaim, an expired lease is only reported (once)', async () => {
    const { pool, events, advance } = make({ maxSize: 1, maxLeaseTime: 1 });
    const r = (await pool.acquire())!;
    await advance(5_000, 500);
    expect(eventsOf(events, 'lease_expired')).toEqual([{ slot: 'pool.slot0', heldFor: 1_000, reclaimed: false }]);
    await pool.release(r);
    expect(pool.getStats()).toMatchObject({ available: 1, leased: 0 });
  });
});

describe('ConnectionPool: stop / drain', () => {
  it('idle ones go at once, leased ones when they come back, the rest at the deadline (named); waiters and new acquires get null', async () => {
    const { pool, made, events, advance } = make({ maxSize: 3 });
    const [a, b, c] = (await Promise.all([pool.acquire(), pool.acquire(), pool.acquire()])) as [never, never, never];
    await pool.release(c);
    expect(await pool.acquire()).toBe(c); // leased again
    await pool.release(c);
    const waiter = pool.acquire(); // c once more: now every one is leased
    expect(await waiter).toBe(c);
    const late = pool.acquire(); // waits
    let stopped = false;
    const stopping = pool.stop({ deadline: 10 }).then(() => (stopped = true));
    expect(await late).toBeNull();
    expect(await pool.acquire()).toBeNull();
    await pool.release(c);
    expect((c as { closed: boolean }).closed).toBe(true);
    await advance(9_000, 1_000);
    expect(stopped).toBe(false);
    await advance(1_000);
    await stopping;
    expect(eventsOf(events, 'drain_forced')).toEqual([{ slots: ['pool.slot0', 'pool.slot1'] }]);
    void a;
    expect(made.every((r) => r.closed)).toBe(true);
    // Late releases of force-closed connections are no error.
    await pool.release(b);
    expect(pool.getStats()).toMatchObject({ size: 0, leased: 0 });
  });

  it('stop() before start() and twice: resolves, acquire() resolves null at once', async () => {
    const { pool } = make();
    await pool.stop();
    await pool.stop();
    expect(await pool.acquire()).toBeNull();
  });

  it('drain without leases resolves without waiting for any deadline', async () => {
    const { pool } = make({ minSize: 2, maxSize: 2 });
    await pool.start();
    await pool.drain();
    expect(pool.getStats()).toMatchObject({ size: 0, destroyed: 2 });
  });
});
