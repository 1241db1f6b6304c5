/**
 * Node's `events.setMaxListeners`, looked up at run time (no static `node:events`
 * import, so a browser bundle never meets it); browsers have no listener cap to lift.
 */
const setMaxListeners: (n: number, target: AbortSignal) => void =
  (typeof process !== 'undefined' ? process.getBuiltinModule?.('node:events')?.setMaxListeners : undefined) ?? (() => {});
/** Deadlines are rounded up to this grid: a request may run this much past its timeout, never less. */
const GRID_MS = 20;

/**
 * Timeout signals shared by every request whose deadline falls in the same
 * 20 ms slot. Under load that is one `AbortSignal.timeout` per slot instead of
 * an AbortController and a timer per request; precision stays at 20 ms (undici's
 * own headers/body timers tick at about a second).
 *
 * @example
 * ```ts
 * const deadlines = new DeadlineSignals();
 * const signal = deadlines.after(5_000); // aborts 5000..5020 ms from now, reason: a TimeoutError DOMException
 * ```
 */
export class DeadlineSignals {
  private readonly slots = new Map<number, AbortSignal>();

  /** A signal that aborts once `ms` have passed (0 or less: none). */
  after(ms: number): AbortSignal | undefined {
    if (!(ms > 0)) return undefined;
    const now = Date.now();
    const slot = Math.ceil((now + ms) / GRID_MS) * GRID_MS;
    let signal = this.slots.get(slot);
    if (signal === undefined) {
      signal = AbortSignal.timeout(slot - now);
      // Every request in flight in this slot listens to it: 11 is not a leak.
      setMaxListeners(0, signal);
      this.slots.set(slot, signal);
      signal.addEventListener('abort', () => this.slots.delete(slot), { once: true });
    }
    return signal;
  }
}
