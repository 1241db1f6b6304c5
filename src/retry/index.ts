/**
 * Seed 000's retry strategies (delays in seconds). The engine they run on,
 * `runBackoff`, is statewire's own.
 *
 * @example
 * ```ts
 * import { ExponentialBackoffRetry } from './retry/index.js';
 * const data = await new ExponentialBackoffRetry(5, 1, 2).execute(({ signal }) => fetch('http://127.0.0.1:8000/data', { signal }));
 * ```
 *
 * @module
 */
export { RetryStrategy } from './RetryStrategy.js';
export type { ExecuteOptions, RetryStrategyOptions } from './RetryStrategy.js';
export { ExponentialBackoffRetry } from './ExponentialBackoffRetry.js';
export { LinearBackoffRetry } from './LinearBackoffRetry.js';
export { JitterRetry } from './JitterRetry.js';
export type { AttemptContext, RetryInfo } from './runBackoff.js';
