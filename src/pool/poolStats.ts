import type { SlotHandle } from './SlotHandle.js';

/**
 * What `ConnectionPool.getStats()` returns: the pool now, and counters since it started.
 *
 * @example
 * ```ts
 * const { size, available, leased, pending } = pool.getStats();
 * ```
 */
export interface PoolStats {
  /** Connections held (idle, leased, being checked or closed). */
  size: number;
  /** Idle connections ready to hand out. */
  available: number;
  /** Connections leased now. */
  leased: number;
  /** `acquire()` calls waiting. */
  pending: number;
  /** Slots creating a connection, or waiting to retry a failed create. */
  creating: number;
  /** Connections created so far. */
  created: number;
  /** Connections destroyed so far. */
  destroyed: number;
  /** `acquire()` calls that resolved `null` for want of a connection within their timeout. */
  acquireTimeouts: number;
  /** Creates that failed (factory threw, connect failed or timed out). */
  createFailures: number;
  /** Leases that outlived `maxLeaseTime`. */
  leaseExpirations: number;
}

/**
 * Counts the slots' states (the hot path's lease flags are the truth for `leased`).
 *
 * @example
 * ```ts
 * poolStats(handles, waiters.size, counters).leased;
 * ```
 */
export function poolStats(
  handles: ReadonlyArray<SlotHandle<unknown>>,
  pending: number,
  counters: Pick<PoolStats, 'created' | 'destroyed' | 'acquireTimeouts' | 'createFailures' | 'leaseExpirations'>,
): PoolStats {
  let size = 0;
  let available = 0;
  let leased = 0;
  let creating = 0;
  for (const h of handles) {
    if (h.holds) size++;
    if (h.leased) leased++;
    else if (h.inIdle) available++;
    if (h.inFlight) creating++;
  }
  return { size, available, leased, pending, creating, ...counters };
}
