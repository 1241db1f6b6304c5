/** How the base delay grows with each failed attempt. */
export type BackoffKind = 'exponential' | 'linear' | 'constant';

/**
 * How the capped delay is randomised, so that many clients do not retry in lockstep.
 * - `none`: the capped delay itself.
 * - `full`: uniform in [0, d].
 * - `equal`: uniform in [d/2, d].
 * - `decorrelated`: uniform in [base, 3·previous], capped (AWS's "decorrelated jitter").
 * - `proportional`: d·(1 ± jitterRatio), capped (the seed's `JitterRetry`, "±50 %").
 */
export type Jitter = 'none' | 'full' | 'equal' | 'decorrelated' | 'proportional';

/** A backoff policy; every duration is in milliseconds. Plain data. */
export interface BackoffPolicy {
  kind: BackoffKind;
  /** The first delay (ms). */
  base: number;
  /** Growth per attempt for `exponential` (default 2). */
  factor: number;
  /** Growth per attempt for `linear` (ms; default `base`). */
  increment: number;
  /** No delay ever exceeds this (ms; default 30000, the seed's `min(30s, …)`). */
  maxDelay: number;
  jitter: Jitter;
  /** Spread of `proportional` jitter, 0..1 (default 0.5). */
  jitterRatio: number;
}

/** The seeds' defaults: exponential from 1 s, doubling, capped at 30 s, full jitter. */
export const defaultBackoffPolicy: BackoffPolicy = {
  kind: 'exponential',
  base: 1000,
  factor: 2,
  increment: 1000,
  maxDelay: 30_000,
  jitter: 'full',
  jitterRatio: 0.5,
};

/**
 * The uncapped, unjittered delay before retry `n` (n ≥ 1): `base·factor^(n-1)`,
 * `base + increment·(n-1)` or `base`.
 *
 * @example
 * ```ts
 * baseDelay({ ...defaultBackoffPolicy, base: 1000 }, 3); // 4000
 * ```
 */
export function baseDelay(policy: BackoffPolicy, n: number): number {
  switch (policy.kind) {
    case 'exponential':
      return policy.base * policy.factor ** (n - 1);
    case 'linear':
      return policy.base + policy.increment * (n - 1);
    default:
      return policy.base;
  }
}

/**
 * The delay before retry `n` (n ≥ 1): the base delay capped at `maxDelay`, then
 * jittered with `r` (a number in [0, 1) the caller draws). Jitter comes after the
 * cap, so clients that have all reached the cap still spread out (socket.io jitters
 * before its cap, and its clients then retry in lockstep). Never above `maxDelay`.
 *
 * @param previous the delay used before this one (for `decorrelated`).
 * @example
 * ```ts
 * backoffDelay({ ...defaultBackoffPolicy, jitter: 'none' }, 10, 0, 0); // 30000
 * ```
 */
export function backoffDelay(policy: BackoffPolicy, n: number, r: number, previous: number): number {
  const raw = baseDelay(policy, n);
  // `raw || 0` turns 0·Infinity (base 0 after many attempts) into 0 rather than NaN.
  const d = raw > policy.maxDelay ? policy.maxDelay : raw || 0;
  switch (policy.jitter) {
    case 'full':
      return r * d;
    case 'equal':
      return d / 2 + (r * d) / 2;
    case 'decorrelated': {
      const upper = Math.max(policy.base, previous * 3);
      return Math.min(policy.maxDelay, policy.base + r * (upper - policy.base));
    }
    case 'proportional':
      return Math.min(policy.maxDelay, d * (1 + policy.jitterRatio * (2 * r - 1)));
    default:
      return d;
  }
}
