import type { SharedStateView } from '../runtime/SharedStateView.js';
/**
 * The seam through which a {@link statewire!CircuitBreaker} shares its state with other
 * processes. The core only calls this interface; `statewire/redis` implements
 * it (`redisState(…).breaker(…)`), so an app that does not import
 * `statewire/redis` bundles none of it. Successes never cross it (they stay
 * the local hot path): only failures, probe elections and probe outcomes do.
 *
 * @example
 * ```ts
 * const shared: SharedBreakerStore = redisState({ client, prefix: 'app:' });
 * const breaker = new CircuitBreaker({ threshold: 5, shared, sharedKey: 'payments-api' });
 * ```
 */
export interface SharedBreakerStore {
  /** The shared breaker of `sharedKey`; `follower` is told of every shared change. */
  breaker(sharedKey: string, config: () => SharedBreakerConfig, follower: SharedBreakerFollower): SharedBreaker;
  /** The store's view of itself, which each client using the store runs as its `sharedState` child (optional: without it, no child). */
  readonly sharedState?: SharedStateView;
}

/** The local breaker's settings, read at each decision (they may change at run time). */
export interface SharedBreakerConfig {
  threshold: number;
  volumeThreshold: number;
  timeout: number;
  halfOpenMaxCalls: number;
  windowMs: number;
}

/** What the shared breaker tells the local one. */
export interface SharedBreakerFollower {
  /** The shared circuit is open for `msLeft` more ms (by the store's clock). */
  opened(msLeft: number): void;
  /** The shared circuit closed (a probe succeeded somewhere). */
  closed(): void;
}

/** One breaker's shared side. */
export interface SharedBreaker {
  /** A failure while CLOSED, with this process's rolling-window totals (fire and forget). */
  failure(failures: number, calls: number): void;
  /**
   * HALF_OPEN: may this process send a probe now? Synchronous: true while the
   * shared circuit is closed (the local breaker opened alone) or this process
   * holds a probe lease; false otherwise, and a lease election starts.
   */
  mayProbe(): boolean;
  /** A probe this process sent succeeded (`true`) or failed. */
  probed(ok: boolean): void;
  /** A probe ended without an outcome (cancelled): its lease is freed. */
  released(): void;
  /** The breaker is done (disposed). */
  close(): void;
}
