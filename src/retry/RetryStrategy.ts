import type { BackoffInput } from '../../machines/backoff.js';
import { baseDelay, defaultBackoffPolicy, type BackoffPolicy } from '../../machines/backoffDelay.js';
import type { Clock } from '../runtime/clock.js';
import { num, optional, validateOptions, type Rule } from '../config/validate.js';
import { runBackoff, type AttemptContext, type RetryInfo } from './runBackoff.js';

/** Options every strategy takes as its last constructor argument. */
export interface RetryStrategyOptions {
  /** No wait is longer than this (seconds). Default 30. */
  maxDelaySeconds?: number;
  /** Return false to stop retrying after this error. */
  shouldRetry?: (error: unknown, attempt: number) => boolean;
  onRetry?: (info: RetryInfo) => void;
  clock?: Clock;
}

/** Per-call options of `execute`. */
export interface ExecuteOptions {
  signal?: AbortSignal;
  shouldRetry?: (error: unknown, attempt: number) => boolean;
  onRetry?: (info: RetryInfo) => void;
}

/** Validation rules the strategies share (seed 000: delays in seconds). */
export const retryRules = {
  maxAttempts: num({ integer: true, min: 1, max: 10_000, allowInfinity: true }),
  // Above a minute a base delay was most likely given in ms (`ExponentialBackoffRetry(5, 500, 2)`): warned, not refused.
  seconds: num({ min: 0, max: 600, unit: 's', plausible: { max: 60 } }),
  multiplier: num({ min: 1, max: 100 }),
  ratio: num({ min: 0, max: 1 }),
  options: {
    maxDelaySeconds: optional(num({ min: 0, max: 86_400, unit: 's' })),
  },
} satisfies Record<string, Rule<unknown> | Record<string, Rule<unknown>>>;

/**
 * A retry strategy of seed 000: how many attempts, and how long to wait before
 * each retry. `execute` runs the function under the backoff machine.
 *
 * @example
 * ```ts
 * const retry = new ExponentialBackoffRetry(5, 1, 2); // waits 1 s, 2 s, 4 s, 8 s
 * const data = await retry.execute(() => fetchJson('/api/data'), { signal });
 * ```
 */
export abstract class RetryStrategy {
  /** The backoff policy in milliseconds, as the machine runs it. */
  readonly policy: BackoffPolicy;
  protected readonly options: RetryStrategyOptions;

  protected constructor(
    readonly maxAttempts: number,
    policy: Partial<BackoffPolicy>,
    given: RetryStrategyOptions = {},
  ) {
    const options = validateOptions(this.constructor.name, given, retryRules.options, { accept: ['shouldRetry', 'onRetry', 'clock'] });
    this.options = given;
    this.policy = {
      ...defaultBackoffPolicy,
      jitter: 'none',
      ...policy,
      maxDelay: (options.maxDelaySeconds ?? 30) * 1000,
    };
  }

  /** The wait before retry `attempt` (1-based), in seconds, before jitter and cap. */
  getDelay(attempt: number): number {
    return baseDelay(this.policy, attempt) / 1000;
  }

  /** The machine input for this strategy. */
  toBackoffInput(): BackoffInput {
    return { ...this.policy, maxAttempts: this.maxAttempts, mode: 'retry' };
  }

  /**
   * Calls `fn` until it resolves, at most `maxAttempts` times; rejects with the
   * last error, or at once with the signal's reason when `signal` aborts.
   */
  execute<T>(fn: (context: AttemptContext) => Promise<T> | T, options: ExecuteOptions = {}): Promise<T> {
    return runBackoff(this.toBackoffInput(), fn, {
      signal: options.signal,
      shouldRetry: options.shouldRetry ?? this.options.shouldRetry,
      onRetry: options.onRetry ?? this.options.onRetry,
      clock: this.options.clock,
    });
  }
}
