import { randomUUID } from 'node:crypto';
import type { Actor } from 'xstate';
import type { SharedStateEmitted, sharedStateMachine } from '../../machines/sharedState.js';
import type { SharedBreaker, SharedBreakerConfig, SharedBreakerFollower, SharedBreakerStore } from '../breaker/SharedBreaker.js';
import type { SharedLimits, SharedLimitsStore } from '../rateLimiter/SharedLimits.js';
import { num, optional, str, validateOptions } from '../config/validate.js';
import { ConfigError } from '../errors.js';
import { systemClock, type Clock } from '../runtime/clock.js';
import { checkInspect, type Inspect } from '../runtime/inspection.js';
import type { SharedStateView } from '../runtime/SharedStateView.js';
import { RedisBreaker } from './RedisBreaker.js';
import { RedisLimits } from './RedisLimits.js';
import type { RedisLike } from './RedisLike.js';
import { SharedKeys } from './SharedKeys.js';
import { StoreLink } from './StoreLink.js';

/** This process's default `instanceId`: random, once per process. */
const PROCESS_ID = randomUUID().slice(0, 12);

/** Options of {@link redisState}. Durations in ms. */
export interface RedisStateOptions {
  /** A node-redis client (`createClient()` of `redis` 5 or 6), connected or connecting: it stays yours (statewire never closes it). */
  client: RedisLike;
  /** Prefix of every key and of the channel (e.g. `'myapp:'`). */
  prefix: string;
  /**
   * This process's id for the breaker's quorum and its probe leases.
   *
   * @default a random id per process
   */
  instanceId?: string;
  /**
   * The longest a Redis command may take; past it the process decides alone
   * (degraded) until the store answers a check again.
   *
   * @default 25
   */
  commandTimeout?: number;
  /**
   * While degraded: how often the store is checked again.
   *
   * @default 1000
   */
  recheckMs?: number;
  /**
   * Tokens a limiter takes per round trip (1: no leasing, one round trip per
   * take). See `RedisLimits` for the error bound of a lease.
   *
   * @default 1
   */
  lease?: number;
  /**
   * How long leased tokens stay usable before unused ones are dropped.
   *
   * @default 1000
   */
  leaseMs?: number;
  /**
   * Distinct instances whose failures it takes (within the window) to open a
   * shared breaker; below it only the reporting instance's own breaker opens.
   *
   * @default 1
   */
  minReporters?: number;
  /**
   * TTL of a HALF_OPEN probe's lease: set it to at least the probe request's
   * timeout, so that only a crashed prober's lease frees the slot early.
   *
   * @default 30000
   */
  probeLease?: number;
  /**
   * How long a shared OPEN outlives its deadline with no probe outcome before
   * the store forgets it (CLOSED).
   *
   * @default 60000
   */
  halfOpenTtl?: number;
  /**
   * Local time: the recheck timer, lease expiry, the events' `at` (tests pass a fake one).
   * Bucket times never come from it: they are Redis `TIME`.
   *
   * @default systemClock
   */
  clock?: Clock;
  /**
   * An XState inspection observer (e.g. `createBrowserInspector().inspect` from
   * `@statelyai/inspect`): sees the `sharedState` machine, so the inspector shows
   * when this process decides alone.
   *
   * @default undefined
   */
  inspect?: Inspect;
  /**
   * Errors inside statewire/redis (a failing script, the subscriber).
   *
   * @default console.error
   */
  onError?: (error: unknown) => void;
}

/**
 * What {@link redisState} returns: pass it as `shared` (with a `sharedKey`) to
 * `ApiClient`, `HTTPConnection`, `RateLimiter` and `CircuitBreaker`.
 */
export interface RedisState extends SharedLimitsStore, SharedBreakerStore {
  /** The process's view of the store: `connected | degraded` (the `sharedState` machine). */
  readonly actor: Actor<typeof sharedStateMachine>;
  /**
   * The view each client made with this store runs as its `sharedState` child
   * (`client.actor.getSnapshot().children.sharedState`): it follows this
   * store's one health check, so the inspector shows under each client when it
   * decides alone, and `shared_state_degraded` / `shared_state_restored` can be
   * heard on the child (`child.on(…)`).
   */
  readonly sharedState: SharedStateView;
  /** `'connected'` or `'degraded'` (deciding alone). */
  readonly state: 'connected' | 'degraded';
  readonly instanceId: string;
  /** `shared_state_degraded | shared_state_restored`; returns an unsubscribe function. */
  on<K extends SharedStateEmitted['type']>(type: K, handler: (event: Extract<SharedStateEmitted, { type: K }>) => void): () => void;
  /** Stops the machine and closes statewire's pub/sub client (not yours). */
  dispose(): void;
}

