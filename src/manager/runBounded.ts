import { TimeoutError } from '../errors.js';
import type { Clock } from '../runtime/clock.js';

/** One connection's outcome in a bulk operation. */
export interface BulkResult<T = undefined> {
  /** The connection's name under the manager. */
  name: string;
  ok: boolean;
  /** Why it failed: the error thrown, a TimeoutError when it took longer than the connection's `timeout`, or the health check's message. */
  error?: Error;
  /** What the operation gave (a health check's result). */
  value?: T;
}

/** One item of a bulk operation: a name, its work, and how long the work may take. */
export interface BulkItem<T> {
  name: string;
  timeout: number;
  run(): Promise<T>;
  /** What the connection itself last failed with (a TimeoutError's cause: its phase, its reason). */
  lastFailure?(): Error | undefined;
}

/**
 * Past its `timeout`, how long an item is still waited for: the connection's own
 * timeout (at `timeout`, with its phase and reason) reports first, the bound only
 * when the work hangs beyond it.
 */
export const BOUND_GRACE_MS = 100;

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/**
 * Runs every item's work, at most `concurrency` at a time, each bounded by its
 * `timeout` (plus {@link BOUND_GRACE_MS}; its work goes on, its result is no longer waited for); resolves
 * with one result per item, in the items' order. A failure or a hang never
 * stops the others; it never rejects.
 *
 * @example
 * ```ts
 * const results = await runBounded([{ name: 'api', timeout: 5000, run: () => api.connect() }], 16, systemClock, () => true);
 * ```
 */
export async function runBounded<T>(items: readonly BulkItem<T>[], concurrency: number, clock: Clock, judge: (value: T) => true | Error): Promise<BulkResult<T>[]> {
  const results: BulkResult<T>[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      const item = items[index]!;
      results[index] = await settle(item, clock, judge);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}

/** Runs one item's work bounded by its timeout (see {@link runBounded}); never rejects. */
export async function settle<T>(item: BulkItem<T>, clock: Clock, judge: (value: T) => true | Error): Promise<BulkResult<T>> {
  let timer: unknown;
  const timedOut = new Promise<never>((_, reject) => {
    timer = clock.setTimeout(() => {
      const cause = item.lastFailure?.();
      const detail = cause === undefined ? `"${item.name}"` : `"${item.name}"; its last failure: ${cause.message}`;
      reject(new TimeoutError(undefined, item.timeout, cause === undefined ? { detail } : { detail, cause }));
    }, item.timeout + BOUND_GRACE_MS);
  });
  try {
    // Started inside the try: a synchronous throw is a failure like any other.
    const value = await Promise.race([Promise.resolve().then(() => item.run()), timedOut]);
    const verdict = judge(value);
    return verdict === true ? { name: item.name, ok: true, value } : { name: item.name, ok: false, error: verdict, value };
  } catch (error) {
    return { name: item.name, ok: false, error: asError(error) };
  } finally {
    clock.clearTimeout(timer);
  }
}
