/**
 * The one retry loop: `runBackoff` (and so every `RetryStrategy`) and the HTTP
 * request pipeline both run their attempts through {@link retryLoop}; what
 * differs between them (what an attempt is, which errors are retried, how long
 * to wait) is the {@link RetryPlan} they hand it.
 *
 * @module
 */

/** What {@link RetryPlan.before} returns to let the attempt go ahead now. */
export const GO = -1;

/**
 * The decisions of one kind of retried call; `C` is the call's own state
 * (one object per call, passed back to every hook), `R` what an attempt
 * resolves to, `T` what the call resolves to.
 *
 * Every hook but `attempt` and `wait` is synchronous, so a call that succeeds
 * at the first attempt costs the loop's one promise and nothing else.
 *
 * @example
 * ```ts
 * const plan: RetryPlan<{ tries: number }, Response, Response> = {
 *   attempt: () => fetch('http://127.0.0.1:8080/'),
 *   settle: (_call, res) => { if (res.status >= 500) throw new Error(String(res.status)); return res; },
 *   failed: (_call, error) => error,
 *   retryDelay: (call, _error, attempt) => (attempt < call.tries ? 100 * 2 ** attempt : -1),
 *   giveUp: (_call, error) => error,
 *   wait: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
 * };
 * const res = await retryLoop(plan, { tries: 3 });
 * ```
 */
export interface RetryPlan<C, R, T> {
  /**
   * Runs before attempt `attempt` (1-based): {@link GO}, or a wait in ms (a pause
   * the call must sit out first; `before` is asked again after it). May throw to
   * end the call.
   */
  before?(call: C, attempt: number): number;
  /** Whether the pause `before` just asked for used up a retry (default: it did). */
  pauseCounted?(call: C): boolean;
  /** One attempt. */
  attempt(call: C, attempt: number): Promise<R>;
  /** The call's result from an attempt's result; throws when the result is a failure. */
  settle(call: C, result: R, attempt: number): T;
  /** Sees each failure (thrown by `attempt` or `settle`); returns the error to judge, or throws to end the call now. */
  failed(call: C, error: unknown, attempt: number): unknown;
  /** The wait before the next attempt after `error` ended attempt `attempt`, in ms; negative to stop. */
  retryDelay(call: C, error: unknown, attempt: number): number;
  /** Told just before a retry wait begins. */
  retrying?(call: C, attempt: number, delay: number, error: unknown): void;
  /** What the call rejects with when it stops retrying. */
  giveUp(call: C, error: unknown): unknown;
  /** A wait of `ms` that the call's cancellation may cut short (by rejecting). */
  wait(ms: number, call: C): Promise<void>;
}

/**
 * Runs `call` under `plan`: attempts until one settles, or until the plan says
 * stop (then rejects with `plan.giveUp(error)`), waiting `plan.retryDelay` between them.
 *
 * @example
 * ```ts
 * const data = await retryLoop(plan, { tries: 3 });
 * ```
 */
export async function retryLoop<C, R, T>(plan: RetryPlan<C, R, T>, call: C): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    if (plan.before !== undefined) {
      const pause = plan.before(call, attempt);
      if (pause !== GO) {
        await plan.wait(pause, call);
        if (plan.pauseCounted !== undefined && !plan.pauseCounted(call)) attempt--;
        continue;
      }
    }
    let error: unknown;
    try {
      return plan.settle(call, await plan.attempt(call, attempt), attempt);
    } catch (thrown) {
      error = plan.failed(call, thrown, attempt);
    }
    const delay = plan.retryDelay(call, error, attempt);
    if (delay < 0) throw plan.giveUp(call, error);
    plan.retrying?.(call, attempt, delay, error);
    await plan.wait(delay, call);
  }
}
