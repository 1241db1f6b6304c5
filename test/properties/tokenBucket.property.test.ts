import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TokenBucket } from '../../src/rateLimiter/TokenBucket.js';

const SYNC_RUNS = 200;
const EPS = 1e-9;

const rateArb = fc.oneof(fc.integer({ min: 1, max: 1000 }), fc.double({ min: 0.1, max: 1000, noNaN: true }));
const burstArb = fc.oneof(
  fc.integer({ min: 1, max: 20 }), // small buckets run dry, so refusals are common
  fc.integer({ min: 1, max: 1000 }),
  fc.double({ min: 1, max: 1000, noNaN: true }),
);
/** Take times in ms, sorted: whole ms (Date.now()) or fractional (performance.now()). */
const timesArb = fc
  .array(
    fc.oneof(fc.integer({ min: 0, max: 100_000 }), fc.double({ min: 0, max: 100_000, noNaN: true })),
    // size 'max': fast-check otherwise keeps arrays to about 10 items.
    { maxLength: 500, size: 'max' },
  )
  .map((ts) => ts.sort((a, b) => a - b));
/** Bursty times: few distinct instants, many takes each, so the bucket runs dry often. */
const burstyTimesArb = fc
  .array(fc.tuple(fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: 1, max: 40 })), { maxLength: 30, size: 'max' })
  .map((groups) => groups.flatMap(([t, k]) => Array.from({ length: k }, () => t)).sort((a, b) => a - b));
const anyTimesArb = fc.oneof(timesArb, burstyTimesArb);

/** A copy of the bucket's whole state, to try a take without disturbing the original. */
function cloneBucket(bucket: TokenBucket): TokenBucket {
  return Object.assign(Object.create(TokenBucket.prototype) as TokenBucket, bucket);
}

describe('TokenBucket (properties)', () => {
  it('grants at most burst + rate·t/1000 takes in any interval of length t', () => {
    fc.assert(
      fc.property(rateArb, burstArb, anyTimesArb, (rate, burst, times) => {
        const bucket = new TokenBucket(rate, burst, 0);
        const grants = times.filter((t) => bucket.take(t) === 0);
        for (let i = 0; i < grants.length; i++) {
          for (let j = i; j < grants.length; j++) {
            const count = j - i + 1;
            const allowed = burst + (rate * (grants[j]! - grants[i]!)) / 1000 + EPS;
            if (count > allowed) {
              expect.fail(`${count} grants in [${grants[i]}, ${grants[j]}] but only ${allowed} allowed`);
            }
          }
        }
      }),
      { numRuns: SYNC_RUNS },
    );
  });

  it('a refused take returns a wait w > 0 (whole ms), and a take at now + w is granted', () => {
    fc.assert(
      fc.property(rateArb, burstArb, anyTimesArb, (rate, burst, times) => {
        const bucket = new TokenBucket(rate, burst, 0);
        // Plain checks in the loop (expect() per take is slow); one assertion at the end.
        const problems: string[] = [];
        for (const now of times) {
          const before = cloneBucket(bucket);
          const wait = bucket.take(now);
          if (wait === 0) continue;
          const at = `take at ${now} (rate ${rate}, burst ${burst}, tokens ${bucket.tokens}) → wait ${wait}`;
          if (!(wait > 0) || !Number.isInteger(wait)) problems.push(`${at}: not a positive whole ms`);
          if (!(bucket.tokens < 1)) problems.push(`${at}: refused with a whole token in the bucket`);
          // A refused take takes nothing: the same take on a copy gives the same wait and tokens.
          if (before.take(now) !== wait || before.tokens !== bucket.tokens) problems.push(`${at}: took something`);
          const retry = cloneBucket(bucket);
          const again = retry.take(now + wait);
          if (again !== 0) problems.push(`${at}: refused again at now + wait (${again}, tokens ${retry.tokens})`);
        }
        expect(problems).toEqual([]);
      }),
      { numRuns: SYNC_RUNS },
    );
  });

  it('starting full, exactly floor(burst) takes at one instant are granted and the next is refused', () => {
    fc.assert(
      fc.property(rateArb, burstArb, fc.double({ min: 0, max: 1e6, noNaN: true }), (rate, burst, now) => {
        const bucket = new TokenBucket(rate, burst, now);
        const granted = Array.from({ length: Math.floor(burst) }, () => bucket.take(now));
        expect(granted.every((w) => w === 0)).toBe(true);
        expect(bucket.take(now)).toBeGreaterThan(0);
        expect(bucket.take(now)).toBeGreaterThan(0);
      }),
      { numRuns: SYNC_RUNS },
    );
  });

  // Regression, found by the property above: Math.ceil((1 - tokens)·1000/rate) alone can
  // promise a wait whose refill lands one ulp short of a token.
  it('rate 1/s, burst 2: the take at now + wait is granted (floating-point regression)', () => {
    const bucket = new TokenBucket(1, 2, 0);
    expect([bucket.take(0), bucket.take(0)]).toEqual([0, 0]);
    expect(bucket.take(1061)).toBe(0); // 1.061 tokens, then 0.06099999999999994 left
    const wait = bucket.take(1061);
    expect(wait).toBe(940); // ceil gives 939, whose refill reaches only 0.9999999999999999
    expect(bucket.take(1061 + wait)).toBe(0);
  });

  it('never holds more than burst tokens nor fewer than 0, however long it idles', () => {
    fc.assert(
      fc.property(rateArb, burstArb, anyTimesArb, (rate, burst, times) => {
        const bucket = new TokenBucket(rate, burst, 0);
        let lowest = burst;
        let highest = 0;
        for (const now of times) {
          bucket.take(now);
          lowest = Math.min(lowest, bucket.tokens);
          highest = Math.max(highest, bucket.tokens);
        }
        expect(lowest).toBeGreaterThanOrEqual(0);
        expect(highest).toBeLessThanOrEqual(burst);
      }),
      { numRuns: SYNC_RUNS },
    );
  });
});
