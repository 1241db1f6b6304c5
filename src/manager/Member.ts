import type { Subscription } from 'xstate';
import { hostOf, stateOf, timeoutOf, typeOf, type ManageableConnection } from './connectionReadings.js';
import type { SweepTarget } from './HealthSweep.js';

/** What a {@link Member} tells its manager. */
export interface MemberOwner {
  /** The member's status or health changed (`previousHealth`: the health before). */
  changed(member: Member, previousHealth: string): void;
  /** Runs one health check of the member, bounded by its timeout; resolves whether it passed. */
  check(member: Member): Promise<boolean>;
}

/**
 * One connection under a manager: its name there, and the status and health
 * its machine's snapshots last showed (the member observes its actor; no
 * closure per connection). Also a target of the health sweep.
 *
 * @example
 * ```ts
 * const member = new Member('api', conn, manager);
 * member.observe(); // after conn.attachTo(manager.actor, 'api')
 * ```
 */
export class Member implements SweepTarget {
  readonly type: string;
  readonly timeout: number;
  status: string;
  health: string;
  /** The backup of this connection, when it has one. */
  fallback: Member | undefined = undefined;
  /** The backup serves this name now (the machine's last word was `failover`). */
  servedByFallback = false;
  /** Added by the manager as another connection's backup (removed with it). */
  addedAsFallback = false;
  /** Queued for the next CHANGED batch. */
  dirty = false;
  removed = false;
  /** A health check of this connection is running. */
  checking = false;
  /** The latest automatic or bulk health check: when, and whether it passed. */
  lastCheck: { at: number; ok: boolean } | undefined = undefined;
  /** Undoes the global-handler subscriptions (set while some global handler exists). */
  unlisten: (() => void) | undefined = undefined;
  private subscription: Subscription | undefined = undefined;

  constructor(
    readonly name: string,
    readonly conn: ManageableConnection,
    private readonly owner: MemberOwner,
  ) {
    this.type = typeOf(conn);
    this.timeout = timeoutOf(conn);
    const { status, health } = stateOf(conn);
    this.status = status;
    this.health = health;
  }

  /**
   * Observes the connection's machine: a statewire connection's host tells the
   * member of every snapshot, whatever actor runs; any other connection's actor
   * is subscribed to (observe again after its attachTo: a new actor).
   */
  observe(): void {
    const host = hostOf(this.conn);
    if (host !== undefined) host.watcher = this;
    else {
      this.subscription?.unsubscribe();
      this.subscription = this.conn.actor.subscribe(this);
    }
    this.next();
  }

  /** Stops observing. */
  leave(): void {
    this.removed = true;
    const host = hostOf(this.conn);
    if (host?.watcher === this) host.watcher = undefined;
    this.subscription?.unsubscribe();
    this.subscription = undefined;
    this.unlisten?.();
    this.unlisten = undefined;
  }

  /** A health check failed since the status last changed: a connection that says healthy is counted unhealthy. */
  checkFailed = false;

  /** Takes a health check's verdict, made at `at` (a WebSocket's ping is not in its status: the member keeps it). */
  checked(ok: boolean, at: number): void {
    this.lastCheck = { at, ok };
    this.checkFailed = !ok;
    this.next();
  }

  /** @internal Every snapshot of the connection's machine. */
  next(): void {
    if (this.removed) return;
    const state = stateOf(this.conn);
    const status = state.status;
    if (status !== this.status) this.checkFailed = false;
    const health = this.checkFailed && state.health === 'healthy' ? 'unhealthy' : state.health;
    if (status === this.status && health === this.health) return;
    const previous = this.health;
    this.status = status;
    this.health = health;
    this.owner.changed(this, previous);
  }

  /** @internal An actor error: the connection reports its own. */
  error(): void {}

  get checkable(): boolean {
    return !this.removed && !this.checking && this.conn.healthCheck !== undefined && (this.conn.isConnected?.() ?? false);
  }

  check(): Promise<boolean> {
    return this.owner.check(this);
  }
}
