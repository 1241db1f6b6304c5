import type { Actor, AnyActorRef, EventObject, SnapshotFrom } from 'xstate';
import type { DestroyReason, PoolSlotEmitted } from '../../machines/poolSlot.js';
import type { PoolEmitted } from '../../machines/pool.js';
import { ConnectionConfigManager } from '../config/ConnectionConfigManager.js';
import type { ConnectionConfig } from '../config/ConnectionConfig.js';
import { StatewireError, TimeoutError } from '../errors.js';
import { systemClock, type Clock } from '../runtime/clock.js';
import { createRootActor } from '../runtime/createRootActor.js';
import { callSeconds, poolSettings, type ConnectionPoolOptions, type PoolSettings } from './poolOptions.js';
import { PoolEvents } from './poolEvents.js';
import { pooledMachine, poolOwners, type SlotWork } from './pooledMachine.js';
import { SlotHandle, type SlotState } from './SlotHandle.js';
import { Waiters, type Waiter } from './Waiters.js';
import { defaultDestroy, defaultHealthCheck, defaultValidate, isStatewireConnection } from './resource.js';
import { poolStats, type PoolStats } from './poolStats.js';
import { scheduleFlush } from './scheduleFlush.js';

export type { PoolStats } from './poolStats.js';

/** Options of one `acquire()` call. */
export interface AcquireOptions {
  /** Stop waiting: the call resolves `null` and leaves nothing behind. */
  signal?: AbortSignal;
  /** Seconds to wait (as the pool's `acquireTimeout`, which is the default). */
  timeout?: number;
}

const NULL: Promise<null> = Promise.resolve(null);
const DONE: Promise<void> = Promise.resolve();
const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error)).slice(0, 200);

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
 */
export class ConnectionPool<T = unknown> extends PoolEvents implements SlotWork {
  /** The validated options, times in ms. */
  protected readonly settings: PoolSettings;
  protected readonly clock: Clock;
  private readonly factory: (config: ConnectionConfig) => T | Promise<T>;
  private connectionConfig: unknown;
  private poolActor: Actor<typeof pooledMachine> | undefined = undefined;
  private readonly handles: Array<SlotHandle<T>> = [];
  private readonly byName = new Map<string, SlotHandle<T>>();
  private readonly byConn = new Map<T, SlotHandle<T>>();
  /** Idle connections, most recently used last (handed out first: the others can age out). */
  private readonly idle: Array<SlotHandle<T>> = [];
  private readonly waiters = new Waiters<T>();
  private readonly dirty: Array<SlotHandle<T>> = [];
  private flushing = false;
  private phase: 'new' | 'running' | 'draining' | 'stopped' = 'new';
  private started: Promise<void> | undefined = undefined;
  private stopping: Promise<void> | undefined = undefined;
  private onStopped: (() => void) | undefined = undefined;
  /** Clock time the wake timer is armed for (Infinity: not armed). */
  private wakeAt = Infinity;
  /** While set, a timer the pool actor starts keeps the process alive (someone awaits it). */
  private holdOpen = false;
  private lastError: string | null = null;
  private connections = 0;
  private readonly reclaimed = new WeakSet<object>();
  /** @internal Counters for `getStats()`. */
  readonly counters = { created: 0, destroyed: 0, acquireTimeouts: 0, createFailures: 0, leaseExpirations: 0 };
  private readonly flushNow = () => this.flush();

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

  // ---- the slots' invoked actors (SlotWork) ----------------------------------

  /** @internal The slot's `create` actor: factory, adoption as the slot's child, connect. */
  async createFor(slot: string, signal: AbortSignal): Promise<void> {
    const h = this.byName.get(slot)!;
    // The config manager reads (and checks) the environment: once per pool, not per create.
    const config = (this.connectionConfig ??= new ConnectionConfigManager().get(this.settings.connectionType)) as ConnectionConfig;
    // A copy each time: a factory that changes its config changes no other connection's.
    const conn = await this.factory({ ...config });
    if (signal.aborted) return this.closeQuietly(conn);
    if (isStatewireConnection(conn)) {
      conn.attachTo(h.actor, `${slot}.conn${++this.connections}`);
      const abandon = () => void this.closeQuietly(conn);
      signal.addEventListener('abort', abandon);
      try {
        if (conn.isConnected?.() !== true) await conn.connect?.();
      } catch (error) {
        void this.closeQuietly(conn);
        throw error;
      } finally {
        signal.removeEventListener('abort', abandon);
      }
      if (signal.aborted) return;
      const onClose = () => this.guard(() => this.dropped(h));
      conn.on?.('close', onClose);
      h.onClose = onClose;
    }
    h.conn = conn;
    h.broken = false;
    this.byConn.set(conn, h);
  }

  /** @internal The slot's `validate` actor: a health check (or the pending validation before a borrow). */
  checkFor(slot: string): Promise<boolean> {
    const h = this.byName.get(slot)!;
    const pending = h.pendingCheck;
    h.pendingCheck = undefined;
    if (pending) return pending;
    const validate = this.settings.validate ?? defaultHealthCheck;
    return h.conn === null ? Promise.resolve(false) : Promise.resolve(validate(h.conn));
  }

