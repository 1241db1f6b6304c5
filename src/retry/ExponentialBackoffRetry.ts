import { validateOptions } from '../config/validate.js';
import { RetryStrategy, retryRules, type RetryStrategyOptions } from './RetryStrategy.js';

/**
 * Waits `baseDelaySeconds·multiplier^(n-1)` before retry n (seed 000).
 *
 * @example
 * ```ts
 * const retry = new ExponentialBackoffRetry(5, 1, 2); // 5 attempts: 1s, 2s, 4s, 8s, 16s
 * const result = await retry.execute(async () => {
 *   const response = await fetch('http://127.0.0.1:8080/api/data');
 *   if (!response.ok) throw new Error('Request failed');
 *   return response.json();
 * });
 * ```
 */
export class ExponentialBackoffRetry extends RetryStrategy {
  constructor(maxAttempts = 3, baseDelaySeconds = 1, multiplier = 2, options?: RetryStrategyOptions) {
    const args = validateOptions(
      'ExponentialBackoffRetry',
      { maxAttempts, baseDelaySeconds, multiplier },
      { maxAttempts: retryRules.maxAttempts, baseDelaySeconds: retryRules.seconds, multiplier: retryRules.multiplier },
    );
    super(args.maxAttempts, { kind: 'exponential', base: args.baseDelaySeconds * 1000, factor: args.multiplier }, options);
  }
}
