import type { ActorRefFrom, Snapshot } from 'xstate';
import {
  rateLimiterMachine,
  type RateLimit,
  type RateLimiterContext,
  type RateLimiterEmitted,
} from '../../machines/rateLimiter.js';
import { systemClock, type Clock } from '../runtime/clock.js';
import { checkInspect, type Inspect } from '../runtime/inspection.js';
import { num, optional, record, shape, validateOptions } from '../config/validate.js';
import { createRootActor } from '../runtime/createRootActor.js';
import { FollowedActor } from '../runtime/FollowedActor.js';
import { ConfigError, RateLimitError } from '../errors.js';
import { TokenBucket } from './TokenBucket.js';
import { PendingWaits } from '../runtime/PendingWaits.js';
import { MAX_ENDPOINT_KEYS, OTHER_ENDPOINT } from './endpointKey.js';
import { checkShared, type SharedLimits, type SharedLimitsStore } from './SharedLimits.js';
import { followSharedState, sharedStateViewOf } from '../runtime/SharedStateView.js';

/** Options of {@link RateLimiter} (seed 004's `rateLimiterOptions`). */
export interface RateLimiterOptions {
  /** Per category: `{ tokensPerSecond, burstCapacity }`; merged over the defaults of api, heavy, streaming, control. */
  limits?: Record<string, Partial<RateLimit>>;
  /** Apply the token buckets (false: every take granted unless a server asked for a pause). Default true. */
  enabled?: boolean;
  snapshot?: Snapshot<unknown>;
  /** Drive this existing rate limiter actor (e.g. the HTTP client's child) instead of starting one. */
  actor?: ActorRefFrom<typeof rateLimiterMachine>;
  clock?: Clock;
  /**
   * An XState inspection observer (e.g. `createBrowserInspector().inspect` from
   * `@statelyai/inspect`): sees this actor (not with `actor`), redacted.
   * Ignored once the client runs as a parent's child (the parent's system is inspected).
   *
   * @default undefined
   */
  inspect?: Inspect;
  onError?: (error: unknown) => void;
  /**
   * Share the buckets and server pauses with other processes (e.g.
   * `redisState({ client, prefix })` from `statewire/redis`), under `sharedKey`:
   * `acquire()` and `reserve()` take from the shared bucket (the local one decides
   * whenever the store cannot), `pause()` pauses every process. Needs `sharedKey`.
   *
   * @default undefined
   */
  shared?: SharedLimitsStore;
  /** What the processes share (e.g. `'payments-api'`); required with `shared`. @default undefined */
  sharedKey?: string;
}

/** Counts per endpoint, as in seed 004's `getRateLimiterStats().byEndpoint`. */
export interface EndpointRateStats {
  totalRequests: number;
  rateLimited: number;
}

export interface RateLimiterStats {
  totalRequests: number;
  rateLimited: number;
  /** Per endpoint key; at most 256 keys, the rest under `other` (HTTP clients key by route template, see `endpointKey`). */
  byEndpoint: Record<string, EndpointRateStats>;
}

const limitRule = shape({
  tokensPerSecond: optional(num({ min: 0.001, max: 1_000_000 })),
  burstCapacity: optional(num({ min: 1, max: 1_000_000 })),
});
/** The limiter's option rules; `ApiClient` checks its `rateLimiterOptions` with the same ones. */
export const rateLimiterOptionRules = { limits: optional(record(limitRule)) };

/**
 * A token-bucket rate limiter per category, run by `rateLimiterMachine`. A take
 * is O(1), touches no timer and sends the actor nothing; the machine hears only
 * when a category starts rejecting (once per episode), pauses, enable/disable and
 * limit changes.
 *
 * @example
 * ```ts
 * const limiter = new RateLimiter({ limits: { api: { tokensPerSecond: 20, burstCapacity: 30 } } });
 * limiter.check('api', '/users');           // throws RateLimitError (retryAfter ms) when empty
 * await limiter.acquire('heavy');           // or wait for a token
 * limiter.limits.api.tokensPerSecond = 50;  // change at run time
 * ```
 */
