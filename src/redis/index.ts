/**
 * `statewire/redis`: rate limits, server pauses and circuit breakers shared by
 * many processes through Redis (optional peer dependency: `redis`, node-redis
 * 5 or 6). The core (`statewire`) never imports this entry: an app that does
 * not import it bundles none of it.
 *
 * @module statewire/redis
 */
export { redisState } from './redisState.js';
export type { RedisState, RedisStateOptions } from './redisState.js';
export type { RedisLike } from './RedisLike.js';
export type { SharedBreakerSettings } from './RedisBreaker.js';
export type { LeaseOptions } from './RedisLimits.js';
export type { SharedLimits, SharedLimitsStore } from '../rateLimiter/SharedLimits.js';
export type { SharedBreaker, SharedBreakerConfig, SharedBreakerFollower, SharedBreakerStore } from '../breaker/SharedBreaker.js';
export type { SharedStateView } from '../runtime/SharedStateView.js';
