import type { SnapshotFrom } from 'xstate';
import type { PoolSlotEmitted } from '../../machines/poolSlot.js';
import type { PoolEmitted } from '../../machines/pool.js';
import { ConnectionConfigManager } from '../config/ConnectionConfigManager.js';
import type { ConnectionConfig } from '../config/ConnectionConfig.js';
import type { pooledMachine } from './pooledMachine.js';
import { SlotHandle, type SlotState } from './SlotHandle.js';
import { defaultDestroy, defaultHealthCheck, isStatewireConnection } from './resource.js';
import { PoolState } from './PoolState.js';
import type { WorkSignal } from './SlotWorker.js';

/**
 * What the pool's and the slots' actors tell a pool (snapshots, emitted
 * events: created, failed, destroyed, the rounds, the wake timer, the drain
 * deadline) and the work of the slots' invoked actors (create, check, destroy).
 *
 * @example
 * ```ts
 * pooledMachine.provide({}); // its create / validate / destroy actors call pool.createFor(…) and friends
 * ```
 */
export abstract class PoolRounds<T> extends PoolState<T> {
  // ---- the slots' invoked actors (SlotWork) ----------------------------------

  /** @internal The slot's `create` actor: factory, adoption as the slot's child, connect. */
  async createFor(slot: string, signal: WorkSignal): Promise<void> {
    const h = this.byName.get(slot)!;
    // The config manager reads (and checks) the environment: once per pool, not per create.
    const config = (this.connectionConfig ??= new ConnectionConfigManager().get(this.settings.connectionType)) as ConnectionConfig;
    // A copy each time: a factory that changes its config changes no other connection's.
    const conn = await this.factory({ ...config });
    if (signal.aborted) return this.closeQuietly(conn);
    if (isStatewireConnection(conn)) {
      conn.attachTo(h.actor, `${slot}.conn${++this.connections}`);
      signal.onAbort = () => void this.closeQuietly(conn);
      try {
        if (conn.isConnected?.() !== true) await conn.connect?.();
      } catch (error) {
        void this.closeQuietly(conn);
        throw error;
      } finally {
        signal.onAbort = undefined;
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

  /** The wake timer: time out the waiters that are due, report (and reclaim) expired leases, re-arm for the next. */
  protected wake(): void {
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

  protected leaseExpired(h: SlotHandle<T>, heldFor: number): void {
    h.expired = true;
    this.counters.leaseExpirations++;
    const reclaim = this.settings.reclaimExpiredLeases;
    this.emit('lease_expired', { slot: h.name, heldFor, reclaimed: reclaim });
    if (!reclaim) return;
    this.reclaimed.add(h.conn as object);
    h.leased = false;
    void this.discard(h, 'reclaimed');
  }

  protected onSlot(h: SlotHandle<T>, state: SlotState): void {
    const previous = h.state;
    h.state = state;
    if (state === previous) return;
    if (previous === 'validating') h.borrowCheck = false;
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

  protected onSlotEvent(event: PoolSlotEmitted): void {
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

  protected onPoolEvent(event: PoolEmitted): void {
    if (event.type === 'wake') this.wake();
    else if (event.type === 'cleanup') this.evictIdle();
    else if (event.type === 'health_check') this.checkIdle();
    else if (event.type === 'drain_deadline') this.forceClose();
  }

  protected onPoolSnapshot(snapshot: SnapshotFrom<typeof pooledMachine>): void {
    if (snapshot.status !== 'done') return;
    this.phase = 'stopped';
    for (const h of this.handles) if (h.conn !== null) this.forceOne(h);
    for (const w of this.waiters.clear()) this.settle(w, null);
    this.onStopped?.();
  }

  /** Idle connections unused for `maxIdleTime`, oldest first, down to `minSize`. */
  protected evictIdle(): void {
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

  protected checkIdle(): void {
    for (const h of [...this.idle]) {
      this.takeFromIdle(h);
      this.sync(h);
      h.actor.send({ type: 'CHECK' });
    }
  }

  protected checkDrained(): void {
    if (this.phase === 'draining' && this.handles.every((h) => h.state === 'empty')) this.poolActor!.send({ type: 'DRAINED' });
  }

  protected forceClose(): void {
    const slots = this.handles.filter((h) => h.state !== 'empty').map((h) => h.name);
    this.emit('drain_forced', { slots });
    for (const h of this.handles) if (h.conn !== null) this.forceOne(h);
  }

  protected forceOne(h: SlotHandle<T>): void {
    const conn = h.conn!;
    this.reclaimed.add(conn as object);
    h.leased = false;
    this.forget(h);
    void this.closeQuietly(conn);
  }
}
