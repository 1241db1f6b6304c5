import { describe, expect, it } from 'vitest';
import { RollingWindow } from '../../src/breaker/RollingWindow.js';

describe('RollingWindow', () => {
  describe('record', () => {
    it('counts calls and failures', () => {
      const w = new RollingWindow(1_000, 10);
      w.record(0, false);
      w.record(50, true);
      w.record(999, true);
      expect(w.toJSON()).toEqual({ windowMs: 1_000, calls: 3, failures: 2 });
    });
  });

  describe('advance', () => {
    it('drops slices as they leave the window, one bucket at a time', () => {
      const w = new RollingWindow(1_000, 10);
      w.record(0, true); // slice 0
      w.record(500, true); // slice 5
      w.advance(1_050); // slice 0 has left
      expect([w.calls, w.failures]).toEqual([1, 1]);
      w.advance(1_550); // slice 5 has left
      expect([w.calls, w.failures]).toEqual([0, 0]);
    });

    it('forgets everything after a gap longer than the window', () => {
      const w = new RollingWindow(1_000, 10);
      for (let t = 0; t < 1_000; t += 10) w.record(t, t % 20 === 0);
      w.advance(10_000);
      expect([w.calls, w.failures]).toEqual([0, 0]);
      w.record(10_001, true);
      expect([w.calls, w.failures]).toEqual([1, 1]);
    });

    it('tolerates a clock that steps back', () => {
      const w = new RollingWindow(1_000, 10);
      w.record(5_000, true);
      w.record(4_000, false);
      expect([w.calls, w.failures]).toEqual([2, 1]);
    });
  });

  describe('reset', () => {
    it('zeroes the counts', () => {
      const w = new RollingWindow(1_000);
      w.record(0, true);
      w.reset();
      expect(w.toJSON()).toEqual({ windowMs: 1_000, calls: 0, failures: 0 });
    });
  });
});
