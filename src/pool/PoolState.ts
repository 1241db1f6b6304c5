import type { Actor } from 'xstate';
import type { DestroyReason } from '../../machines/poolSlot.js';
import type { ConnectionConfig } from '../config/ConnectionConfig.js';
import { StatewireError } from '../errors.js';
import { systemClock, type Clock } from '../runtime/clock.js';
import { callSeconds, poolSettings, type ConnectionPoolOptions, type PoolSettings } from './poolOptions.js';
import { PoolEvents } from './poolEvents.js';
import { pooledMachine } from './pooledMachine.js';
import { SlotHandle } from './SlotHandle.js';
import { Waiters, type Waiter } from './Waiters.js';
import { defaultDestroy, defaultValidate } from './resource.js';
import { scheduleFlush } from './scheduleFlush.js';

import type { AcquireOptions } from './ConnectionPool.js';

export const NULL: Promise<null> = Promise.resolve(null);
export const DONE: Promise<void> = Promise.resolve();
export const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error)).slice(0, 200);

/**
 * The state of a {@link ConnectionPool} and its borrow path: the slots as the
 * pool sees them, the idle stack, the waiters, and the batched reports of
 * leases to the slot actors. `PoolRounds` adds what the actors tell the pool;
 * `ConnectionPool` the public API.
 *
 * @example
 * ```ts
 * class MyPool<T> extends ConnectionPool<T> {} // PoolState is never used on its own
 * ```
 */
export abstract class PoolState<T> extends PoolEvents {
  /** The validated options, times in ms. */
  protected readonly settings: PoolSettings;

  protected readonly clock: Clock;

  protected connectionConfig: unknown;

  protected poolActor: Actor<typeof pooledMachine> | undefined = undefined;

  protected readonly handles: Array<SlotHandle<T>> = [];

  /** Idle connections, most recently used last (handed out first: the others can age out). */
  protected readonly idle: Array<SlotHandle<T>> = [];

  protected readonly dirty: Array<SlotHandle<T>> = [];

  protected flushing = false;

  protected phase: 'new' | 'running' | 'draining' | 'stopped' = 'new';

  protected started: Promise<void> | undefined = undefined;

  protected stopping: Promise<void> | undefined = undefined;

  /** Clock time the wake timer is armed for (Infinity: not armed). */
  protected wakeAt = Infinity;

  /** While set, a timer the pool actor starts keeps the process alive (someone awaits it). */
  protected holdOpen = false;

  protected lastError: string | null = null;

  protected connections = 0;

  /** @internal Counters for `getStats()`. */
  readonly counters = { created: 0, destroyed: 0, acquireTimeouts: 0, createFailures: 0, leaseExpirations: 0 };

  protected readonly factory: (config: ConnectionConfig) => T | Promise<T>;

  protected readonly byName = new Map<string, SlotHandle<T>>();

  protected readonly byConn = new Map<T, SlotHandle<T>>();

  protected readonly waiters = new Waiters<T>();

  protected onStopped: (() => void) | undefined = undefined;

  protected readonly reclaimed = new WeakSet<object>();

  protected readonly flushNow = () => this.flush();

  constructor(poolConfig: ConnectionPoolOptions<T>, factory: (config: ConnectionConfig) => T | Promise<T>, connectionConfig?: unknown) {
    super();
    const owner = (new.target as { ownerName?: string }).ownerName ?? 'ConnectionPool';
    this.settings = poolSettings(owner, poolConfig);
    if (typeof factory !== 'function') throw new StatewireError(`${owner}: the factory must be a function (got ${typeof factory})`);
    this.factory = factory;
    this.connectionConfig = connectionConfig;
    const base = (poolConfig as { clock?: Clock }).clock ?? (connectionConfig as { clock?: Clock } | undefined)?.clock ?? systemClock;
    this.clock = base;
  }

  // ---- hot path ---------------------------------------------------------------

  protected lease(h: SlotHandle<T>): void {
    h.leased = true;
    h.leases++;
    if (this.settings.maxLeaseTime > 0) {
      h.leasedAt = this.clock.now();
      this.armWake(h.leasedAt + this.settings.maxLeaseTime);
    }
    this.markDirty(h);
  }

