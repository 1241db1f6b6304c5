import type { SharedBreaker, SharedBreakerConfig, SharedBreakerFollower } from '../breaker/SharedBreaker.js';
import type { Clock } from '../runtime/clock.js';
import { ELECT, OUTCOME, READ, RELEASE, REPORT } from './scripts.js';
import type { SharedKeys } from './SharedKeys.js';
import type { StoreLink, StoreMessage } from './StoreLink.js';

/** Settings of the shared side of every breaker of one `redisState`. */
export interface SharedBreakerSettings {
  /** Distinct instances whose failures (within the window) it takes to open the shared circuit. */
  minReporters: number;
  /** TTL of a HALF_OPEN probe's lease (ms): at least the probe's own timeout, so a crashed prober frees it. */
  probeLease: number;
  /** How long the shared state outlives the OPEN deadline with no probe outcome (ms), after which it is forgotten (CLOSED). */
  halfOpenTtl: number;
}

interface Lease {
  openedAt: number;
  slot: number;
  used: boolean;
}

/**
 * One breaker's shared side in Redis (a {@link SharedBreaker}).
 *
 * Failures are reported with the reporter's window totals (`report` script);
 * the script sums the latest report of each instance within `windowMs` and
 * opens the shared circuit when the sums reach `threshold` and
 * `volumeThreshold` and at least `minReporters` instances reported failures.
 * **Approximation**: a report stands for its instance's whole window as of its
 * last failure, so the sums can lag by up to one window per process (successes
 * after an instance's last failure are not counted: they stay local). OPEN and
 * its deadline (Redis `TIME`) live in one key with a TTL (`timeout +
 * halfOpenTtl`); every change is PUBLISHed, and each process's breaker follows
 * (`follower`). After the deadline, each process's local breaker goes HALF_OPEN
 * on its own timer, and probes only with a lease won by `SET NX PX` (the
 * `elect` script): `halfOpenMaxCalls` probes across all processes.
 *
 * @example
 * ```ts
 * const shared = new RedisBreaker(link, keys, clock, settings, () => config, { opened: console.log, closed: console.log });
 * shared.failure(5, 12);
 * ```
 */
export class RedisBreaker implements SharedBreaker {
  /** The shared opening this process follows (the store's time it opened), null while the shared circuit is closed as far as we know. */
  private openedAt: number | null = null;
  private lease: Lease | null = null;
  private electing = false;
  /** Local clock time before which no election is tried (the circuit is still OPEN, or every slot was taken). */
  private electAfter = 0;
  private readonly unsubscribe: Array<() => void>;

  constructor(
    private readonly link: StoreLink,
    private readonly keys: SharedKeys,
    private readonly clock: Clock,
    private readonly settings: SharedBreakerSettings,
    private readonly config: () => SharedBreakerConfig,
    private readonly follower: SharedBreakerFollower,
  ) {
    this.unsubscribe = [link.onMessage((m) => this.onMessage(m)), link.onRestored(() => this.reread())];
    if (link.usable) this.reread();
  }

  private onMessage(m: StoreMessage): void {
    if (m.sharedKey !== this.keys.sharedKey) return;
    if (m.type === 'open') this.adopt(m.ms, Number(m.rest));
    else if (m.type === 'close') this.forget(true);
  }

  /** Follows the shared opening `openedAt` (once), `msLeft` ms to go. */
  private adopt(msLeft: number, openedAt: number): void {
    if (this.openedAt === openedAt) return;
    this.openedAt = openedAt;
    this.lease = null;
    this.electAfter = 0;
    this.follower.opened(msLeft);
  }

  private forget(close: boolean): void {
    const following = this.openedAt !== null;
    this.openedAt = null;
    this.lease = null;
    if (close && following) this.follower.closed();
  }

  /** Missed messages (start, reconnect): the store's state is the truth. */
  private reread(): void {
    void this.link.run(READ, [this.keys.breaker], [])?.then((reply) => {
      if (!Array.isArray(reply)) return;
      if (reply.length >= 2) this.adopt(Number(reply[0]), Number(reply[1]));
      // Gone while we followed it (closed by a probe we did not hear of, or a fresh store): follow that too.
      else this.forget(true);
    });
  }

  failure(failures: number, calls: number): void {
    const c = this.config();
    const { keys } = this;
    const reply = this.link.run(
      REPORT,
      [keys.breaker, keys.reports],
      [keys.instanceId, failures, calls, c.threshold, c.volumeThreshold, this.settings.minReporters, c.windowMs, c.timeout, this.settings.halfOpenTtl, keys.channel, keys.sharedKey],
    );
    void reply?.then((r) => {
      if (Array.isArray(r) && r[0] === 1) this.adopt(Number(r[1]), Number(r[2]));
    });
  }

  mayProbe(): boolean {
    // The local breaker opened alone (or we decide alone): its own probe rules apply.
    if (this.openedAt === null || !this.link.usable) return true;
    if (this.lease !== null && this.lease.openedAt === this.openedAt && !this.lease.used) {
      this.lease.used = true;
      return true;
    }
    if (this.lease === null) this.elect();
    return false;
  }

  private elect(): void {
    const now = this.clock.now();
    if (this.electing || now < this.electAfter) return;
    const opening = this.openedAt;
    const reply = this.link.run(ELECT, [this.keys.breaker, ...this.keys.probes(this.config().halfOpenMaxCalls)], [this.keys.instanceId, this.settings.probeLease]);
    if (reply === undefined) return;
    this.electing = true;
    void reply.then((r) => {
      this.electing = false;
      if (!Array.isArray(r) || this.openedAt !== opening) return;
      const [code, value] = r as [number, number | undefined];
      if (code === -1) this.forget(true);
      else if (code === -2) this.electAfter = this.clock.now() + Number(value);
      else if (code > 0 && Number(value) === this.openedAt) this.lease = { openedAt: Number(value), slot: code, used: false };
      // Every slot taken: another process probes; try again a little later (its lease may expire: it crashed).
      else this.electAfter = this.clock.now() + Math.min(100, this.settings.probeLease / 4);
    });
  }

  probed(ok: boolean): void {
    const lease = this.lease;
    if (lease === null || !lease.used) return;
    this.lease = null;
    const c = this.config();
    const { keys } = this;
    void this.link.run(
      OUTCOME,
      [keys.breaker, ...keys.probes(c.halfOpenMaxCalls)],
      [lease.openedAt, ok ? 1 : 0, c.timeout, this.settings.halfOpenTtl, keys.channel, keys.instanceId, keys.sharedKey],
    );
  }

  released(): void {
    const lease = this.lease;
    if (lease === null || !lease.used) return;
    this.lease = null;
    void this.link.run(RELEASE, [this.keys.probes(lease.slot)[lease.slot - 1]!], [`${this.keys.instanceId}|${lease.openedAt}`]);
  }

  close(): void {
    this.released();
    for (const u of this.unsubscribe) u();
  }
}
