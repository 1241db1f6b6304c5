import type { SharedStateView } from '../runtime/SharedStateView.js';
import type { RateLimit } from '../../machines/rateLimiter.js';
import { ConfigError } from '../errors.js';
import type { SharedBreakerStore } from '../breaker/SharedBreaker.js';

/**
 * The seam through which a {@link statewire!RateLimiter} shares its token buckets and
 * server pauses with other processes. The core only calls this interface;
 * `statewire/redis` implements it (`redisState(…).limits(sharedKey)`), so an
 * app that does not import `statewire/redis` bundles none of it.
 *
 * @example
 * ```ts
 * const shared: SharedLimitsStore = redisState({ client, prefix: 'app:' });
 * const limiter = new RateLimiter({ shared, sharedKey: 'payments-api' });
 * ```
 */
export interface SharedLimitsStore {
  /** The shared limits of `sharedKey` (one per limiter; `close()` it when done). */
  limits(sharedKey: string): SharedLimits;
  /** The store's view of itself, which each client using the store runs as its `sharedState` child (optional: without it, no child). */
  readonly sharedState?: SharedStateView;
}

/** One limiter's shared buckets and pauses. */
export interface SharedLimits {
  /**
   * Takes one token of `category` (refilled at `limit`) from the shared bucket:
   * 0 when granted, else the ms until a token is due; a promise of that when it
   * takes a round trip. `undefined` (now or from the promise) when the store
   * cannot decide (unreachable, too slow): the local bucket decides.
   */
  take(category: string, limit: RateLimit): number | undefined | Promise<number | undefined>;
  /** Shares a server pause of `ms` on `category` (`*`: all) with every process. */
  pause(category: string, ms: number): void;
  /** Hears every pause another process shared (`ms` from now); returns an unsubscribe function. */
  onPause(listener: (category: string, ms: number) => void): () => void;
  /** This limiter is done (disposed). */
  close(): void;
}

/** What a shared key may look like: it is part of Redis keys and of the `{sharedKey}` hash tag. */
const SHARED_KEY = /^[A-Za-z0-9_.:/-]{1,128}$/;

/**
 * Checks `shared` + `sharedKey` together (both or neither; `shared` has `method`);
 * returns the key, or undefined when nothing is shared.
 *
 * @example
 * ```ts
 * checkShared('RateLimiter', options.shared, options.sharedKey, 'limits'); // 'payments-api'
 * ```
 */
export function checkShared(owner: string, shared: unknown, sharedKey: unknown, method: 'limits' | 'breaker'): string | undefined {
  if (shared === undefined && sharedKey === undefined) return undefined;
  if (typeof (shared as Record<string, unknown> | undefined)?.[method] !== 'function') {
    throw new ConfigError('shared', typeof shared, `expected a store with ${method}() (redisState of statewire/redis), given with sharedKey`, { owner });
  }
  if (typeof sharedKey !== 'string' || !SHARED_KEY.test(sharedKey)) throw new ConfigError('sharedKey', sharedKey, 'expected 1-128 of A-Z a-z 0-9 _ . : / -', { owner });
  return sharedKey;
}

/**
 * The `shared` / `sharedKey` options of the HTTP clients (`ApiClient`,
 * `HTTPConnection`): the limiter and the breaker of the client are shared with
 * every process that uses the same store and key.
 */
export interface SharedOptions {
  /**
   * Share the rate limiter (when `rateLimiter` / `rateLimit` is on), the server
   * pauses and the circuit breaker with other processes through a store, e.g.
   * `redisState({ client, prefix })` from `statewire/redis`. Needs `sharedKey`.
   *
   * @default undefined
   */
  shared?: SharedLimitsStore & SharedBreakerStore;
  /** What the processes share (e.g. `'payments-api'`); required with `shared`. @default undefined */
  sharedKey?: string;
}

/**
 * Checks a client's {@link SharedOptions}; returns them for the request pipeline (`{}` when nothing is shared).
 *
 * @example
 * ```ts
 * new RequestPipeline({ ...pipelineOptions, ...sharedOptions('ApiClient', given) });
 * ```
 */
export function sharedOptions(owner: string, given: SharedOptions): SharedOptions {
  const key = checkShared(owner, given.shared, given.sharedKey, 'limits');
  if (key === undefined) return {};
  checkShared(owner, given.shared, key, 'breaker');
  return { shared: given.shared, sharedKey: key };
}
