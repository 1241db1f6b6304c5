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

/**
 * `clock` for timers that only move a machine along while nobody awaits them (the
 * breaker's OPEN → HALF_OPEN, the end of a server pause, idle checks): each timer
 * is `unref`'d where the runtime allows it (Node's timers, as undici does with its
 * own), so it does not keep the process alive. `dispose()` still clears them. A
 * wait that a caller awaits (a retry wait, `PendingWaits`) uses the plain clock.
 *
 * @example
 * ```ts
 * const actor = createActor(circuitBreakerMachine, { clock: backgroundClock(systemClock) });
 * ```
 */
export function backgroundClock(clock: Clock): Clock {
  return {
    now: () => clock.now(),
    setTimeout: (fn, ms) => {
      const id = clock.setTimeout(fn, ms);
      (id as { unref?: () => void } | null)?.unref?.();
      return id;
    },
    clearTimeout: (id) => clock.clearTimeout(id),
  };
}
