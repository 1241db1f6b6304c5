import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { SimulatedClock } from 'xstate';
import { RateLimiter } from '../../src/rateLimiter/RateLimiter.js';

describe('RateLimiter (properties)', () => {
  it('grants at most burstCapacity + tokensPerSecond·t/1000 takes in any interval of length t', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.5, max: 500, noNaN: true }),
        fc.integer({ min: 1, max: 50 }),
        fc.array(fc.integer({ min: 0, max: 200 }), { minLength: 1, maxLength: 300 }),
        (rate, burst, gaps) => {
          const clock = new SimulatedClock();
          const limiter = new RateLimiter({ limits: { api: { tokensPerSecond: rate, burstCapacity: burst } }, clock });
          const granted: number[] = [];
          for (const gap of gaps) {
            clock.increment(gap);
            if (limiter.take('api') === 0) granted.push(clock.now());
          }
          for (let i = 0; i < granted.length; i++) {
            for (let j = i; j < granted.length; j++) {
              const t = granted[j]! - granted[i]!;
              expect(j - i + 1).toBeLessThanOrEqual(burst + (rate * t) / 1000 + 1e-9);
            }
          }
          const stats = limiter.getStats();
          expect(stats.totalRequests).toBe(gaps.length);
          expect(stats.rateLimited).toBe(gaps.length - granted.length);
          limiter.dispose();
        },
      ),
      { numRuns: 100 },
    );
  });
});
