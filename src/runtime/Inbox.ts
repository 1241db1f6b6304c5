import { systemClock, type Clock } from './clock.js';
import { fn, methods, num, validateOptions } from '../config/validate.js';
import { ConfigError, TimeoutError } from '../errors.js';

/**
 * Options of {@link Inbox}.
 *
 * @example
 * ```ts
 * const options: InboxOptions<unknown> = { capacity: 100, onOverflow: (m) => emit({ type: 'message_dropped', message: m, reason: 'inbox-full' }) };
 * ```
 */
export interface InboxOptions<T> {
  /** Most unread items held (integer ≥ 1). Default 1000. */
  capacity?: number;
  /** Timers for `receive(timeout)`. Default: the system clock. */
  clock?: Clock;
  /** Told about each unread item evicted to make room, so none vanishes silently. */
  onOverflow: (dropped: T) => void;
}

/** Largest delay `setTimeout` honours; longer ones fire at once in Node. */
const MAX_TIMEOUT = 2_147_483_647;

interface Waiter<T> {
  resolve(item: T): void;
  reject(error: unknown): void;
  timer: unknown;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

/**
 * A bounded inbox behind a pull-style `receive(timeout?)`. An item pushed while
 * a `receive` waits goes straight to the oldest waiter; otherwise it is stored,
 * and when the inbox is full the oldest stored item is evicted and reported.
 * Items and waiters are both FIFO; a timer exists only while a `receive` with a
 * timeout is waiting.
 *
 * @example
 * ```ts
 * const inbox = new Inbox<unknown>({ onOverflow: (m) => console.warn('dropped unread', m) });
 * socket.on('message', (m) => inbox.push(m));
 * const next = await inbox.receive(5000); // TimeoutError after 5 s without a message
 * inbox.interrupt(new Error('closed'));  // pending receives reject; later ones wait again
 * inbox.close(new Error('disposed'));     // pending and later receives reject (after stored items)
 * ```
 */
export class Inbox<T> {
  readonly capacity: number;
  private readonly clock: Clock;
  private readonly onOverflow: (dropped: T) => void;
  /**
   * A ring: `count` items from `head`, wrapping. It grows (doubling) up to
   * `capacity`, then a push over capacity overwrites the oldest in place: a
   * stream nobody reads costs no copying and no allocation per item.
   */
  private ring: (T | undefined)[] = [];
  private head = 0;
  private count = 0;
  /** Pending receives; a Set keeps insertion order and deletes a timed-out one in O(1). */
  private readonly waiters = new Set<Waiter<T>>();
  private closedWith: { error: Error } | undefined;

  constructor(options: InboxOptions<T>) {
    const o = validateOptions('Inbox', options, {
      capacity: num({ integer: true, min: 1, default: 1000 }),
      clock: methods<Clock>(['now', 'setTimeout', 'clearTimeout'], { default: systemClock }),
      onOverflow: fn<(dropped: T) => void>(),
    });
    this.capacity = o.capacity;
    this.clock = o.clock;
    this.onOverflow = o.onOverflow;
  }

  /** Items stored and not yet received. */
  get size(): number {
    return this.count;
  }

  /** Receives still waiting for an item. */
  get waiting(): number {
    return this.waiters.size;
  }

  /** True once {@link Inbox.close} was called. */
  get closed(): boolean {
    return this.closedWith !== undefined;
  }

  /**
   * Hands `item` to the oldest waiting `receive`, or stores it; when full, the
   * oldest stored item is evicted and passed to `onOverflow`. Works after
   * `close()` too, so a late message can still be drained.
   */
  push(item: T): void {
    if (this.waiters.size > 0) {
      const waiter = this.waiters.values().next().value!;
      this.settle(waiter);
      waiter.resolve(item);
      return;
    }
    const ring = this.ring;
    if (this.count < this.capacity) {
      if (this.count === ring.length) this.grow();
      const at = this.head + this.count;
      const len = this.ring.length;
      this.ring[at < len ? at : at - len] = item;
      this.count++;
      return;
    }
    // Full: the newest takes the oldest's slot. Store first, report after: a
    // throwing onOverflow cannot lose the new item.
    const dropped = ring[this.head] as T;
    ring[this.head] = item;
    if (++this.head === ring.length) this.head = 0;
    this.onOverflow(dropped);
  }

