import { fromPromise } from 'xstate';
import { backoffMachine, type BackoffContext, type BackoffInput } from '../../machines/backoff.js';
import { systemClock, type Clock } from '../runtime/clock.js';
import { createRootActor, watch } from '../runtime/createRootActor.js';

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

/**
 * Runs `fn` under the backoff machine in `retry` mode: at most `maxAttempts`
 * calls, waits between them from the policy (or the error's `retryAfter`), and
 * settles with the first result or the last error.
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
  const { signal, onRetry } = options;
  const shouldRetry = options.shouldRetry ?? isRetryableByDefault;
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    let result: T;
    let lastError: unknown;
    const machine = backoffMachine.provide({
      actors: {
        attempt: fromPromise<unknown, { attempt: number }>(async ({ input: { attempt }, signal: stop }) => {
          try {
            result = await fn({ attempt, signal: stop });
          } catch (error) {
            lastError = error;
            throw error;
          }
        }),
      },
      guards: {
        isRetryable: ({ context, event }) =>
          shouldRetry((event as unknown as { error: unknown }).error, (context as BackoffContext).attempts),
      },
    });
    const actor = createRootActor(machine, {
      input: { ...input, mode: 'retry', seed: (Math.random() * 2 ** 32) | 0 },
      clock: options.clock ?? systemClock,
      onError: (error) => settle(() => reject(error)),
    });
    const onAbort = () => actor.send({ type: 'STOP' });
    const settle = (finish: () => void) => {
      signal?.removeEventListener('abort', onAbort);
      finish();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    let waiting = false;
    watch(actor, (snapshot) => {
      const nowWaiting = snapshot.value === 'waiting';
      if (nowWaiting && !waiting) {
        onRetry?.({ attempt: snapshot.context.attempts, delay: snapshot.context.delay, error: lastError });
      }
      waiting = nowWaiting;
      if (snapshot.status !== 'done') return;
      const outcome = snapshot.output?.outcome;
      settle(() =>
        outcome === 'done' ? resolve(result) : reject(outcome === 'exhausted' ? lastError : signal?.reason),
      );
    });
  });
}
