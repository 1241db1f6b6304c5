import type { AnyActorRef } from 'xstate';

/** The slot states (`machines/poolSlot.ts`). */
export type SlotState = 'empty' | 'creating' | 'backoff' | 'idle' | 'validating' | 'leased' | 'destroying';

/**
 * The pool's side of one slot: the resource, the lease as the hot path keeps
 * it, and the slot actor's state as its snapshots last said. `leased` is the
 * truth; `told` is what the slot actor was last told (`LEASE` / `RELEASE`), so
 * a flush sends only what changed.
 *
 * @example
 * ```ts
 * const h = new SlotHandle<Conn>('pool.slot0', slotActor);
 * h.leased = true; // the hot path; a flush later sends the slot `LEASE`
 * ```
 */
export class SlotHandle<T> {
  state: SlotState = 'empty';
  conn: T | null = null;
  /** Leased now (kept on the hot path). */
  leased = false;
  /** What the slot actor was told: leased or not. */
  told = false;
  /** Waiting in the pool's flush list. */
  dirty = false;
  /** In the pool's stack of idle connections. */
  inIdle = false;
  /** The connection dropped while leased: its release destroys it. */
  broken = false;
  /** Clock time the current lease began / the connection last became idle. */
  leasedAt = 0;
  idleSince = 0;
  /** Leases handed out by this slot. */
  leases = 0;
  /** `lease_expired` was reported for the current lease. */
  expired = false;
  /** A validation before borrowing that answered with a promise: the slot's `validate` actor awaits it. */
  pendingCheck: Promise<boolean> | undefined = undefined;
  /** Being checked before a borrow (its slot `validating` a `pendingCheck`): a waiter gets it if it passes. */
  borrowCheck = false;
  /** The connection's `close` listener (statewire connections), removed on destroy. */
  onClose: (() => void) | undefined = undefined;
  /** Resolved when the slot is `empty` again (releases and destroys that close something wait for it). */
  private emptied: Array<() => void> | undefined = undefined;

  constructor(
    readonly name: string,
    readonly actor: AnyActorRef,
  ) {}

  /** A promise for the slot's next `empty`. */
  whenEmpty(): Promise<void> {
    return new Promise((resolve) => (this.emptied ??= []).push(resolve));
  }

  /** The slot is `empty`: settles {@link whenEmpty}. */
  settleEmpty(): void {
    const list = this.emptied;
    this.emptied = undefined;
    if (list) for (const resolve of list) resolve();
  }

  /** Holds a resource (idle, leased, checked or being destroyed). */
  get holds(): boolean {
    return this.conn !== null;
  }

  /** Creating, or waiting to create again after a failure. */
  get inFlight(): boolean {
    return this.state === 'creating' || this.state === 'backoff';
  }
}