  /** @internal The slot's `destroy` actor. */
  async destroyFor(slot: string): Promise<void> {
    const h = this.byName.get(slot)!;
    const conn = h.conn;
    this.forget(h);
    // Out of the slot's transition first: a statewire connection's dispose() sends its parent `statewire.release`.
    await null;
    if (conn !== null) await (this.settings.destroy ?? defaultDestroy)(conn);
  }

  // ---- hot path ---------------------------------------------------------------

  private lease(h: SlotHandle<T>): void {
    h.leased = true;
    h.leases++;
    if (this.settings.maxLeaseTime > 0) {
      h.leasedAt = this.clock.now();
      this.armWake(h.leasedAt + this.settings.maxLeaseTime);
    }
    this.markDirty(h);
  }

  /** A connection is free (created, checked, given back): the oldest waiter gets it, else it goes idle. */
  private makeAvailable(h: SlotHandle<T>, validated: boolean): void {
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
  private validNow(h: SlotHandle<T>): boolean | 'checking' {
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
    this.sync(h);
    h.actor.send({ type: 'CHECK' });
    return 'checking';
  }

  private markDirty(h: SlotHandle<T>): void {
    if (h.dirty) return;
    h.dirty = true;
    this.dirty.push(h);
    if (!this.flushing) {
      this.flushing = true;
      scheduleFlush(this.flushNow);
    }
  }

  /** Tells the slot actors what the hot path did since the last flush (net change only). */
  private flush(): void {
    this.flushing = false;
    const list = this.dirty;
    for (let i = 0; i < list.length; i++) {
      const h = list[i]!;
      h.dirty = false;
      this.sync(h);
    }
    list.length = 0;
  }

  private sync(h: SlotHandle<T>): void {
    if (h.leased === h.told || (h.state !== 'idle' && h.state !== 'leased')) return;
    h.told = h.leased;
    h.actor.send(h.leased ? { type: 'LEASE', leases: h.leases } : { type: 'RELEASE' });
  }

  // ---- everything else goes through the actors ---------------------------------

  private enqueue(options: AcquireOptions | undefined): Promise<T | null> {
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

  private settle(w: Waiter<T>, value: T | null): void {
    this.waiters.leave(w);
    if (w.onAbort) w.signal!.removeEventListener('abort', w.onAbort);
    w.resolve(value);
  }

  /** Creates what the waiters and `minSize` need (never past `maxSize`: one resource per slot); cancels retries nobody needs. */
  private refill(): void {
    if (this.phase !== 'running') return;
    let held = 0;
    let inFlight = 0;
    for (const h of this.handles) {
      if (h.holds) held++;
      else if (h.inFlight) inFlight++;
    }
    let want = Math.max(this.settings.minSize - held - inFlight, this.waiters.size - inFlight);
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

  private armWake(at: number): void {
    if (at >= this.wakeAt || this.poolActor === undefined) return;
    this.wakeAt = at;
    this.holdOpen = this.waiters.size > 0;
    this.poolActor.send({ type: 'WAKE_IN', ms: Math.max(0, at - this.clock.now()) });
    this.holdOpen = false;
  }

  /** The wake timer: time out the waiters that are due, report (and reclaim) expired leases, re-arm for the next. */
  private wake(): void {
    this.wakeAt = Infinity;
    const now = this.clock.now();
    let next = Infinity;
    for (const w of [...this.waiters]) {
      if (w.deadline > now) {
        next = Math.min(next, w.deadline);
        continue;
      }
      this.settle(w, null);
      this.timedOut(w.timeout);
    }
    const max = this.settings.maxLeaseTime;
    if (max > 0) {
      for (const h of this.handles) {
        if (!h.leased || h.expired) continue;
        const due = h.leasedAt + max;
        if (due > now) {
          next = Math.min(next, due);
          continue;
        }
        this.leaseExpired(h, now - h.leasedAt);
      }
    }
    if (next < Infinity) this.armWake(next);
    this.refill();
  }

  private timedOut(timeout: number): void {
    this.counters.acquireTimeouts++;
    this.emit('acquire_timeout', { timeout, lastError: this.lastError });
  }

  private leaseExpired(h: SlotHandle<T>, heldFor: number): void {
    h.expired = true;
    this.counters.leaseExpirations++;
    const reclaim = this.settings.reclaimExpiredLeases;
    this.emit('lease_expired', { slot: h.name, heldFor, reclaimed: reclaim });
    if (!reclaim) return;
    this.reclaimed.add(h.conn as object);
    h.leased = false;
    void this.discard(h, 'reclaimed');
  }

  /** Destroys the resource of a slot that is not leased (by truth) now. */
  private discard(h: SlotHandle<T>, reason: DestroyReason): Promise<void> {
    const emptied = h.whenEmpty();
    this.tellDiscard(h, reason);
    return emptied;
  }

  private tellDiscard(h: SlotHandle<T>, reason: DestroyReason): void {
    this.takeFromIdle(h);
    this.sync(h);
    h.actor.send(h.broken && reason === 'dropped' && h.state === 'leased' ? { type: 'RELEASE' } : { type: 'DISCARD', reason });
  }

  /** The connection closed by itself: idle, it is destroyed now; leased, when it comes back. */
  private dropped(h: SlotHandle<T>): void {
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

  private takeFromIdle(h: SlotHandle<T>): void {
    if (!h.inIdle) return;
    h.inIdle = false;
    const i = this.idle.indexOf(h);
    if (i !== -1) this.idle.splice(i, 1);
  }

  private forget(h: SlotHandle<T>): void {
    const conn = h.conn;
    if (conn === null) return;
    if (h.onClose) (conn as { off?(e: string, f: () => void): unknown }).off?.('close', h.onClose);
    h.onClose = undefined;
    this.byConn.delete(conn);
    h.conn = null;
  }

  private onSlot(h: SlotHandle<T>, state: SlotState): void {
    const previous = h.state;
    h.state = state;
    if (state === previous) return;
    if (state === 'idle') {
      h.told = false;
      if (previous === 'creating' || previous === 'validating') this.makeAvailable(h, true);
    } else if (state === 'leased') {
      h.told = true;
    } else if (state === 'validating' || state === 'destroying') {
      this.takeFromIdle(h);
    } else if (state === 'empty') {
      this.forget(h);
      h.leased = false;
      h.told = false;
      h.broken = false;
      h.settleEmpty();
      this.refill();
      this.checkDrained();
    }
  }

  private onSlotEvent(event: PoolSlotEmitted): void {
    if (event.type === 'created') {
      this.counters.created++;
      this.emit('created', { slot: event.slot });
    } else if (event.type === 'create_failed') {
      this.counters.createFailures++;
      this.lastError = event.error;
      this.emit('create_failed', { slot: event.slot, error: event.error, attempt: event.attempt });
    } else if (event.type === 'validation_failed') {
      this.emit('validation_failed', { slot: event.slot, error: event.error });
    } else if (event.type === 'destroyed') {
      this.counters.destroyed++;
      this.emit('destroyed', { slot: event.slot, reason: event.reason });
    }
  }

  private onPoolEvent(event: PoolEmitted): void {
    if (event.type === 'wake') this.wake();
    else if (event.type === 'cleanup') this.evictIdle();
    else if (event.type === 'health_check') this.checkIdle();
    else if (event.type === 'drain_deadline') this.forceClose();
  }

  private onPoolSnapshot(snapshot: SnapshotFrom<typeof pooledMachine>): void {
    if (snapshot.status !== 'done') return;
    this.phase = 'stopped';
    for (const h of this.handles) if (h.conn !== null) this.forceOne(h);
    for (const w of this.waiters.clear()) this.settle(w, null);
    this.onStopped?.();
  }

  /** Idle connections unused for `maxIdleTime`, oldest first, down to `minSize`. */
  private evictIdle(): void {
    const now = this.clock.now();
    let held = this.handles.filter((h) => h.holds).length;
    for (const h of [...this.idle]) {
      if (held <= this.settings.minSize) break;
      const idleFor = now - h.idleSince;
      if (idleFor < this.settings.maxIdleTime) continue;
      held--;
      this.emit('evicted', { slot: h.name, idleFor });
      this.tellDiscard(h, 'evicted');
    }
  }

  private checkIdle(): void {
    for (const h of [...this.idle]) {
      this.takeFromIdle(h);
      this.sync(h);
      h.actor.send({ type: 'CHECK' });
    }
  }

  private checkDrained(): void {
    if (this.phase === 'draining' && this.handles.every((h) => h.state === 'empty')) this.poolActor!.send({ type: 'DRAINED' });
  }

  private forceClose(): void {
    const slots = this.handles.filter((h) => h.state !== 'empty').map((h) => h.name);
    this.emit('drain_forced', { slots });
    for (const h of this.handles) if (h.conn !== null) this.forceOne(h);
  }

  private forceOne(h: SlotHandle<T>): void {
    const conn = h.conn!;
    this.reclaimed.add(conn as object);
    h.leased = false;
    this.forget(h);
    void this.closeQuietly(conn);
  }

  private async closeQuietly(conn: T): Promise<void> {
    try {
      await (this.settings.destroy ?? defaultDestroy)(conn);
    } catch (error) {
      this.emit('error', { error });
    }
  }

  private refuse(what: 'release' | 'destroy', conn: T, h: SlotHandle<T> | undefined): Promise<void> {
    if (h === undefined && typeof conn === 'object' && conn !== null && this.reclaimed.has(conn)) return DONE;
    const why = h === undefined ? 'it is not a connection of this pool' : 'it is not leased (released twice?)';
    return Promise.reject(new StatewireError(`${this.ownerName}.${what}(): ${why}`));
  }

  /** Resolves when the slot first has a connection or first failed to make one. */
  private firstOutcome(h: SlotHandle<T>): Promise<void> {
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
  private timerClock(): Clock {
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

  private guard(step: () => void): void {
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

export type { ConnectionPoolOptions } from './poolOptions.js';
export type { EventObject };
