import type { CallDeadline } from './deadline.js';

/**
 * Whether a call may wait out a server-imposed pause of `pause` ms (another
 * call's 429/503 `Retry-After`): the pause must end within the call's deadline
 * when it has one, else within `budget` (the attempt's timeout, or
 * `maxRetryDelay` when the attempt has none).
 *
 * @example
 * ```ts
 * pauseFits(1000, CallDeadline.start(now, 500), now, 5000); // false: the deadline comes first
 * pauseFits(1000, CallDeadline.NONE, now, 5000);            // true
 * ```
 */
export function pauseFits(pause: number, deadline: CallDeadline, now: number, budget: number): boolean {
  return deadline.limited ? deadline.fits(pause, now) : pause <= budget;
}

/**
 * The wait for a pause of `pause` ms to be over, plus a small jitter (up to a
 * tenth of the pause, at most 1 s, at least 1 ms; `r` in [0, 1)) so the calls
 * it held do not all arrive at once; never past the deadline.
 *
 * @example
 * ```ts
 * releaseDelay(1000, 0.5, CallDeadline.NONE, now); // 1051
 * ```
 */
export function releaseDelay(pause: number, r: number, deadline: CallDeadline, now: number): number {
  const delay = Math.ceil(pause) + 1 + Math.floor(r * Math.min(1000, pause / 10));
  return deadline.limited ? Math.max(Math.ceil(pause), Math.min(delay, Math.floor(deadline.remaining(now)))) : delay;
}
