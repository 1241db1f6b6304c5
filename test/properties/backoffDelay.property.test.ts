import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  backoffDelay,
  baseDelay,
  defaultBackoffPolicy,
  type BackoffKind,
  type BackoffPolicy,
  type Jitter,
} from '../../machines/backoffDelay.js';
import { nextRandom } from '../../machines/random.js';

// Fewer runs under `npm run mutation`, which runs these once per mutant.
const SYNC_RUNS = process.env.STATEWIRE_MUTATION ? 40 : 200;

/**
 * A duration in [min, max] ms: whole milliseconds (the usual case, and exact edges) or any
 * double. Subnormals (< 2^-1022 ms) become 0: halving them is inexact, so `d/2 + r·d/2` can
 * round one ulp above d — an artefact of 1e-308 ms durations, not a behaviour worth pinning.
 */
const ms = (min: number, max: number) =>
  fc.oneof(
    fc.integer({ min, max }),
    fc
      .double({ min, max, noNaN: true, noDefaultInfinity: true })
      .map((x) => (x < 2 ** -1022 ? Math.max(min, 0) : x)),
  );

const kinds: BackoffKind[] = ['exponential', 'linear', 'constant'];
const jitters: Jitter[] = ['none', 'full', 'equal', 'decorrelated', 'proportional'];

const policyArb = (jitter: fc.Arbitrary<Jitter> = fc.constantFrom(...jitters)): fc.Arbitrary<BackoffPolicy> =>
  fc.record({
    kind: fc.constantFrom(...kinds),
    base: ms(0, 60_000),
    factor: fc.oneof(fc.integer({ min: 1, max: 10 }), fc.double({ min: 1, max: 10, noNaN: true })),
    increment: ms(0, 60_000),
    maxDelay: ms(0, 600_000),
    jitter,
    jitterRatio: fc.double({ min: 0, max: 1, noNaN: true }),
  });

const attemptArb = fc.integer({ min: 1, max: 200 });
/** The caller's draw: [0, 1). */
const rArb = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });
const previousArb = ms(0, 600_000);

/** The capped, unjittered delay the jitter is applied to (NaN, e.g. 0·Infinity, counts as 0). */
function capped(policy: BackoffPolicy, n: number): number {
  const raw = baseDelay(policy, n);
  const d = Math.min(policy.maxDelay, raw);
  return Number.isNaN(d) ? 0 : d;
}