  /** A connection is free (created, checked, given back): the oldest waiter gets it, else it goes idle. */
  protected makeAvailable(h: SlotHandle<T>, validated: boolean): void {
    if (this.phase !== 'running') return void this.discard(h, 'stopped');
    if (this.waiters.size === 0) {
      h.idleSince = this.clock.now();
      h.inIdle = true;
      this.idle.push(h);
      this.markDirty(h);
      return;
    }
    if (!validated && this.settings.validateOnBorrow && this.validNow(h) !== true) return;
    this.lease(h);
    this.settle(this.waiters.shift()!, h.conn);
  }

  /** Validation before a borrow: true / false now, or the slot checks a promise (`validating`) and serves a waiter after. */
  protected validNow(h: SlotHandle<T>): boolean | 'checking' {
    let ok: boolean | Promise<boolean>;
    try {
      ok = (this.settings.validate ?? defaultValidate)(h.conn);
    } catch (error) {
      ok = false;
      this.lastError = messageOf(error);
    }
    if (ok === true) return true;
    if (ok === false || typeof (ok as Promise<boolean> | undefined)?.then !== 'function') {
      this.emit('validation_failed', { slot: h.name, error: 'invalid before borrowing' });
      this.tellDiscard(h, 'unhealthy');
      return false;
    }
    h.pendingCheck = ok;
    h.borrowCheck = true;
    this.sync(h);
    h.actor.send({ type: 'CHECK' });
    return 'checking';
  }

  protected markDirty(h: SlotHandle<T>): void {
    if (h.dirty) return;
    h.dirty = true;
    this.dirty.push(h);
    if (!this.flushing) {
      this.flushing = true;
      scheduleFlush(this.flushNow);
    }
  }

  /** Tells the slot actors what the hot path did since the last flush (net change only). */
  protected flush(): void {
    this.flushing = false;
    const list = this.dirty;
    for (let i = 0; i < list.length; i++) {
      const h = list[i]!;
      h.dirty = false;
      this.sync(h);
    }
    list.length = 0;
  }

  protected sync(h: SlotHandle<T>): void {
    if (h.leased === h.told || (h.state !== 'idle' && h.state !== 'leased')) return;
    h.told = h.leased;
    h.actor.send(h.leased ? { type: 'LEASE', leases: h.leases } : { type: 'RELEASE' });
  }

  // ---- everything else goes through the actors ---------------------------------

  protected enqueue(options: AcquireOptions | undefined): Promise<T | null> {
    const timeout = callSeconds(this.ownerName, 'timeout', options?.timeout, this.settings.acquireTimeout);
    if (this.waiters.size >= this.settings.maxWaitingClients) {
      this.emit('pool_full', { waiting: this.waiters.size });
      return NULL;
    }
    const signal = options?.signal;
    if (signal?.aborted) return NULL;
    if (timeout === 0) {
      // Nothing idle and no time to wait.
      this.timedOut(0);
      return NULL;
    }
    return new Promise<T | null>((resolve) => {
      const w: Waiter<T> = { resolve, deadline: this.clock.now() + timeout, timeout, done: false, queued: false, signal, onAbort: undefined };
      if (signal) {
        w.onAbort = () => {
          if (w.done) return;
          this.settle(w, null);
          this.refill();
        };
        signal.addEventListener('abort', w.onAbort, { once: true });
      }
      this.waiters.push(w);
      this.armWake(w.deadline);
      this.refill();
    });
  }

  protected settle(w: Waiter<T>, value: T | null): void {
    this.waiters.leave(w);
    if (w.onAbort) w.signal!.removeEventListener('abort', w.onAbort);
    w.resolve(value);
  }

  /** Creates what the waiters and `minSize` need (never past `maxSize`: one resource per slot); cancels retries nobody needs. */
  protected refill(): void {
    if (this.phase !== 'running') return;
    let held = 0;
    let inFlight = 0;
    // Checked before a borrow: a waiter gets it next, so it is not made anew.
    let checking = 0;
    for (const h of this.handles) {
      if (h.borrowCheck) checking++;
      if (h.holds) held++;
      else if (h.inFlight) inFlight++;
    }
    let want = Math.max(this.settings.minSize - held - inFlight, this.waiters.size - inFlight - checking);
    for (const h of this.handles) {
      if (want > 0 && h.state === 'empty') {
        h.state = 'creating';
        h.actor.send({ type: 'CREATE' });
        want--;
      } else if (want < 0 && h.state === 'backoff' && this.waiters.size === 0 && held + inFlight > this.settings.minSize) {
        h.actor.send({ type: 'CANCEL' });
        inFlight--;
        want++;
      }
    }
  }

