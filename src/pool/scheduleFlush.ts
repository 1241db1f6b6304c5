// Taken at load: a test's fake timers must not hold back the slots' lease reports.
const immediate: ((fn: () => void) => { unref?: () => void }) | undefined = globalThis.setImmediate;
const timeout = globalThis.setTimeout;

/**
 * Runs `fn` once the current turn of the event loop is over (Node's
 * `setImmediate`, unref'd; `setTimeout(0)` in browsers): the pool reports the
 * leases of a whole burst of acquire / release calls to its slot actors at once.
 *
 * @example
 * ```ts
 * scheduleFlush(() => pool['flush']());
 * ```
 */
export function scheduleFlush(fn: () => void): void {
  if (immediate !== undefined) immediate(fn).unref?.();
  else timeout(fn, 0);
}
