import { backoffDelay, type BackoffPolicy } from '../../machines/backoffDelay.js';

/**
 * A failure's server-given delay (`retryAfter` in ms, from HTTP `Retry-After`),
 * capped at `maxDelay`; undefined when the failure carries none.
 *
 * @example
 * ```ts
 * serverDelay(new ApiError(503, '', { url, method: 'GET', retryAfter: 2000 }), 30_000); // 2000
 * ```
 */
export function serverDelay(error: unknown, maxDelay: number): number | undefined {
  const ms = (error as { retryAfter?: unknown } | null | undefined)?.retryAfter;
  return typeof ms === 'number' && ms >= 0 && Number.isFinite(ms) ? Math.min(maxDelay, ms) : undefined;
}

/**
 * The wait before retry `attempt` (1-based) after `error`: the server's delay
 * when the error carries one (capped, no jitter), else the policy's backoff,
 * jittered with `draw()` (called only then, so a seeded sequence advances only
 * when it is used). The same rule as the backoff machine's, for the loops that
 * run outside it (`runBackoff`, HTTP retries).
 *
 * @param previous the wait before this one (for `decorrelated` jitter).
 * @example
 * ```ts
 * retryDelay({ ...defaultBackoffPolicy, jitter: 'none', base: 100 }, 3, 0, new Error('boom'), Math.random); // 400
 * ```
 */
export function retryDelay(policy: BackoffPolicy, attempt: number, previous: number, error: unknown, draw: () => number): number {
  return serverDelay(error, policy.maxDelay) ?? backoffDelay(policy, Math.max(1, attempt), draw(), previous);
}
