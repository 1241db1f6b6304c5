/**
 * The subjects of the resilience benchmark: statewire's breaker + rate limiter,
 * cockatiel 3 policies and opossum 9 breakers, each built once, configured so
 * that nothing ever trips, times out or is rate limited, and each exposed as a
 * task that runs a fixed batch of calls (so the ~50 ns per-sample overhead of
 * tinybench's `performance.now()` pair is spread over the batch, not added to
 * every sub-microsecond call).
 *
 * Everything is in-process; no I/O. `dispose()` stops every actor, breaker and
 * timer so the process can exit on its own.
 */
import OpossumBreaker from 'opossum';
import {
  circuitBreaker,
  ConsecutiveBreaker,
  CircuitState as CockatielState,
  ExponentialBackoff,
  handleAll,
  retry,
  timeout,
  TimeoutStrategy,
  wrap,
} from 'cockatiel';
import type { Clock } from '../src/index.js';
import { CircuitBreaker, RateLimiter, systemClock } from './statewire.js';

/** Calls per tinybench sample for sync (sub-µs) tasks. */
export const SYNC_BATCH = 1000;
/** Awaited calls per tinybench sample for promise-based tasks. */
export const ASYNC_BATCH = 100;

export type Group = 'headline' | 'variant' | 'breakdown';

export interface Case {
  name: string;
  group: Group;
  /** Calls made by one invocation of `fn`. */
  batch: number;
  fn: () => unknown;
}

/**
 * statewire validates `tokensPerSecond`/`burstCapacity` to at most 1e6, and a
 * ~50 ns take loop draws ~2e7 tokens/s, so a real-time 1e6/s bucket would run
 * dry within ~50 ms and we would be timing the rejection path. This clock runs
 * the limiter's time 1000x faster (effective refill 1e9 tokens/s); the bucket
 * arithmetic executed per take is exactly the same (one `now()`, refill, take).
 * Only the limiter gets it; breakers use the real `systemClock`.
 */
const TIME_SCALE = 1000;
const fastRefillClock: Clock = {
  now: () => Date.now() * TIME_SCALE,
  setTimeout: systemClock.setTimeout,
  clearTimeout: systemClock.clearTimeout,
};

/** Keeps results observable so the JIT cannot drop the work. */
export let sink = 0;

const NEVER_TRIP = { threshold: 1_000_000, volumeThreshold: 1_000_000, timeout: 60_000 } as const;
const NEVER_LIMIT = { limits: { api: { tokensPerSecond: 1_000_000, burstCapacity: 1_000_000 } }, clock: fastRefillClock };

