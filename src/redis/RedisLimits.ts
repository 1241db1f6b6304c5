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
    if (this.options.lease === 1) return this.fetch(category, limit, lease);
    if (lease.tokens > 0 && now < lease.expires) {
      lease.tokens--;
      // Half spent: the next lease is fetched now, so takes keep finding tokens without waiting.
      if (lease.tokens * 2 < this.options.lease && lease.fetching === undefined) void this.fetch(category, limit, lease);
      return 0;
    }
    return this.fromNextLease(category, limit, lease, 2);
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
  private fetch(category: string, limit: RateLimit, lease: Lease): Promise<number | undefined> | undefined {
    if (lease.rate !== limit.tokensPerSecond || lease.burst !== limit.burstCapacity) {
      lease.rate = limit.tokensPerSecond;
      lease.burst = limit.burstCapacity;
      const { keys } = this;
      lease.argv = StoreLink.prepare(TAKE, [keys.bucket(category), keys.pause(category), keys.pause('*')], [lease.rate, lease.burst, this.options.lease]);
    }
    const fetching = this.link.call(TAKE, lease.argv, lease.settle);
    // Without leasing every take is its own round trip; with it, concurrent takes share the one in flight.
    if (this.options.lease > 1 && fetching !== undefined) lease.fetching = fetching;
    return fetching;
  }

  /** A take's reply (granted > 0, or `-(2 · wait + paused)`; undefined: no answer) into the lease. */
  private settled(category: string, lease: Lease, r: unknown): number | undefined {
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
      const created: Lease = { tokens: 0, expires: 0, emptyUntil: 0, fetching: undefined, argv: [], rate: NaN, burst: NaN, settle: (r) => this.settled(category, created, r) };
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
    this.unsubscribe();
    this.pauseListeners.clear();
    this.leases.clear();
  }
}