  protected armWake(at: number): void {
    if (at >= this.wakeAt || this.poolActor === undefined) return;
    this.wakeAt = at;
    this.holdOpen = this.waiters.size > 0;
    this.poolActor.send({ type: 'WAKE_IN', ms: Math.max(0, at - this.clock.now()) });
    this.holdOpen = false;
  }

  protected timedOut(timeout: number): void {
    this.counters.acquireTimeouts++;
    this.emit('acquire_timeout', { timeout, lastError: this.lastError });
  }

  /** Destroys the resource of a slot that is not leased (by truth) now. */
  protected discard(h: SlotHandle<T>, reason: DestroyReason): Promise<void> {
    const emptied = h.whenEmpty();
    this.tellDiscard(h, reason);
    return emptied;
  }

  protected tellDiscard(h: SlotHandle<T>, reason: DestroyReason): void {
    this.takeFromIdle(h);
    this.sync(h);
    h.actor.send(h.broken && reason === 'dropped' && h.state === 'leased' ? { type: 'RELEASE' } : { type: 'DISCARD', reason });
  }

  /** The connection closed by itself: idle, it is destroyed now; leased, when it comes back. */
  protected dropped(h: SlotHandle<T>): void {
    if (h.conn === null) return;
    if (h.leased) {
      h.broken = true;
      this.sync(h);
      h.actor.send({ type: 'DROPPED' });
      return;
    }
    this.takeFromIdle(h);
    this.sync(h);
    h.actor.send({ type: 'DROPPED' });
  }

  protected takeFromIdle(h: SlotHandle<T>): void {
    if (!h.inIdle) return;
    h.inIdle = false;
    const i = this.idle.indexOf(h);
    if (i !== -1) this.idle.splice(i, 1);
  }

  protected forget(h: SlotHandle<T>): void {
    const conn = h.conn;
    if (conn === null) return;
    if (h.onClose) (conn as { off?(e: string, f: () => void): unknown }).off?.('close', h.onClose);
    h.onClose = undefined;
    this.byConn.delete(conn);
    h.conn = null;
  }

  protected async closeQuietly(conn: T): Promise<void> {
    try {
      await (this.settings.destroy ?? defaultDestroy)(conn);
    } catch (error) {
      this.emit('error', { error });
    }
  }

  protected refuse(what: 'release' | 'destroy', conn: T, h: SlotHandle<T> | undefined): Promise<void> {
    if (h === undefined && typeof conn === 'object' && conn !== null && this.reclaimed.has(conn)) return DONE;
    const why = h === undefined ? 'it is not a connection of this pool' : 'it is not leased (released twice?)';
    return Promise.reject(new StatewireError(`${this.ownerName}.${what}(): ${why}`));
  }

  /** Resolves when the slot first has a connection or first failed to make one. */
  protected firstOutcome(h: SlotHandle<T>): Promise<void> {
    return new Promise((resolve) => {
      const sub = h.actor.subscribe({
        next: (s: { value: unknown }) => {
          if (s.value === 'creating' || s.value === 'empty') return;
          sub.unsubscribe();
          resolve();
        },
        error: () => resolve(),
      });
    });
  }

  /** The pool actor's clock: timers are unref'd (they never keep the process alive) unless a waiter awaits them. */
  protected timerClock(): Clock {
    const clock = this.clock;
    return {
      now: () => clock.now(),
      setTimeout: (fn, ms) => {
        const id = clock.setTimeout(fn, ms);
        if (!this.holdOpen) (id as { unref?: () => void } | null)?.unref?.();
        return id;
      },
      clearTimeout: (id) => clock.clearTimeout(id),
    };
  }

  protected guard(step: () => void): void {
    try {
      step();
    } catch (error) {
      this.emit('error', { error });
    }
  }

  /** The class name errors start with (a subclass sets `static ownerName`). */
  protected get ownerName(): string {
    return (this.constructor as { ownerName?: string }).ownerName ?? 'ConnectionPool';
  }
}