export class RateLimiter {
  /** The machine it drives (see {@link RateLimiter.actor}). */
  private readonly followed: FollowedActor<ActorRefFrom<typeof rateLimiterMachine>>;
  private readonly owned: boolean;
  /** The live limit objects behind {@link RateLimiter.limits}. */
  private readonly limitTable: Record<string, RateLimit> = {};
  /**
   * Live limits: assigning `limits.api.tokensPerSecond` reconfigures the bucket,
   * and assigning a whole limit (`limits.uploads = { tokensPerSecond: 2, burstCapacity: 4 }`)
   * adds or replaces a category, validated like {@link RateLimiter.configure}.
   */
  readonly limits: Record<'api' | 'heavy' | 'streaming' | 'control', RateLimit> & Record<string, RateLimit> = new Proxy(this.limitTable, {
    set: (_table, category, limit) => {
      if (typeof category !== 'string') return false;
      this.configure(category, limit as Partial<RateLimit>);
      return true;
    },
    deleteProperty: () => false,
  }) as never;
  private readonly clock: Clock;
  private readonly buckets = new Map<string, TokenBucket>();
  /** Until when a category's current rejection episode has been reported. */
  private readonly reportedUntil = new Map<string, number>();
  private readonly endpoints = new Map<string, EndpointRateStats>();
  private limiting = true;
  private paused = false;
  private pausedUntil: Record<string, number> = {};
  private limitsSeen: RateLimiterContext['limits'] | undefined;
  private totalRequests = 0;
  /** Pending `acquire` waits, ended by `dispose()` so nothing hangs. */
  private readonly waits: PendingWaits;
  private rateLimited = 0;
  /** The shared buckets and pauses (`shared` option), when given. */
  private readonly shared: SharedLimits | undefined;
  /** Stops the store's view from driving this limiter's `sharedState` child. */
  private readonly forgetView: () => void;

  constructor(options: RateLimiterOptions = {}) {
    const o = validateOptions('RateLimiter', options, rateLimiterOptionRules, { accept: ['enabled', 'snapshot', 'actor', 'clock', 'onError', 'inspect', 'shared', 'sharedKey'] });
    const sharedKey = checkShared('RateLimiter', options.shared, options.sharedKey, 'limits');
    this.clock = options.clock ?? systemClock;
    if (options.onError !== undefined && typeof options.onError !== 'function') throw new ConfigError('onError', options.onError, 'expected a function', { owner: 'RateLimiter' });
    this.waits = new PendingWaits(this.clock);
    this.owned = options.actor === undefined;
    // Shared: its own actor gets the store's view as its `sharedState` child (a client's limiter is seen under the client).
    const view = sharedKey !== undefined && this.owned ? sharedStateViewOf(options.shared) : undefined;
    const actor =
      options.actor ??
      createRootActor(view ? rateLimiterMachine.provide({ actors: { sharedState: view.logic } }) : rateLimiterMachine, {
        input: view ? { limits: o.limits, sharedState: view.input } : { limits: o.limits },
        snapshot: options.snapshot,
        clock: this.clock,
        onError: options.onError,
        inspect: checkInspect('RateLimiter', options.inspect),
        // A pause's end: nobody awaits it (acquire() waits on its own timer), it must not keep the process alive.
        background: true,
      });
    this.followed = new FollowedActor(actor, (snapshot) => this.sync(snapshot.value, snapshot.context));
    // A restored pause has lost its resume timer (statelyai/xstate#5331): re-arm it
    // from the pause's absolute end. A fresh actor is never paused.
    if (this.paused) this.actor.send({ type: 'RESUME', at: this.clock.now() });
    if (options.enabled === false) this.disable();
    this.forgetView = followSharedState(view, this.actor);
    if (sharedKey !== undefined) {
      this.shared = options.shared!.limits(sharedKey);
      // Another process's pause: this one's machine pauses too (the machine keeps the longer pause).
      this.shared.onPause((category, ms) => {
        if (category === '*' || this.buckets.has(category)) this.actor.send({ type: 'PAUSE', category, ms, at: this.clock.now() });
      });
    }
  }

  /** The running machine: inspect it, subscribe to it, persist it. */
  get actor(): ActorRefFrom<typeof rateLimiterMachine> {
    return this.followed.actor;
  }

  /** @internal Drives another limiter actor from now on (its HTTP client was adopted by a parent); listeners move with it. */
  follow(actor: ActorRefFrom<typeof rateLimiterMachine>): void {
    const limiting = this.limiting;
    this.followed.follow(actor);
    // The new actor starts as configured: a limiter turned off (`rateLimiter: false`, `disable()`) stays off.
    if (!limiting && this.limiting) this.disable();
  }

  private sync(value: unknown, context: RateLimiterContext): void {
    const { limiting, server } = value as { limiting: string; server: string };
    this.limiting = limiting === 'enabled';
    this.paused = server === 'paused';
    this.pausedUntil = context.pausedUntil;
    if (context.limits === this.limitsSeen) return;
    this.limitsSeen = context.limits;
    const now = this.clock.now();
    for (const [category, limit] of Object.entries(context.limits)) {
      const bucket = this.buckets.get(category);
      if (bucket) bucket.configure(limit.tokensPerSecond, limit.burstCapacity, now);
      else {
        this.buckets.set(category, new TokenBucket(limit.tokensPerSecond, limit.burstCapacity, now));
        this.exposeLimit(category);
      }
    }
  }

