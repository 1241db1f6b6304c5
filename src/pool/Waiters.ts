/** One `acquire()` waiting for a connection. */
export interface Waiter<T> {
  resolve: (value: T | null) => void;
  /** Clock time (ms) at which it resolves `null`. */
  deadline: number;
  /** Its timeout (ms), for the `acquire_timeout` event. */
  timeout: number;
  /** Settled (served, timed out, aborted): skipped when met in the queue. */
  done: boolean;
  /** Still in the queue (counted in `size`). */
  queued: boolean;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

/**
 * The FIFO of waiting `acquire()` calls. A waiter that leaves early (aborted,
 * timed out) is marked done and skipped when reached, so leaving is O(1) and
 * the order of the others never changes.
 *
 * @example
 * ```ts
 * const waiters = new Waiters<Conn>();
 * waiters.push(w);
 * waiters.shift(); // the oldest waiter still waiting
 * ```
 */
export class Waiters<T> {
  private items: Array<Waiter<T>> = [];
  private head = 0;
  /** Waiters still waiting. */
  size = 0;

  push(waiter: Waiter<T>): void {
    waiter.queued = true;
    this.items.push(waiter);
    this.size++;
  }

  /** The oldest waiter still waiting, taken off the queue (not settled: the caller does that). */
  shift(): Waiter<T> | undefined {
    while (this.head < this.items.length) {
      const w = this.items[this.head]!;
      this.items[this.head++] = undefined as never;
      if (this.head > 1024 && this.head * 2 > this.items.length) this.compact();
      if (!w.done) {
        w.queued = false;
        this.size--;
        return w;
      }
    }
    return undefined;
  }

  /** Marks `waiter` as settled; one still queued stays in the array until reached. */
  leave(waiter: Waiter<T>): void {
    waiter.done = true;
    if (!waiter.queued) return;
    waiter.queued = false;
    this.size--;
  }

  /** Every waiter still waiting, oldest first. */
  *[Symbol.iterator](): IterableIterator<Waiter<T>> {
    for (let i = this.head; i < this.items.length; i++) if (!this.items[i]!.done) yield this.items[i]!;
  }

  /** Takes every waiter off the queue. */
  clear(): Array<Waiter<T>> {
    const rest = [...this];
    this.items = [];
    this.head = 0;
    this.size = 0;
    return rest;
  }

  private compact(): void {
    this.items = this.items.slice(this.head);
    this.head = 0;
  }
}
