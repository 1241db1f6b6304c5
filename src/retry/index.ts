export { RetryStrategy } from './RetryStrategy.js';
export type { ExecuteOptions, RetryStrategyOptions } from './RetryStrategy.js';
export { ExponentialBackoffRetry } from './ExponentialBackoffRetry.js';
export { LinearBackoffRetry } from './LinearBackoffRetry.js';
export { JitterRetry } from './JitterRetry.js';
export { runBackoff } from './runBackoff.js';
export type { AttemptContext, RetryInfo, RunBackoffOptions } from './runBackoff.js';
