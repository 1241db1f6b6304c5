/** The machines' pure helpers against independent references and hand-computed values. */
import { describe, expect, it } from 'vitest';
import { backoffDelay, defaultBackoffPolicy, type BackoffPolicy } from '../../machines/backoffDelay.js';
import { definedOnly } from '../../machines/definedOnly.js';
import { nextRandom } from '../../machines/random.js';

/** mulberry32 as published (Tommy Ettinger), one step: the reference nextRandom must match. */
function mulberry32(seed: number): [number, number] {
  const a = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(a ^ (a >>> 15), 1 | a);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return [((t ^ (t >>> 14)) >>> 0) / 4294967296, a];
}

describe('nextRandom', () => {
  it('is mulberry32: the same values and next seeds as the published algorithm', () => {
    for (const seed of [0, 1, 2, 42, 123_456_789, -7, 2 ** 31 - 1, -(2 ** 31)]) {
      expect(nextRandom(seed)).toEqual(mulberry32(seed));
    }
    let seed = 1;
    const draws: number[] = [];
    for (let i = 0; i < 1_000; i++) {
      const [r, next] = nextRandom(seed);
      draws.push(r);
      seed = next;
    }
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...draws)).toBeLessThan(1);
  });
});

describe('definedOnly', () => {
  it('drops undefined properties and keeps every other value, falsy ones too', () => {
    const out = definedOnly({ a: undefined, b: 0, c: null, d: '', e: false, f: 1 });
    expect(out).toStrictEqual({ b: 0, c: null, d: '', e: false, f: 1 });
    expect(Object.keys(out)).toEqual(['b', 'c', 'd', 'e', 'f']);
  });
});

describe('backoffDelay: hand-computed values', () => {
  it('the default policy: exponential from 1 s, doubling, 30 s cap, full jitter, ratio 0.5', () => {
    expect(defaultBackoffPolicy).toStrictEqual({
      kind: 'exponential',
      base: 1000,
      factor: 2,
      increment: 1000,
      maxDelay: 30_000,
      jitter: 'full',
      jitterRatio: 0.5,
    });
  });

  const policy = (over: Partial<BackoffPolicy>): BackoffPolicy => ({ ...defaultBackoffPolicy, ...over });

  it('proportional: uniform in d·(1 ± ratio), cut at the cap', () => {
    const p = policy({ jitter: 'proportional', base: 1_000, maxDelay: 10_000, jitterRatio: 0.5 });
    // n = 1: d = 1000, range [500, 1500]
    expect(backoffDelay(p, 1, 0, 0)).toBe(500);
    expect(backoffDelay(p, 1, 0.5, 0)).toBe(1_000);
    expect(backoffDelay(p, 1, 0.75, 0)).toBe(1_250);
    // n = 4: d = 8000, range [4000, 12000] cut at 10000 → [4000, 10000]
    expect(backoffDelay(p, 4, 0, 0)).toBe(4_000);
    expect(backoffDelay(p, 4, 0.5, 0)).toBe(7_000);
    // At the cap (d = 10000): [5000, 10000], spread, never clamped onto maxDelay.
    expect(backoffDelay(p, 9, 0.5, 0)).toBe(7_500);
    // ratio 0.2: [800, 1200]
    expect(backoffDelay({ ...p, jitterRatio: 0.2 }, 1, 0.25, 0)).toBe(900);
    // A cap below base: d is the cap (300), the range [150, 300].
    expect(backoffDelay({ ...p, maxDelay: 300 }, 1, 0.5, 0)).toBe(225);
  });

  it('equal, full, decorrelated and none at a few points', () => {
    const p = policy({ base: 100, maxDelay: 1_000 });
    expect(backoffDelay({ ...p, jitter: 'none' }, 3, 0.9, 0)).toBe(400);
    expect(backoffDelay({ ...p, jitter: 'full' }, 3, 0.25, 0)).toBe(100);
    expect(backoffDelay({ ...p, jitter: 'equal' }, 3, 0.5, 0)).toBe(300);
    // decorrelated: [base, 3·max(base, previous)] = [100, 600]
    expect(backoffDelay({ ...p, jitter: 'decorrelated' }, 3, 0.5, 200)).toBe(350);
    expect(backoffDelay({ ...p, jitter: 'none', kind: 'linear', increment: 50 }, 3, 0, 0)).toBe(200);
    expect(backoffDelay({ ...p, jitter: 'none', kind: 'constant' }, 9, 0, 0)).toBe(100);
    expect(backoffDelay({ ...p, jitter: 'none' }, 20, 0, 0)).toBe(1_000);
  });
});
