import { validateOptions } from '../config/validate.js';
import { RetryStrategy, retryRules, type RetryStrategyOptions } from './RetryStrategy.js';

/**
 * Waits `baseDelaySeconds + incrementSeconds·(n-1)` before retry n (seed 000).
 *
 * @example
 * ```ts
 * const retry = new LinearBackoffRetry(3, 1, 2); // 3 attempts: 1s, 3s, 5s
 * const result = await retry.execute(async () => riskyOperation());
 * ```
 */
export class LinearBackoffRetry extends RetryStrategy {
  constructor(maxAttempts = 3, baseDelaySeconds = 1, incrementSeconds = 1, options?: RetryStrategyOptions) {
    const args = validateOptions(
      'LinearBackoffRetry',
      { maxAttempts, baseDelaySeconds, incrementSeconds },
      { maxAttempts: retryRules.maxAttempts, baseDelaySeconds: retryRules.seconds, incrementSeconds: retryRules.seconds },
    );
    super(args.maxAttempts, { kind: 'linear', base: args.baseDelaySeconds * 1000, increment: args.incrementSeconds * 1000 }, options);
  }
}
