/**
 * Where statewire reads time and sets timers. The same object is handed to every
 * actor (XState uses `setTimeout`/`clearTimeout` for delays) and to the hot paths
 * (`now()`), so a test can drive everything with xstate's `SimulatedClock`.
 *
 * @example
 * ```ts
 * import { SimulatedClock } from 'xstate';
 * const clock: Clock = new SimulatedClock();
 * const breaker = new CircuitBreaker({ clock });
 * ```
 */
export interface Clock {
  /** Epoch milliseconds (what `Date` accepts, so deadlines print as dates). */
  now(): number;
  setTimeout(fn: (...args: unknown[]) => void, ms: number): unknown;
  clearTimeout(id: unknown): void;
}

/**
 * The real clock: `Date.now()` and the global timers.
 *
 * @example
 * ```ts
 * const deadline = systemClock.now() + 5000;
 * ```
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (id) => clearTimeout(id as ReturnType<typeof setTimeout>),
};
