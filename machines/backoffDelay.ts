/** How the base delay grows with each failed attempt. */
export type BackoffKind = 'exponential' | 'linear' | 'constant';

/**
 * How the capped delay is randomised, so that many clients do not retry in lockstep.
 * - `none`: the capped delay itself.
 * - `full`: uniform in [0, d].
 * - `equal`: uniform in [d/2, d].
 * - `decorrelated`: uniform in [base, 3·max(base, previous)] cut at the cap (AWS's "decorrelated jitter").
 * - `proportional`: uniform in d·(1 ± jitterRatio) cut at the cap (the seed's `JitterRetry`, "±50 %").
 *
 * Ranges are cut at the cap, not clamped to it: clamping would put every client
 * whose draw lands above the cap on exactly `maxDelay`, in lockstep again.
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

/**
 * The seeds' defaults: exponential from 1 s, doubling, capped at 30 s, full jitter.
 *
 * @example
 * ```ts
 * const linear: BackoffPolicy = { ...defaultBackoffPolicy, kind: 'linear', increment: 500 };
 * ```
 */
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
      // The first retry (no previous delay) draws from [base, 3·base] too.
      const hi = Math.min(policy.maxDelay, 3 * Math.max(policy.base, previous));
      const lo = Math.min(policy.base, hi);
      return lo + r * (hi - lo);
    }
    case 'proportional': {
      // d·(1 ± ratio), with the range cut at the cap rather than clamped to it, so
      // clients at the cap stay spread instead of half of them landing on maxDelay.
      const hi = Math.min(policy.maxDelay, d * (1 + policy.jitterRatio));
      const lo = Math.min(d * (1 - policy.jitterRatio), hi);
      return lo + r * (hi - lo);
    }
    default:
      return d;
  }
}
