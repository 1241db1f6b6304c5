import type { DestroyReason } from '../../machines/poolSlot.js';

/**
 * The events of a {@link ConnectionPool}, each name with its payload. Slots are
 * named `<pool>.slot<i>`; messages never carry a secret (errors are redacted
 * by the connections that raise them).
 *
 * @example
 * ```ts
 * pool.on('create_failed', ({ slot, error, attempt }) => console.warn(slot, error, attempt));
 * ```
 */
export interface PoolEventMap {
  /** A connection was created (and, for a statewire connection, opened). */
  created: { slot: string };
  /** A create failed (factory threw, connect failed, or `createTimeout`): the slot backs off and retries. */
  create_failed: { slot: string; error: string; attempt: number };
  /** A health check or a validation before borrowing said no: the connection is replaced. */
  validation_failed: { slot: string; error: string };
  /** An idle connection older than `maxIdleTime` was destroyed (above `minSize`). */
  evicted: { slot: string; idleFor: number };
  /** A connection was destroyed, and why. */
  destroyed: { slot: string; reason: DestroyReason };
  /** A lease lasted longer than `maxLeaseTime` (ms held so far); `reclaimed` with `reclaimExpiredLeases`. */
  lease_expired: { slot: string; heldFor: number; reclaimed: boolean };
  /** `maxWaitingClients` were waiting: this `acquire()` resolved `null` at once. */
  pool_full: { waiting: number };
  /** An `acquire()` got no connection within its timeout (ms) and resolved `null`. */
  acquire_timeout: { timeout: number; lastError: string | null };
  /** The drain's deadline passed: these slots' connections were force-closed. */
  drain_forced: { slots: string[] };
  /** An event handler or an internal step threw: reported, never fatal. */
  error: { error: unknown };
}

/** A handler of pool event `E`. */
export type PoolListener<E extends keyof PoolEventMap> = (payload: PoolEventMap[E]) => void;

type AnyListener = (payload: unknown) => void;

/**
 * The `on` / `off` of a pool. A handler that throws is reported through `error`
 * (and `console.error` when nobody listens to that), never thrown into the pool.
 *
 * @example
 * ```ts
 * pool.on('evicted', ({ slot, idleFor }) => console.log(slot, idleFor)).off('evicted', handler);
 * ```
 */
export class PoolEvents {
  private readonly handlers: Partial<Record<keyof PoolEventMap, AnyListener[]>> = {};

  /** Adds a handler (once per function). */
  on<E extends keyof PoolEventMap>(event: E, handler: PoolListener<E>): this {
    const list = this.handlers[event] ?? [];
    if (!(list as unknown[]).includes(handler)) this.handlers[event] = [...list, handler as AnyListener];
    return this;
  }

  /** Removes a handler added with `on`. */
  off<E extends keyof PoolEventMap>(event: E, handler: PoolListener<E>): this {
    const list = this.handlers[event];
    if (list) this.handlers[event] = list.filter((h) => h !== handler);
    return this;
  }

  /** Whether anyone listens to `event`. */
  protected listens(event: keyof PoolEventMap): boolean {
    return (this.handlers[event]?.length ?? 0) > 0;
  }

  protected emit<E extends keyof PoolEventMap>(event: E, payload: PoolEventMap[E]): void {
    const list = this.handlers[event];
    if (list === undefined) {
      if (event === 'error') console.error('[statewire] pool error:', (payload as PoolEventMap['error']).error);
      return;
    }
    for (const handler of list) {
      try {
        handler(payload);
      } catch (error) {
        if (event === 'error') console.error('[statewire] pool error handler threw:', error);
        else this.emit('error', { error });
      }
    }
  }
}
