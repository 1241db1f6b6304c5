import type { RateLimit } from '../../machines/rateLimiter.js';
import type { SharedLimits } from '../rateLimiter/SharedLimits.js';
import type { Clock } from '../runtime/clock.js';
import { PAUSE, TAKE } from './scripts.js';
import { StoreLink } from './StoreLink.js';
import type { SharedKeys } from './SharedKeys.js';

/** How a limiter takes from the shared bucket. */
export interface LeaseOptions {
  /** Tokens taken per round trip (1: every take is one round trip). */
  lease: number;
  /** How long leased tokens stay usable (ms); unused ones are dropped then. */
  leaseMs: number;
}

interface Lease {
  tokens: number;
  /** Local clock time the leased tokens stop being usable. */
  expires: number;
  /** Local clock time before which the shared bucket is known to be empty (no round trip until then). */
  emptyUntil: number;
  fetching: Promise<number | undefined> | undefined;
  /** The take's EVALSHA command line, built once per limit (rebuilt when the limit changes). */
  argv: readonly string[];
  rate: number;
  burst: number;
  /** Handles the take's reply (made once per category: no closure per take). */
  settle: (reply: unknown) => number | undefined;
  /** Without leasing: the takes answered with the round trip in flight besides its first (null: none in flight). */
  inFlight: Array<(wait: number | undefined) => void> | null;
  /** Without leasing: the takes that came while one was in flight; they go together in the next round trip. */
  queued: Array<(wait: number | undefined) => void>;
}

/**
 * One limiter's shared token buckets and pauses in Redis (a {@link SharedLimits}).
 *
 * Each take runs the `take` script (one EVALSHA, Redis `TIME` inside). With
 * `lease: k > 1` a round trip takes up to k tokens, spent locally with no
 * round trip, and the next lease is fetched in the background once half of it
 * is spent, so Redis calls ≈ requests / k. **Error bound of a lease**: leased
 * tokens are real takes from the shared bucket, so all processes together
 * never exceed the shared rate (R·T + burst over any T); what a lease costs is
 * accuracy the other way: a process may hold up to k unused tokens (dropped
 * after `leaseMs`), so the others may see up to N·k fewer tokens than are
 * unspent, and one process may spend its k tokens in a burst.
 *
 * Without leasing, takes of one category that come while one is in flight go
 * together in the next round trip (one EVALSHA asking for as many tokens as
 * takes wait, each token granted to a waiting take, none kept): a process
 * with many concurrent callers sends ≈ 2 round trips per round trip time, not
 * one per take, and the bound stays exact. A take waits at most for the one
 * in flight and its own; when the one in flight gets no answer, the queued
 * ones decide locally at once (the store is degraded).
 *
 * A refused take remembers the wait: takes before then are refused locally,
 * without a round trip.
 *
 * @example
 * ```ts
 * const limits = new RedisLimits(link, keys, clock, { lease: 10, leaseMs: 1000 });
 * await limits.take('api', { tokensPerSecond: 100, burstCapacity: 100 }); // 0: granted
 * ```
 */
export class RedisLimits implements SharedLimits {
  private readonly leases = new Map<string, Lease>();
  private readonly pauseListeners = new Set<(category: string, ms: number) => void>();
  private readonly unsubscribe: () => void;
  private closed = false;

  constructor(
    private readonly link: StoreLink,
    private readonly keys: SharedKeys,
    private readonly clock: Clock,
    private readonly options: LeaseOptions,
  ) {
    const offMessage = link.onMessage((m) => {
      if (m.type === 'pause' && m.sharedKey === keys.sharedKey) this.paused(m.rest, m.ms);
    });
    // Back after an outage (maybe a fresh store): what we knew of the buckets may be stale.
    const offRestored = link.onRestored(() => this.leases.clear());
    this.unsubscribe = () => {
      offMessage();
      offRestored();
    };
  }

  take(category: string, limit: RateLimit): number | undefined | Promise<number | undefined> {
    const lease = this.leaseOf(category);
    const now = this.clock.now();
    if (now < lease.emptyUntil) return Math.ceil(lease.emptyUntil - now);
    if (this.options.lease === 1) return this.takeOne(category, limit, lease);
    if (lease.tokens > 0 && now < lease.expires) {
      lease.tokens--;
      // Half spent: the next lease is fetched now, so takes keep finding tokens without waiting.
      if (lease.tokens * 2 < this.options.lease && lease.fetching === undefined) void this.fetch(category, limit, lease);
      return 0;
    }
    return this.fromNextLease(category, limit, lease, 2);
  }

  /** Without leasing: one round trip, or a place in the next one when a take of this category is in flight. */
  private takeOne(category: string, limit: RateLimit, lease: Lease): Promise<number | undefined> | undefined {
    if (lease.inFlight !== null) return new Promise((resolve) => lease.queued.push(resolve));
    const reply = this.fetch(category, limit, lease, 1);
    if (reply !== undefined) lease.inFlight = [];
    return reply;
  }

