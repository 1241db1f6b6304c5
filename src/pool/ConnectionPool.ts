import type { Actor, AnyActorRef } from 'xstate';
import type { PoolSlotEmitted } from '../../machines/poolSlot.js';
import type { PoolEmitted } from '../../machines/pool.js';
import { TimeoutError } from '../errors.js';
import { createRootActor } from '../runtime/createRootActor.js';
import { callSeconds, type ConnectionPoolOptions } from './poolOptions.js';
import { pooledMachine, poolOwners } from './pooledMachine.js';
import { SlotHandle, type SlotState } from './SlotHandle.js';
import { poolStats, type PoolStats } from './poolStats.js';
import { DONE, NULL } from './PoolState.js';
import { PoolRounds } from './PoolRounds.js';

export type { PoolStats } from './poolStats.js';

/** Options of one `acquire()` call. */
export interface AcquireOptions {
  /** Stop waiting: the call resolves `null` and leaves nothing behind. */
  signal?: AbortSignal;
  /** Seconds to wait (as the pool's `acquireTimeout`, which is the default). */
  timeout?: number;
}

/**
 * Seed 000's connection pool, on `poolMachine`: slots (`empty → creating → idle
 * ⇄ leased`, validation, destroy) under one pool actor, a FIFO of waiters, and
 * never more than `maxSize` connections, those being created included. A
 * failed create backs off (jittered, capped: never a busy loop); an idle
 * connection is validated before it is handed out and replaced when dead;
 * idle ones are evicted after `maxIdleTime` down to `minSize` and
 * health-checked every `healthCheckInterval`; a lease held past `maxLeaseTime`
 * is reported (and reclaimed with `reclaimExpiredLeases`). `stop()` never
 * hangs. Times in **seconds**, as in the seed.
 *
 * A statewire connection made by the factory runs its machine as its slot's
 * child (pool → slots → connections in the inspector) and is destroyed and
 * replaced when it drops, so the pool never holds more than `maxSize` sockets.
 *
 * The borrow path (an idle connection handed out and given back) is plain
 * bookkeeping; the slot actors hear of it in batches, once per turn of the
 * event loop (`LEASE` / `RELEASE` with the lease count), because one XState
 * event costs more than a whole acquire + release here.
 *
 * @example
 * ```ts
 * const pool = new ConnectionPool<WebSocketConnection>({ maxSize: 10, minSize: 2, acquireTimeout: 10 }, (config) => new WebSocketConnection(config));
 * await pool.start();
 * const conn = await pool.acquire();
 * if (conn) {
 *   try { conn.send({ type: 'ping' }); } finally { await pool.release(conn); }
 * }
 * await pool.stop();
 * ```
 */export class ConnectionPool<T = unknown> extends PoolRounds<T> {
  /** The pool's actor (slots are its children, `<name>.slot<i>`); made by `start()`. The slots' lease states may lag one event-loop turn. */
  get actor(): Actor<typeof pooledMachine> | undefined {
    this.flush();
    return this.poolActor;
  }

  /** Spawns the slots and pre-warms `minSize` connections; resolves when each of them was created or failed once. Idempotent. */
  start(): Promise<void> {
    if (this.phase !== 'new') return this.started ?? DONE;
    this.phase = 'running';
    const s = this.settings;
    const poolClock = this.timerClock();
    const actor = createRootActor(pooledMachine, {
      clock: poolClock,
      input: {
        name: s.name,
        size: s.maxSize,
        seed: (Math.random() * 2 ** 32) | 0,
        cleanupInterval: s.cleanupInterval,
        healthCheckInterval: s.healthCheckInterval,
        slot: {
          createTimeout: s.createTimeout,
          validateTimeout: s.healthCheckTimeout,
          destroyTimeout: s.releaseTimeout,
          backoff: { base: s.createRetryDelay, maxDelay: s.maxCreateRetryDelay, maxAttempts: null, minUptime: 0, jitter: 'equal' },
        },
      },
      observer: { next: (snapshot) => this.guard(() => this.onPoolSnapshot(snapshot)), error: (error) => this.emit('error', { error }) },
      beforeStart: (made) => poolOwners.set(made, this),
      ...(s.inspect === undefined ? {} : { inspect: s.inspect }),
    });
    this.poolActor = actor;
    actor.on('*', (event) => this.guard(() => this.onPoolEvent(event as PoolEmitted)));
    actor.send({ type: 'START' });
    for (const name of actor.getSnapshot().context.slots) {
      const slot = actor.system.get(name) as AnyActorRef;
      const h = new SlotHandle<T>(name, slot);
      this.handles.push(h);
      this.byName.set(name, h);
      slot.subscribe({ next: (snapshot) => this.guard(() => this.onSlot(h, snapshot.value as SlotState)), error: (error) => this.emit('error', { error }) });
      slot.on('*', (event) => this.guard(() => this.onSlotEvent(event as PoolSlotEmitted)));
    }
    this.refill();
    const warm = this.handles.slice(0, s.minSize);
    this.started = Promise.all(warm.map((h) => this.firstOutcome(h))).then(() => {});
    return this.started;
  }

  /**
   * A connection: an idle one (validated first), else the first one freed or
   * created for the oldest waiter. Resolves `null` after `acquireTimeout`
   * (or `timeout`) seconds, when `signal` aborts, when `maxWaitingClients` wait
   * already (`pool_full`), and at once once the pool is stopping.
   */
  acquire(options?: AcquireOptions): Promise<T | null> {
    if (this.phase !== 'running') {
      if (this.phase !== 'new') return NULL;
      void this.start();
    }
    if (this.waiters.size === 0) {
      const idle = this.idle;
      while (idle.length > 0) {
        const h = idle.pop()!;
        h.inIdle = false;
        const ok = this.settings.validateOnBorrow ? this.validNow(h) : true;
        if (ok === true) {
          this.lease(h);
          return Promise.resolve(h.conn);
        }
        if (ok !== false) break; // answered with a promise: the slot checks it, then serves the waiter below
      }
    }
    return this.enqueue(options);
  }

  /**
   * Gives a connection back. A broken one (it dropped while leased) is
   * destroyed and replaced; the promise then settles when it is closed (at most
   * `releaseTimeout`). Rejects when the connection is not leased from this
   * pool (released twice, or another pool's): nothing changes then.
   */
  release(conn: T): Promise<void> {
    const h = this.byConn.get(conn);
    if (h === undefined || !h.leased) return this.refuse('release', conn, h);
    h.leased = false;
    h.expired = false;
    if (h.broken || this.phase !== 'running') return this.discard(h, h.broken ? 'dropped' : 'stopped');
    this.makeAvailable(h, false);
    return DONE;
  }

  /** Destroys a leased connection (it is not given back) and lets its slot make a new one when needed; settles once it is closed. */
  destroy(conn: T): Promise<void> {
    const h = this.byConn.get(conn);
    if (h === undefined || !h.leased) return this.refuse('destroy', conn, h);
    h.leased = false;
    return this.discard(h, 'destroyed');
  }

  /**
   * Acquires, runs `fn`, releases (destroys the connection when `fn` threw a
   * connection error: a `NetworkError` or `TimeoutError`). Rejects with a
   * `TimeoutError` when no connection came within `acquireTimeout`.
   *
   * @example
   * ```ts
   * const reply = await pool.use(async (conn) => { conn.send({ type: 'ping' }); return conn.receive(5000); });
   * ```
   */
  async use<R>(fn: (conn: T) => R | Promise<R>, options?: AcquireOptions): Promise<R> {
    const conn = await this.acquire(options);
    if (conn === null) {
      const timeout = callSeconds(this.ownerName, 'timeout', options?.timeout, this.settings.acquireTimeout);
      throw new TimeoutError(undefined, timeout, { phase: 'acquire', detail: `no connection from the pool${this.lastError ? `; last create error: ${this.lastError}` : ''}` });
    }
    let result: R;
    try {
      result = await fn(conn);
    } catch (error) {
      const e = error as { isNetworkError?: boolean; isTimeoutError?: boolean } | null;
      await (e?.isNetworkError === true || e?.isTimeoutError === true ? this.destroy(conn) : this.release(conn)).catch(() => {});
      throw error;
    }
    await this.release(conn);
    return result;
  }

  /**
   * Stops: new and waiting `acquire()`s resolve `null` at once, idle connections
   * are destroyed now, leased ones when they come back, and after `deadline`
   * seconds (default `drainTimeout`) the rest are force-closed (`drain_forced`
   * names their slots). Resolves when the pool actor has stopped. Idempotent.
   */
  drain(options: { deadline?: number } = {}): Promise<void> {
    if (this.stopping) return this.stopping;
    const deadline = callSeconds(this.ownerName, 'deadline', options.deadline, this.settings.drainTimeout);
    if (this.phase === 'new') {
      this.phase = 'stopped';
      return (this.stopping = DONE);
    }
    this.phase = 'draining';
    this.stopping = new Promise<void>((resolve) => (this.onStopped = resolve));
    this.flush();
    for (const w of this.waiters.clear()) this.settle(w, null);
    for (const h of this.handles) {
      if (h.inFlight) h.actor.send({ type: 'CANCEL' });
      else if (!h.leased && (h.state === 'idle' || h.state === 'validating')) this.tellDiscard(h, 'stopped');
    }
    this.poolActor!.send({ type: 'DRAIN', deadline });
    this.checkDrained();
    return this.stopping;
  }

  /** `drain()` by the seed's name. */
  stop(options?: { deadline?: number }): Promise<void> {
    return this.drain(options);
  }

  /** `{ size, available, leased, pending, creating, created, destroyed, acquireTimeouts, createFailures, leaseExpirations }`. */
  getStats(): PoolStats {
    return poolStats(this.handles, this.waiters.size, this.counters);
  }
}

export type { ConnectionPoolOptions } from './poolOptions.js';
