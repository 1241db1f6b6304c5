import { describe, expect, it } from 'vitest';
import { LatencyRecorder } from '../../src/metrics/LatencyRecorder.js';
import { ConfigError } from '../../src/errors.js';

const filled = (samples: number[], capacity?: number) => {
  const r = new LatencyRecorder(capacity);
  for (const s of samples) r.record(s);
  return r;
};

describe('LatencyRecorder', () => {
  describe('constructor', () => {
    it('holds 1024 samples by default', () => {
      expect(new LatencyRecorder().capacity).toBe(1024);
      expect(new LatencyRecorder(8).capacity).toBe(8);
    });

    it('refuses a capacity that is not a positive integer', () => {
      for (const bad of [0, -1, 1.5, Number.NaN, 2 ** 21]) {
        expect(() => new LatencyRecorder(bad)).toThrow(ConfigError);
      }
      expect(() => new LatencyRecorder(0)).toThrow('LatencyRecorder: invalid option "capacity"');
    });
  });

  describe('percentile', () => {
    it('is 0 when empty', () => {
      const r = new LatencyRecorder();
      expect([r.percentile(0), r.percentile(50), r.percentile(100)]).toEqual([0, 0, 0]);
    });

    it('uses nearest rank on the sorted samples', () => {
      // Arrival order differs from sorted order on purpose.
      const r = filled([40, 10, 30, 20]);
      expect(r.percentile(0)).toBe(10);
      expect(r.percentile(25)).toBe(10);
      expect(r.percentile(26)).toBe(20);
      expect(r.percentile(50)).toBe(20);
      expect(r.percentile(75)).toBe(30);
      expect(r.percentile(99)).toBe(40);
      expect(r.percentile(100)).toBe(40);
    });

    it('matches the textbook nearest-rank values on 1..100', () => {
      const r = filled(Array.from({ length: 100 }, (_, i) => 100 - i));
      expect([r.percentile(50), r.percentile(95), r.percentile(99), r.percentile(1)]).toEqual([50, 95, 99, 1]);
    });

    it('sees only the last `capacity` samples once the ring wraps', () => {
      const r = filled([1000, 1000, 1000, 1, 2, 3, 4], 4);
      expect(r.percentile(0)).toBe(1);
      expect(r.percentile(100)).toBe(4);
      r.record(0.5); // overwrites 1
      expect([r.percentile(0), r.percentile(100)]).toEqual([0.5, 4]);
    });

    it('reflects samples recorded after an earlier call', () => {
      const r = filled([10]);
      expect(r.percentile(100)).toBe(10);
      r.record(99);
      expect(r.percentile(100)).toBe(99);
    });

    it('refuses p outside 0..100', () => {
      const r = filled([1]);
      for (const p of [-1, 100.5, Number.NaN]) expect(() => r.percentile(p)).toThrow(RangeError);
    });
  });

  describe('record', () => {
    it('counts a negative duration as 0 and drops NaN and infinities', () => {
      const r = filled([-5, Number.NaN, Infinity, -Infinity, 10]);
      expect(r.count).toBe(2);
      expect(r.percentile(0)).toBe(0);
      expect(r.mean).toBe(5);
    });
  });

  describe('mean and count', () => {
    it('cover every sample ever, not only the ones held', () => {
      const r = filled([100, 100, 1, 1], 2);
      expect(r.count).toBe(4);
      expect(r.mean).toBe(50.5);
      expect(r.percentile(100)).toBe(1); // the window itself only holds the last two
    });

    it('are 0 when empty', () => {
      const r = new LatencyRecorder();
      expect([r.mean, r.count]).toEqual([0, 0]);
    });
  });

  describe('reset', () => {
    it('forgets every sample and starts over', () => {
      const r = filled([5, 6, 7], 2);
      r.reset();
      expect([r.count, r.mean, r.percentile(50)]).toEqual([0, 0, 0]);
      r.record(3);
      expect([r.count, r.mean, r.percentile(0), r.percentile(100)]).toEqual([1, 3, 3, 3]);
    });
  });
});