const ID = /^[A-Za-z0-9_.:-]{1,64}$/;
const spec = {
  prefix: str(),
  instanceId: optional(str({ nonEmpty: true })),
  commandTimeout: num({ min: 1, max: 10_000, default: 25, unit: 'ms' }),
  recheckMs: num({ min: 10, max: 600_000, default: 1000, unit: 'ms' }),
  lease: num({ integer: true, min: 1, max: 10_000, default: 1 }),
  leaseMs: num({ min: 10, max: 600_000, default: 1000, unit: 'ms' }),
  minReporters: num({ integer: true, min: 1, max: 10_000, default: 1 }),
  probeLease: num({ min: 10, max: 86_400_000, default: 30_000, unit: 'ms' }),
  halfOpenTtl: num({ min: 10, max: 86_400_000, default: 60_000, unit: 'ms' }),
};

/**
 * Shares rate limits, server pauses and circuit breakers between processes
 * through Redis. Each decision a process makes with it falls back to the
 * process's own limiter and breaker when Redis is slow (past `commandTimeout`),
 * unreachable or not ready: no request ever waits on Redis for longer than
 * `commandTimeout` (twice that for a take that queued behind another take of
 * its category, to go in the next round trip), and none at all while degraded.
 *
 * @example
 * ```ts
 * import { createClient } from 'redis';
 * import { ApiClient } from 'statewire';
 * import { redisState } from 'statewire/redis';
 *
 * const client = await createClient({ url: 'redis://127.0.0.1:6379' }).connect();
 * const shared = redisState({ client, prefix: 'myapp:' });
 * const api = new ApiClient({ baseURL: 'https://api.example.com', rateLimiter: true, shared, sharedKey: 'payments-api' });
 * shared.on('shared_state_degraded', (e) => console.warn('deciding alone:', e.reason));
 * ```
 */
export function redisState(options: RedisStateOptions): RedisState {
  const o = validateOptions('redisState', options, spec, { accept: ['client', 'clock', 'onError', 'inspect'] });
  const client = options?.client as RedisLike | undefined;
  if (typeof client !== 'object' || client === null || typeof client.sendCommand !== 'function' || typeof client.duplicate !== 'function') {
    throw new ConfigError('client', typeof client, 'expected a node-redis client (createClient() from redis)', { owner: 'redisState' });
  }
  if (/[{}|]/.test(o.prefix)) throw new ConfigError('prefix', o.prefix, 'must not contain { } or | (they delimit the hash tag and messages)', { owner: 'redisState' });
  const instanceId = o.instanceId ?? PROCESS_ID;
  if (!ID.test(instanceId)) throw new ConfigError('instanceId', instanceId, 'expected 1 to 64 characters of A-Z a-z 0-9 _ . : -', { owner: 'redisState' });
  const clock = checkClock(options.clock);
  if (options.onError !== undefined && typeof options.onError !== 'function') {
    throw new ConfigError('onError', options.onError, 'expected a function (error) => void', { owner: 'redisState' });
  }
  const onError = options.onError ?? ((error: unknown) => console.error('[statewire/redis]', error));
  const channel = `${o.prefix}statewire:events`;
  const link = new StoreLink({ client, channel, commandTimeout: o.commandTimeout, recheckMs: o.recheckMs, clock, onError, inspect: checkInspect('redisState', options.inspect) });
  const keysOf = (sharedKey: string) => new SharedKeys(o.prefix, sharedKey, channel, instanceId);
  const settings = { minReporters: o.minReporters, probeLease: o.probeLease, halfOpenTtl: o.halfOpenTtl };
  let disposed = false;
  // A limiter or breaker made on a disposed store would decide alone forever, silently.
  const live = (sharedKey: string): string => {
    if (disposed) throw new ConfigError('shared', 'a disposed redisState', `this redisState was disposed: make a new one for sharedKey "${sharedKey}"`, { owner: 'redisState' });
    return sharedKey;
  };
  return {
    actor: link.actor,
    sharedState: link.view,
    get state() {
      return link.actor.getSnapshot().matches('connected') ? 'connected' : 'degraded';
    },
    instanceId,
    limits: (sharedKey: string): SharedLimits => new RedisLimits(link, keysOf(live(sharedKey)), clock, { lease: o.lease, leaseMs: o.leaseMs }),
    breaker: (sharedKey: string, config: () => SharedBreakerConfig, follower: SharedBreakerFollower): SharedBreaker =>
      new RedisBreaker(link, keysOf(live(sharedKey)), clock, settings, config, follower),
    on: (type, handler) => link.on(type, handler),
    dispose: () => {
      disposed = true;
      link.dispose();
    },
  };
}

/** The `clock` option: the system clock, or an object with the three methods the machines and the link call. */
function checkClock(clock: unknown): Clock {
  if (clock === undefined) return systemClock;
  const c = clock as Partial<Clock> | null;
  if (typeof c !== 'object' || c === null || typeof c.now !== 'function' || typeof c.setTimeout !== 'function' || typeof c.clearTimeout !== 'function') {
    throw new ConfigError('clock', clock, 'expected a Clock: an object with now(), setTimeout() and clearTimeout()', { owner: 'redisState' });
  }
  return clock as Clock;
}
