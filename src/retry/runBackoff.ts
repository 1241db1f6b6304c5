import type { BackoffInput } from '../../machines/backoff.js';
import { defaultBackoffPolicy, type BackoffPolicy } from '../../machines/backoffDelay.js';
import { definedOnly } from '../../machines/definedOnly.js';
import { nextRandom } from '../../machines/random.js';
import { systemClock, type Clock } from '../runtime/clock.js';
import { PendingWaits } from '../runtime/PendingWaits.js';
import { retryDelay } from './retryDelay.js';
import { retryLoop, type RetryPlan } from './retryLoop.js';

/** What an attempt receives: its number (1-based) and a signal that aborts when the loop stops. */
export interface AttemptContext {
  attempt: number;
  signal: AbortSignal;
}

/** Told before each wait. */
export interface RetryInfo {
  /** The attempt that just failed (1-based). */
  attempt: number;
  /** The wait before the next attempt, ms. */
  delay: number;
  error: unknown;
}

export interface RunBackoffOptions {
  /** Cancels the current attempt or wait at once; the promise rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Return false to stop retrying after this error. Default: retry everything but configuration and validation errors. */
  shouldRetry?: (error: unknown, attempt: number) => boolean;
  onRetry?: (info: RetryInfo) => void;
  clock?: Clock;
}

/** Deterministic failures: retrying them cannot help. */
function isRetryableByDefault(error: unknown): boolean {
  const e = error as { isConfigError?: boolean; isValidationError?: boolean } | null;
  return !(e?.isConfigError || e?.isValidationError);
}

/** One `runBackoff` call's state. */
interface BackoffRun<T> {
  fn: (context: AttemptContext) => Promise<T> | T;
  policy: BackoffPolicy;
  /** Attempt limit; Infinity for none. */
  maxAttempts: number;
  /** Attempts counted before this run (the input's `attempts`). */
  offset: number;
  /** The previous wait, for `decorrelated` jitter. */
  previous: number;
  seed: number;
  shouldRetry: (error: unknown, attempt: number) => boolean;
  onRetry?: (info: RetryInfo) => void;
  signal?: AbortSignal;
  waits: PendingWaits;
}

/** The backoff machine's `retry` mode, as a plan for the retry loop. */
const backoffPlan: RetryPlan<BackoffRun<unknown>, unknown, unknown> = {
  attempt(run, attempt) {
    // Each attempt gets its own signal, aborted (and the call rejected) when the caller's aborts.
    const stop = new AbortController();
    const outer = run.signal;
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        stop.abort(outer!.reason);
        reject(outer!.reason);
      };
      outer?.addEventListener('abort', onAbort, { once: true });
      const done = () => outer?.removeEventListener('abort', onAbort);
      Promise.resolve()
        .then(() => run.fn({ attempt: run.offset + attempt, signal: stop.signal }))
        .then(
          (value) => (done(), resolve(value)),
          (error: unknown) => (done(), reject(error)),
        );
    });
  },
  settle: (_run, result) => result,
  failed(run, error) {
    if (run.signal?.aborted) throw run.signal.reason;
    return error;
  },
  retryDelay(run, error, attempt) {
    const n = run.offset + attempt;
    if (n >= run.maxAttempts || !run.shouldRetry(error, n)) return -1;
    run.previous = retryDelay(run.policy, n, run.previous, error, () => {
      const [r, seed] = nextRandom(run.seed);
      run.seed = seed;
      return r;
    });
    return run.previous;
  },
  retrying(run, attempt, delay, error) {
    run.onRetry?.({ attempt: run.offset + attempt, delay, error });
  },
  giveUp: (_run, error) => error,
  wait: (ms, run) => run.waits.wait(ms, run.signal),
};

/**
 * Runs `fn` under the backoff machine's `retry` rules on the shared
 * {@link retryLoop}: at most `maxAttempts` calls, waits between them from the
 * policy (or the error's `retryAfter`), and settles with the first result or
 * the last error.
 *
 * @example
 * ```ts
 * const data = await runBackoff({ maxAttempts: 3, base: 200 }, async ({ signal }) => {
 *   const res = await fetch('http://127.0.0.1:8080/data', { signal });
 *   if (!res.ok) throw new Error(`HTTP ${res.status}`);
 *   return res.json();
 * });
 * ```
 */
export function runBackoff<T>(
  input: BackoffInput,
  fn: (context: AttemptContext) => Promise<T> | T,
  options: RunBackoffOptions = {},
): Promise<T> {
  const { signal } = options;
  if (signal?.aborted) return Promise.reject(signal.reason);
  // The policy as the backoff machine builds it from the same input.
  const { maxAttempts, mode: _mode, minUptime: _uptime, seed: _seed, attempts, delay, ...given } = input;
  const policy = definedOnly(given);
  const run: BackoffRun<T> = {
    fn,
    policy: { ...defaultBackoffPolicy, increment: policy.base ?? defaultBackoffPolicy.increment, ...policy },
    maxAttempts: maxAttempts ?? Infinity,
    offset: attempts ?? 0,
    previous: delay ?? 0,
    seed: (Math.random() * 2 ** 32) | 0,
    shouldRetry: options.shouldRetry ?? isRetryableByDefault,
    onRetry: options.onRetry,
    signal,
    waits: new PendingWaits(options.clock ?? systemClock),
  };
  return retryLoop(backoffPlan as RetryPlan<BackoffRun<T>, T, T>, run);
}