  private exposeLimit(category: string): void {
    const limiter = this;
    const current = () => limiter.actor.getSnapshot().context.limits[category]!;
    this.limitTable[category] = {
      get tokensPerSecond() {
        return current().tokensPerSecond;
      },
      set tokensPerSecond(value: number) {
        limiter.configure(category, { tokensPerSecond: value });
      },
      get burstCapacity() {
        return current().burstCapacity;
      },
      set burstCapacity(value: number) {
        limiter.configure(category, { burstCapacity: value });
      },
    };
  }

  /** Adds a category or changes its limit (validated). */
  configure(category: string, limit: Partial<RateLimit>): void {
    const checked = validateOptions('RateLimiter', { limits: { [category]: limit } }, rateLimiterOptionRules).limits![category]!;
    const base = this.actor.getSnapshot().context.limits[category] ?? { tokensPerSecond: 20, burstCapacity: 30 };
    this.actor.send({
      type: 'CONFIGURE',
      category,
      limit: {
        tokensPerSecond: checked.tokensPerSecond ?? base.tokensPerSecond,
        burstCapacity: checked.burstCapacity ?? base.burstCapacity,
      },
    });
  }

  /**
   * Takes one token from `category`. Returns 0 when granted, otherwise the ms
   * until a token is due (counted as rate limited). `endpoint` feeds `byEndpoint`.
   */
  take(category = 'api', endpoint?: string): number {
    const stats = this.count(endpoint);
    const wait = this.tryTake(category);
    if (wait > 0) this.limited(category, wait, stats);
    return wait;
  }

  private count(endpoint: string | undefined): EndpointRateStats | undefined {
    this.totalRequests++;
    if (endpoint === undefined) return undefined;
    const stats = this.endpointStats(endpoint);
    stats.totalRequests++;
    return stats;
  }

  /** The bucket arithmetic alone: 0 or the wait in ms. */
  private tryTake(category: string): number {
    const bucket = this.buckets.get(category);
    // A misspelt category is an error even while limiting is off.
    if (bucket === undefined) throw this.unknownCategory(category);
    if (!this.limiting && !this.paused) return 0;
    const now = this.clock.now();
    if (this.paused) {
      const until = Math.max(this.pausedUntil[category] ?? 0, this.pausedUntil['*'] ?? 0);
      if (until > now) return until - now;
    }
    return this.limiting ? bucket.take(now) : 0;
  }

  /**
   * Like {@link RateLimiter.take}, through the shared bucket when the limiter has
   * `shared`: 0 or the ms until a token is due, as a promise when it takes a
   * round trip. The local bucket decides when nothing is shared, while limiting
   * is off, during a server pause, and whenever the store cannot answer in time.
   */
  reserve(category = 'api', endpoint?: string): number | Promise<number> {
    if (this.shared === undefined || !this.limiting) return this.take(category, endpoint);
    const stats = this.count(endpoint);
    const wait = this.sharedTry(category);
    if (typeof wait === 'number') {
      if (wait > 0) this.limited(category, wait, stats);
      return wait;
    }
    // One step for the reply: a shared take is a hot path.
    return wait.then((w) => {
      const v = w === undefined ? this.tryTake(category) : w;
      if (v > 0) this.limited(category, v, stats);
      return v;
    });
  }

  /** The shared bucket's answer (undefined from the promise: the store had none, the local bucket decides), the local bucket's when the store is not usable. */
  private sharedTry(category: string): number | Promise<number | undefined> {
    const limit = this.actor.getSnapshot().context.limits[category];
    if (limit === undefined) throw this.unknownCategory(category);
    if (this.paused) {
      const pause = this.serverPauseEnd(category) - this.clock.now();
      if (pause > 0) return pause;
    }
    const shared = this.shared!.take(category, limit);
    if (shared === undefined) return this.tryTake(category);
    return shared;
  }

  /** A shared take's wait, awaited: the local bucket's when the store had no answer. */
  private async sharedWait(category: string): Promise<number> {
    const w = await this.sharedTry(category);
    return w === undefined ? this.tryTake(category) : w;
  }

  /** Takes a token or throws `RateLimitError` with `retryAfter` in ms (`reason` says whether a server pause or the bucket refused). */
  check(category = 'api', endpoint?: string): void {
    const wait = this.take(category, endpoint);
    if (wait > 0) throw new RateLimitError(wait, category, { reason: this.serverPauseEnd(category) > this.clock.now() ? 'server' : 'client' });
  }