  /** Doubles the ring (at most to capacity), oldest item first at index 0. */
  private grow(): void {
    const old = this.ring;
    const next: (T | undefined)[] = new Array(Math.min(this.capacity, Math.max(16, old.length * 2)));
    for (let i = 0; i < this.count; i++) {
      const at = this.head + i;
      next[i] = old[at < old.length ? at : at - old.length];
    }
    this.ring = next;
    this.head = 0;
  }

  /**
   * The next item. Rejects with `TimeoutError` (its `timeout` set) when none
   * arrives within `timeout` ms (`undefined` or `Infinity`: wait forever; `0`:
   * only what is already stored), with `signal.reason` on abort, and, once the
   * inbox is closed and empty, with the close error.
   */
  receive(timeout?: number, signal?: AbortSignal): Promise<T> {
    if (timeout !== undefined && !(typeof timeout === 'number' && timeout >= 0 && (timeout <= MAX_TIMEOUT || timeout === Infinity))) {
      return Promise.reject(
        new ConfigError('timeout', timeout, `expected a number of milliseconds between 0 and ${MAX_TIMEOUT} (or Infinity)`, {
          owner: 'Inbox.receive',
        }),
      );
    }
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.size > 0) return Promise.resolve(this.take());
    if (this.closedWith) return Promise.reject(this.closedWith.error);
    if (timeout === 0) return Promise.reject(new TimeoutError(undefined, 0));
    return new Promise<T>((resolve, reject) => {
      const waiter: Waiter<T> = { resolve, reject, timer: undefined, signal, onAbort: undefined };
      if (timeout !== undefined && timeout !== Infinity) {
        waiter.timer = this.clock.setTimeout(() => {
          waiter.timer = undefined;
          this.settle(waiter);
          reject(new TimeoutError(undefined, timeout));
        }, timeout);
      }
      if (signal) {
        waiter.onAbort = () => {
          this.settle(waiter);
          reject(signal.reason);
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      this.waiters.add(waiter);
    });
  }

  /**
   * Rejects every waiting `receive` with `error`; later receives get the stored
   * items first, then reject with it. Closing again keeps the first error.
   */
  close(error: Error): void {
    this.closedWith ??= { error };
    for (const waiter of [...this.waiters]) {
      this.settle(waiter);
      waiter.reject(this.closedWith.error);
    }
  }

  /**
   * Rejects the receives waiting now with `error` and stays open: a later
   * `receive` waits for a later item. For a session that ended for good
   * (nothing more can arrive until the next connect), where waiting out a
   * timeout would only hide it.
   */
  interrupt(error: Error): void {
    for (const waiter of [...this.waiters]) {
      this.settle(waiter);
      waiter.reject(error);
    }
  }

  /** How many stored items pass `test` (oldest first; for reports, not for hot paths). */
  countWhere(test: (item: T) => boolean): number {
    let n = 0;
    for (let i = 0; i < this.count; i++) {
      const at = this.head + i;
      if (test(this.ring[at < this.ring.length ? at : at - this.ring.length] as T)) n++;
    }
    return n;
  }

  /** Removes the oldest stored item; the caller checked `size > 0`. */
  private take(): T {
    const ring = this.ring;
    const item = ring[this.head] as T;
    ring[this.head] = undefined; // let it be collected
    if (++this.head === ring.length) this.head = 0;
    this.count--;
    return item;
  }

  /** Forgets a waiter and its timer and abort listener. */
  private settle(waiter: Waiter<T>): void {
    this.waiters.delete(waiter);
    if (waiter.timer !== undefined) this.clock.clearTimeout(waiter.timer);
    if (waiter.onAbort) waiter.signal!.removeEventListener('abort', waiter.onAbort);
  }
}