export function createSubjects() {
  // ---- statewire ------------------------------------------------------------
  const swBreaker = new CircuitBreaker(NEVER_TRIP);
  const swLimiter = new RateLimiter(NEVER_LIMIT);
  const swAsyncBreaker = new CircuitBreaker(NEVER_TRIP);
  const swAsyncLimiter = new RateLimiter(NEVER_LIMIT);
  let swRejected = 0;
  let swLimited = 0;

  const swAloneBreaker = new CircuitBreaker(NEVER_TRIP);

  const swWork = async (): Promise<number> => {
    swAsyncLimiter.check('api');
    return 1;
  };

  // Breakdown instances (separate so the headline ones' stats stay clean).
  const bdBreaker = new CircuitBreaker(NEVER_TRIP);
  const bdLimiter = new RateLimiter(NEVER_LIMIT);

  // ---- cockatiel 3 ------------------------------------------------------------
  const ckRetry = retry(handleAll, { maxAttempts: 3, backoff: new ExponentialBackoff() });
  const ckBreaker = circuitBreaker(handleAll, { halfOpenAfter: 60_000, breaker: new ConsecutiveBreaker(5) });
  const ckTimeout = timeout(1000, TimeoutStrategy.Cooperative);
  const ckPolicy = wrap(ckRetry, ckBreaker, ckTimeout);
  const ckBreakerAlone = circuitBreaker(handleAll, { halfOpenAfter: 60_000, breaker: new ConsecutiveBreaker(5) });
  // Same stack, but the timeout does not abort its signal when the call returns:
  // by default it does, and Node builds an AbortError DOMException (with a stack) per call.
  const ckBreaker2 = circuitBreaker(handleAll, { halfOpenAfter: 60_000, breaker: new ConsecutiveBreaker(5) });
  const ckPolicyNoAbort = wrap(
    retry(handleAll, { maxAttempts: 3, backoff: new ExponentialBackoff() }),
    ckBreaker2,
    timeout(1000, { strategy: TimeoutStrategy.Cooperative, abortOnReturn: false }),
  );

  // ---- opossum 9 ---------------------------------------------------------------
  const one = async (): Promise<number> => 1;
  const opNoTimeout = new OpossumBreaker(one, { timeout: false, errorThresholdPercentage: 50, resetTimeout: 60_000 });
  const opTimeout = new OpossumBreaker(one, { timeout: 1000, errorThresholdPercentage: 50, resetTimeout: 60_000 });

  const S = SYNC_BATCH;
  const A = ASYNC_BATCH;

  const cases: Case[] = [
    {
      name: 'statewire sync: admit+take+success',
      group: 'headline',
      batch: S,
      fn: () => {
        for (let i = 0; i < S; i++) {
          const ticket = swBreaker.admit();
          if (ticket === 0) {
            swRejected++;
            continue;
          }
          if (swLimiter.take('api', '/users') === 0) swBreaker.success(ticket);
          else {
            swLimited++;
            swBreaker.release(ticket);
          }
        }
      },
    },
    {
      name: 'statewire async: await execute(check)',
      group: 'headline',
      batch: A,
      fn: async () => {
        for (let i = 0; i < A; i++) sink += await swAsyncBreaker.execute(swWork);
      },
    },
    {
      name: 'baseline: await (async () => 1)()',
      group: 'headline',
      batch: A,
      fn: async () => {
        for (let i = 0; i < A; i++) sink += await one();
      },
    },
    {
      name: 'cockatiel wrap(retry,breaker,timeout)',
      group: 'headline',
      batch: A,
      fn: async () => {
        for (let i = 0; i < A; i++) sink += await ckPolicy.execute(one);
      },
    },
    {
      name: 'cockatiel circuitBreaker alone',
      group: 'headline',
      batch: A,
      fn: async () => {
        for (let i = 0; i < A; i++) sink += await ckBreakerAlone.execute(one);
      },
    },
    {
      name: 'opossum fire() timeout:false',
      group: 'headline',
      batch: A,
      fn: async () => {
        for (let i = 0; i < A; i++) sink += (await opNoTimeout.fire()) as number;
      },
    },
    {
      name: 'opossum fire() timeout:1000 (timer/call)',
      group: 'headline',
      batch: A,
      fn: async () => {
        for (let i = 0; i < A; i++) sink += (await opTimeout.fire()) as number;
      },
    },
    // ---- one-to-one and variants ----
    {
      name: 'statewire breaker.execute alone',
      group: 'variant',
      batch: A,
      fn: async () => {
        for (let i = 0; i < A; i++) sink += await swAloneBreaker.execute(one);
      },
    },
    {
      name: 'cockatiel wrap, timeout abortOnReturn:false',
      group: 'variant',
      batch: A,
      fn: async () => {
        for (let i = 0; i < A; i++) sink += await ckPolicyNoAbort.execute(one);
      },
    },
    // ---- where the statewire sync path spends its time ----
    {
      name: 'sw breaker.admit()',
      group: 'breakdown',
      batch: S,
      fn: () => {
        for (let i = 0; i < S; i++) sink += bdBreaker.admit();
      },
    },
    {
      name: 'sw breaker.admit()+success()',
      group: 'breakdown',
      batch: S,
      fn: () => {
        for (let i = 0; i < S; i++) bdBreaker.success(bdBreaker.admit());
      },
    },
    {
      name: "sw limiter.take('api','/users')",
      group: 'breakdown',
      batch: S,
      fn: () => {
        for (let i = 0; i < S; i++) sink += bdLimiter.take('api', '/users');
      },
    },
    {
      name: "sw limiter.take('api')",
      group: 'breakdown',
      batch: S,
      fn: () => {
        for (let i = 0; i < S; i++) sink += bdLimiter.take('api');
      },
    },
    {
      name: 'Date.now() (reference)',
      group: 'breakdown',
      batch: S,
      fn: () => {
        for (let i = 0; i < S; i++) sink += Date.now() & 1;
      },
    },
  ];

  /** Confirms that every subject stayed on its happy path (nothing rejected, tripped or timed out). */
  function checks(): string[] {
    const problems: string[] = [];
    if (swRejected || swLimited) problems.push(`statewire sync: ${swRejected} rejected, ${swLimited} rate limited`);
    for (const [label, b] of [['statewire sync', swBreaker], ['statewire async', swAsyncBreaker], ['statewire alone', swAloneBreaker], ['breakdown', bdBreaker]] as const) {
      if (b.state !== 'CLOSED') problems.push(`${label} breaker is ${b.state}`);
    }
    for (const [label, l] of [['statewire sync', swLimiter], ['statewire async', swAsyncLimiter], ['breakdown', bdLimiter]] as const) {
      const { rateLimited } = l.getStats();
      if (rateLimited) problems.push(`${label} limiter rate limited ${rateLimited} takes`);
    }
    for (const [label, p] of [['cockatiel wrap', ckBreaker], ['cockatiel alone', ckBreakerAlone], ['cockatiel wrap abortOnReturn:false', ckBreaker2]] as const) {
      if (p.state !== CockatielState.Closed) problems.push(`${label} breaker is ${CockatielState[p.state]}`);
    }
    for (const [label, o] of [['opossum timeout:false', opNoTimeout], ['opossum timeout:1000', opTimeout]] as const) {
      const { failures, rejects, timeouts } = o.stats;
      if (!o.closed || failures || rejects || timeouts) {
        problems.push(`${label}: closed=${o.closed} failures=${failures} rejects=${rejects} timeouts=${timeouts}`);
      }
    }
    return problems;
  }

  function dispose(): void {
    for (const b of [swBreaker, swAsyncBreaker, swAloneBreaker, bdBreaker]) b.dispose();
    for (const l of [swLimiter, swAsyncLimiter, bdLimiter]) l.dispose();
    opNoTimeout.shutdown();
    opTimeout.shutdown();
    // cockatiel policies hold no timers once their calls have settled.
  }

  return { cases, checks, dispose };
}