  /** The queued takes of `category`, in one round trip (the first gets the call's answer, the others theirs from `settle`). */
  private sendQueued(category: string, lease: Lease): void {
    const batch = lease.queued;
    lease.queued = [];
    const now = this.clock.now();
    const limit = { tokensPerSecond: lease.rate, burstCapacity: lease.burst };
    // Refused meanwhile (the last answer said empty) or closed: no round trip.
    const reply = this.closed ? undefined : now < lease.emptyUntil ? Math.ceil(lease.emptyUntil - now) : this.fetch(category, limit, lease, batch.length);
    if (typeof reply !== 'object') {
      for (const resolve of batch) resolve(reply);
      return;
    }
    lease.inFlight = batch.slice(1);
    void reply.then(batch[0]);
  }

  /** Waits for the lease in flight (or fetches one) and takes from it; a take that finds it spent by others tries `tries - 1` more. */
  private fromNextLease(category: string, limit: RateLimit, lease: Lease, tries: number): Promise<number | undefined> | undefined {
    const fetching = lease.fetching ?? this.fetch(category, limit, lease);
    if (fetching === undefined) return undefined;
    return fetching.then((wait) => {
      if (wait === undefined) return undefined;
      if (lease.tokens > 0) {
        lease.tokens--;
        return 0;
      }
      const now = this.clock.now();
      if (now < lease.emptyUntil) return Math.ceil(lease.emptyUntil - now);
      return tries > 1 ? this.fromNextLease(category, limit, lease, tries - 1) : 1;
    });
  }

  /** One round trip: adds what it got to the lease; resolves the wait (0 when tokens came), undefined when the store could not answer. */
  private fetch(category: string, limit: RateLimit, lease: Lease, want = this.options.lease): Promise<number | undefined> | undefined {
    if (lease.rate !== limit.tokensPerSecond || lease.burst !== limit.burstCapacity) {
      lease.rate = limit.tokensPerSecond;
      lease.burst = limit.burstCapacity;
      const { keys } = this;
      lease.argv = StoreLink.prepare(TAKE, [keys.bucket(category), keys.pause(category), keys.pause('*')], [lease.rate, lease.burst, this.options.lease]);
    }
    let argv = lease.argv;
    if (want !== this.options.lease) {
      const asked = argv.slice();
      asked[asked.length - 1] = String(want);
      argv = asked;
    }
    const fetching = this.link.call(TAKE, argv, lease.settle);
    // Without leasing every take is its own round trip; with it, concurrent takes share the one in flight.
    if (this.options.lease > 1 && fetching !== undefined) lease.fetching = fetching;
    return fetching;
  }

  /** A take's reply (granted > 0, or `-(2 · wait + paused)`; undefined: no answer) into the lease; without leasing, also to the takes that went with it. */
  private settled(category: string, lease: Lease, r: unknown): number | undefined {
    const first = this.answer(category, lease, r);
    const others = lease.inFlight;
    if (others === null) return first;
    lease.inFlight = null;
    if (others.length > 0) {
      // Granted r of 1 + others: the first r - 1 others get a token, the rest wait for the next one.
      const granted = first === 0 ? (r as number) - 1 : 0;
      let next = first;
      if (first === 0 && granted < others.length) {
        next = Math.ceil(1000 / lease.rate);
        lease.emptyUntil = this.clock.now() + next;
      }
      for (let i = 0; i < others.length; i++) others[i]!(i < granted ? 0 : next);
    }
    if (lease.queued.length > 0) {
      // No answer: the store is degraded, the queued takes decide locally now (not after another timeout).
      if (first === undefined) for (const resolve of lease.queued.splice(0)) resolve(undefined);
      else this.sendQueued(category, lease);
    }
    return first;
  }

  /** One reply for its first take: 0 granted, the wait, or undefined (no answer). */
  private answer(category: string, lease: Lease, r: unknown): number | undefined {
    if (this.options.lease > 1) lease.fetching = undefined;
    if (typeof r !== 'number' || r === 0) return undefined;
    if (r > 0) {
      if (this.options.lease > 1) {
        // Leftovers of an older lease are dropped: no process hoards more than k tokens.
        lease.tokens = r;
        lease.expires = this.clock.now() + this.options.leaseMs;
      }
      return 0;
    }
    const wait = Math.floor(-r / 2);
    lease.emptyUntil = this.clock.now() + wait;
    if (-r % 2 === 1) this.paused(category, wait);
    return wait;
  }

  private leaseOf(category: string): Lease {
    let lease = this.leases.get(category);
    if (lease === undefined) {
      const created: Lease = { tokens: 0, expires: 0, emptyUntil: 0, fetching: undefined, argv: [], rate: NaN, burst: NaN, settle: (r) => this.settled(category, created, r), inFlight: null, queued: [] };
      lease = created;
      this.leases.set(category, lease);
    }
    return lease;
  }

  pause(category: string, ms: number): void {
    const reply = this.link.run(PAUSE, [this.keys.pause(category)], [Math.max(1, Math.ceil(ms)), this.keys.channel, this.keys.instanceId, this.keys.sharedKey, category]);
    void reply?.catch(() => undefined);
  }

  onPause(listener: (category: string, ms: number) => void): () => void {
    this.pauseListeners.add(listener);
    return () => this.pauseListeners.delete(listener);
  }

  private paused(category: string, ms: number): void {
    if (!(ms > 0)) return;
    for (const l of this.pauseListeners) l(category, ms);
  }

  close(): void {
    this.closed = true;
    this.unsubscribe();
    this.pauseListeners.clear();
    this.leases.clear();
  }
}