describe('backoffDelay (properties)', () => {
  it('is finite, >= 0 and never above maxDelay, for every policy, attempt, draw and previous delay', () => {
    fc.assert(
      fc.property(policyArb(), attemptArb, rArb, previousArb, (policy, n, r, previous) => {
        const delay = backoffDelay(policy, n, r, previous);
        expect(Number.isFinite(delay)).toBe(true);
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThanOrEqual(policy.maxDelay);
      }),
      { numRuns: SYNC_RUNS * 2 },
    );
  });

  it('keeps each jitter within its documented range around the capped delay d', () => {
    fc.assert(
      fc.property(policyArb(), attemptArb, rArb, previousArb, (policy, n, r, previous) => {
        const delay = backoffDelay(policy, n, r, previous);
        const d = capped(policy, n);
        const { maxDelay, base, jitterRatio } = policy;
        switch (policy.jitter) {
          case 'none':
            expect(delay).toBe(d);
            break;
          case 'full':
            expect(delay).toBeGreaterThanOrEqual(0);
            expect(delay).toBeLessThanOrEqual(d);
            break;
          case 'equal':
            expect(delay).toBeGreaterThanOrEqual(d / 2);
            expect(delay).toBeLessThanOrEqual(d);
            break;
          case 'proportional':
            expect(delay).toBeGreaterThanOrEqual(d * (1 - jitterRatio));
            expect(delay).toBeLessThanOrEqual(Math.min(maxDelay, d * (1 + jitterRatio)));
            break;
          case 'decorrelated':
            // Uniform in [base, 3·max(base, previous)] cut at the cap; it does not look at n or d.
            expect(delay).toBeGreaterThanOrEqual(Math.min(maxDelay, base));
            expect(delay).toBeLessThanOrEqual(Math.min(maxDelay, 3 * Math.max(base, previous)));
            break;
        }
      }),
      { numRuns: SYNC_RUNS * 2 },
    );
  });

  it('maps the draw monotonically: a larger r never gives a shorter delay', () => {
    fc.assert(
      fc.property(policyArb(), attemptArb, rArb, rArb, previousArb, (policy, n, r1, r2, previous) => {
        const [lo, hi] = r1 <= r2 ? [r1, r2] : [r2, r1];
        expect(backoffDelay(policy, n, lo, previous)).toBeLessThanOrEqual(backoffDelay(policy, n, hi, previous));
      }),
      { numRuns: SYNC_RUNS },
    );
  });

  it('without jitter, exponential delays are min(maxDelay, base·factor^(n-1)) and non-decreasing in n', () => {
    fc.assert(
      fc.property(policyArb(fc.constant('none')), attemptArb, rArb, previousArb, (p, n, r, previous) => {
        const policy: BackoffPolicy = { ...p, kind: 'exponential' };
        const delay = backoffDelay(policy, n, r, previous);
        expect(delay).toBe(Math.min(policy.maxDelay, policy.base * policy.factor ** (n - 1)));
        expect(backoffDelay(policy, n + 1, r, previous)).toBeGreaterThanOrEqual(delay);
        if (n > 1) expect(backoffDelay(policy, n - 1, r, previous)).toBeLessThanOrEqual(delay);
      }),
      { numRuns: SYNC_RUNS },
    );
  });

  it('without jitter, linear and constant delays follow their formulas, capped', () => {
    fc.assert(
      fc.property(policyArb(fc.constant('none')), attemptArb, rArb, (policy, n, r) => {
        const expected =
          policy.kind === 'exponential'
            ? policy.base * policy.factor ** (n - 1)
            : policy.kind === 'linear'
              ? policy.base + policy.increment * (n - 1)
              : policy.base;
        expect(backoffDelay(policy, n, r, 0)).toBe(Math.min(policy.maxDelay, expected));
        if (policy.kind !== 'exponential') {
          expect(backoffDelay(policy, n + 1, r, 0)).toBeGreaterThanOrEqual(backoffDelay(policy, n, r, 0));
        }
      }),
      { numRuns: SYNC_RUNS },
    );
  });

  it("reproduces the seed's examples", () => {
    const exp: BackoffPolicy = { ...defaultBackoffPolicy, jitter: 'none', maxDelay: 30_000 };
    expect([1, 2, 3, 4, 5, 6, 10].map((n) => backoffDelay(exp, n, 0.5, 0))).toEqual([
      1000, 2000, 4000, 8000, 16000, 30000, 30000,
    ]);
    const lin: BackoffPolicy = { ...exp, kind: 'linear', increment: 2000 };
    expect([1, 2, 3].map((n) => backoffDelay(lin, n, 0.5, 0))).toEqual([1000, 3000, 5000]);
    expect(backoffDelay({ ...exp, kind: 'constant' }, 7, 0.5, 0)).toBe(1000);
    // The JSDoc examples.
    expect(baseDelay({ ...defaultBackoffPolicy, base: 1000 }, 3)).toBe(4000);
    expect(backoffDelay({ ...defaultBackoffPolicy, jitter: 'none' }, 10, 0, 0)).toBe(30000);
  });

  it('does not turn 0·Infinity into NaN (base 0 after overflowing attempts)', () => {
    const policy: BackoffPolicy = { ...defaultBackoffPolicy, base: 0, factor: 10, jitter: 'none' };
    for (const jitter of jitters) {
      const delay = backoffDelay({ ...policy, jitter }, 400, 0.5, 0);
      expect(Number.isNaN(delay)).toBe(false);
      expect(delay).toBe(0);
    }
  });

  it('spreads full jitter after the cap: capped clients with different draws do not retry in lockstep', () => {
    const cappedPolicyArb = fc
      .record({
        kind: fc.constantFrom<BackoffKind>('exponential', 'linear'),
        base: ms(1, 60_000),
        factor: fc.double({ min: 1.5, max: 10, noNaN: true }),
        increment: ms(1, 60_000),
        maxDelay: ms(1, 600_000),
      })
      .map((p): BackoffPolicy => ({ ...p, jitter: 'full', jitterRatio: 0.5 }));
    fc.assert(
      fc.property(
        cappedPolicyArb,
        fc.integer({ min: 0, max: 50 }),
        rArb,
        rArb,
        previousArb,
        (policy, extra, r1, r2, previous) => {
          // The first attempt whose base delay is above the cap, plus some more.
          let n = 1;
          while (baseDelay(policy, n) <= policy.maxDelay) n++;
          n += extra;
          expect(capped(policy, n)).toBe(policy.maxDelay);
          const d1 = backoffDelay(policy, n, r1, previous);
          const d2 = backoffDelay(policy, n, r2, previous);
          // Different draws give different delays, spread over the whole [0, maxDelay].
          if (Math.abs(r1 - r2) > 1e-9) expect(d1).not.toBe(d2);
          expect(Math.abs(d1 - d2)).toBeCloseTo(Math.abs(r1 - r2) * policy.maxDelay, 6);
        },
      ),
      { numRuns: SYNC_RUNS },
    );
  });

  it('spreads a crowd of capped clients (distinct seeds) over distinct delays with full or equal jitter', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<Jitter>('full', 'equal'),
        fc.integer({ min: 1000, max: 600_000 }),
        fc.integer({ min: 0, max: 2 ** 31 - 200 }),
        (jitter, maxDelay, firstSeed) => {
          const policy: BackoffPolicy = { ...defaultBackoffPolicy, jitter, maxDelay };
          const delays = new Set<number>();
          for (let client = 0; client < 100; client++) {
            const [r] = nextRandom(firstSeed + client);
            delays.add(backoffDelay(policy, 60, r, maxDelay));
          }
          expect(delays.size).toBeGreaterThanOrEqual(95);
        },
      ),
      { numRuns: 50 },
    );
  });
});
