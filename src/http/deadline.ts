import { TimeoutError } from '../errors.js';

/**
 * The whole-call time limit of one request (`deadline`), as ky's `timeout`
 * bounds a call including its retries: every attempt's timeout is clamped to
 * what is left, and every wait (a retry delay, a server pause) must end before
 * it. A call without a deadline shares one instance with no limit, so it costs
 * nothing.
 *
 * @example
 * ```ts
 * const budget = CallDeadline.start(clock.now(), 300);
 * budget.attemptTimeout(5000, clock.now()); // 300 at first, less on each retry
 * budget.fits(250, clock.now());            // whether a 250 ms wait ends in time
 * ```
 */
export class CallDeadline {
  /** No deadline: attempts keep their own timeout, any wait fits. */
  static readonly NONE = new CallDeadline(Infinity, 0);

  private constructor(
    /** Epoch ms by which the call settles; Infinity for none. */
    readonly at: number,
    /** The configured deadline in ms (0 for none). */
    readonly ms: number,
  ) {}

  /** A deadline of `ms` from `now` (0: none). */
  static start(now: number, ms: number): CallDeadline {
    return ms > 0 ? new CallDeadline(now + ms, ms) : CallDeadline.NONE;
  }

  get limited(): boolean {
    return this.at !== Infinity;
  }

  /** Milliseconds left (Infinity without a deadline). */
  remaining(now: number): number {
    return this.at - now;
  }

  /**
   * The timeout for the next attempt: `timeout` (0 = none), clamped to what is
   * left. 0 or less means the deadline has passed.
   */
  attemptTimeout(timeout: number, now: number): number {
    if (!this.limited) return timeout;
    const left = Math.ceil(this.at - now);
    return timeout > 0 && timeout < left ? timeout : left;
  }

  /** Whether an attempt with this timeout is cut by the deadline rather than by its own timeout. */
  clamps(timeout: number, now: number): boolean {
    return this.limited && !(timeout > 0 && timeout < this.at - now);
  }

  /** Whether a wait of `ms` from `now` ends by the deadline. */
  fits(ms: number, now: number): boolean {
    return now + ms <= this.at;
  }

  /** The error a call gets when its deadline passes. */
  error(url: string | undefined, cause?: unknown): TimeoutError {
    const error = new TimeoutError(url, this.ms, cause === undefined ? undefined : { cause });
    error.message += ' (the call\'s deadline, retries included)';
    return error;
  }
}
