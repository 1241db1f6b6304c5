import { validateOptions } from '../config/validate.js';
import { RetryStrategy, retryRules, type RetryStrategyOptions } from './RetryStrategy.js';

/**
 * Exponential waits (`baseDelaySeconds·2^(n-1)`) spread by ±`jitterFactor`
 * (seed 000), so clients that failed together do not retry together.
 *
 * @example
 * ```ts
 * const retry = new JitterRetry(4, 1, 0.5); // 4 attempts with ±50% jitter
 * const result = await retry.execute(async () => distributedOperation());
 * ```
 */
export class JitterRetry extends RetryStrategy {
  constructor(maxAttempts = 3, baseDelaySeconds = 1, jitterFactor = 0.5, options?: RetryStrategyOptions) {
    const args = validateOptions(
      'JitterRetry',
      { maxAttempts, baseDelaySeconds, jitterFactor },
      { maxAttempts: retryRules.maxAttempts, baseDelaySeconds: retryRules.seconds, jitterFactor: retryRules.ratio },
    );
    super(
      args.maxAttempts,
      { kind: 'exponential', base: args.baseDelaySeconds * 1000, factor: 2, jitter: 'proportional', jitterRatio: args.jitterFactor },
      options,
    );
  }
}