  /**
   * When the server-imposed pause on `category` (or on all, `*`) ends, in epoch
   * ms; 0 (or a time already past) when there is none. A take refused before
   * then is refused by the server's pause, not by the token bucket.
   */
  serverPauseEnd(category = 'api'): number {
    if (!this.paused) return 0;
    return Math.max(this.pausedUntil[category] ?? 0, this.pausedUntil['*'] ?? 0);
  }

  /**
   * Waits for a token (counted once, and once as rate limited if it had to wait).
   * Rejects with `RateLimitError` when the wait would pass `maxWait` (ms, default
   * 30000), with the signal's reason when aborted, and when the limiter is disposed.
   */
  async acquire(
    category = 'api',
    options: { endpoint?: string; signal?: AbortSignal; maxWait?: number } = {},
  ): Promise<void> {
    const stats = this.count(options.endpoint);
    const shared = this.shared !== undefined && this.limiting;
    let wait = shared ? await this.sharedWait(category) : this.tryTake(category);
    if (wait === 0) return;
    this.limited(category, wait, stats);
    const deadline = this.clock.now() + (options.maxWait ?? 30_000);
    for (; wait > 0; wait = shared ? await this.sharedWait(category) : this.tryTake(category)) {
      if (this.clock.now() + wait > deadline) throw new RateLimitError(wait, category, { reason: this.serverPauseEnd(category) > this.clock.now() ? 'server' : 'client' });
      await this.waits.wait(wait, options.signal);
    }
  }

  private limited(category: string, wait: number, stats: EndpointRateStats | undefined): void {
    this.rateLimited++;
    const now = this.clock.now();
    if (stats) stats.rateLimited++;
    // One LIMITED event per episode: a storm of rejected takes never floods the actor.
    if (now < (this.reportedUntil.get(category) ?? 0)) return;
    this.reportedUntil.set(category, now + wait);
    this.actor.send({ type: 'LIMITED', category, retryAfter: wait, at: now });
  }

  private endpointStats(endpoint: string): EndpointRateStats {
    let stats = this.endpoints.get(endpoint);
    if (stats === undefined && this.endpoints.size >= MAX_ENDPOINT_KEYS) {
      // Bounded: distinct endpoints past the cap share one bucket (see endpointKey.ts).
      endpoint = OTHER_ENDPOINT;
      stats = this.endpoints.get(endpoint);
    }
    if (stats === undefined) {
      stats = { totalRequests: 0, rateLimited: 0 };
      this.endpoints.set(endpoint, stats);
    }
    return stats;
  }

  private unknownCategory(category: string): ConfigError {
    return new ConfigError('rateCategory', category, `unknown rate limit category; known: ${[...this.buckets.keys()].join(', ')}`, {
      owner: 'RateLimiter',
    });
  }

  /** A server asked for a pause (429/503 Retry-After): every caller of `category` (`*`: all) waits `ms`. */
  pause(ms: number, category = '*'): void {
    if (!(ms >= 0) || !Number.isFinite(ms)) throw new ConfigError('ms', ms, 'expected a finite number of milliseconds >= 0', { owner: 'RateLimiter.pause' });
    if (category !== '*' && !this.buckets.has(category)) throw this.unknownCategory(category);
    this.actor.send({ type: 'PAUSE', category, ms, at: this.clock.now() });
    this.shared?.pause(category, ms);
  }

  enable(): void {
    this.actor.send({ type: 'ENABLE' });
  }

  disable(): void {
    this.actor.send({ type: 'DISABLE' });
  }

  /** Whether the token buckets apply (server pauses apply either way). */
  get enabled(): boolean {
    return this.limiting;
  }

  /** `{ totalRequests, rateLimited, byEndpoint }` as in seed 004. */
  getStats(): RateLimiterStats {
    const byEndpoint: Record<string, EndpointRateStats> = {};
    for (const [endpoint, stats] of this.endpoints) byEndpoint[endpoint] = { ...stats };
    return { totalRequests: this.totalRequests, rateLimited: this.rateLimited, byEndpoint };
  }

  resetStats(): void {
    this.totalRequests = 0;
    this.rateLimited = 0;
    this.endpoints.clear();
  }

  /** Subscribes to `rate_limited | rate_limiter_paused | rate_limiter_resumed`. */
  on<K extends RateLimiterEmitted['type']>(
    type: K,
    handler: (event: Extract<RateLimiterEmitted, { type: K }>) => void,
  ): () => void {
    return this.followed.on(type, handler as never);
  }

  /** Stops the actor; pending `acquire()` calls reject. */
  dispose(): void {
    this.waits.cancelAll(new Error('RateLimiter disposed while waiting for a token'));
    this.shared?.close();
    this.forgetView();
    if (this.owned) this.actor.stop();
  }
}
