import { describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import { PendingWaits } from '../../src/runtime/PendingWaits.js';

describe('PendingWaits', () => {
  describe('wait', () => {
    it('resolves after the time has passed on the clock', async () => {
      const clock = new SimulatedClock();
      const waits = new PendingWaits(clock);
      let done = false;
      const waiting = waits.wait(100).then(() => (done = true));
      clock.increment(99);
      await Promise.resolve();
      expect(done).toBe(false);
      clock.increment(1);
      await waiting;
      expect(waits.size).toBe(0);
    });

    it('rejects at once with the signal`s reason, before or during the wait', async () => {
      const waits = new PendingWaits(new SimulatedClock());
      await expect(waits.wait(10, AbortSignal.abort(new Error('early')))).rejects.toThrow('early');
      const controller = new AbortController();
      const waiting = waits.wait(10_000, controller.signal);
      controller.abort(new Error('late'));
      await expect(waiting).rejects.toThrow('late');
      expect(waits.size).toBe(0);
    });
  });

  describe('cancelAll', () => {
    it('rejects every pending wait', async () => {
      const waits = new PendingWaits(new SimulatedClock());
      const all = [waits.wait(1), waits.wait(2)].map((p) => p.catch((e: Error) => e.message));
      waits.cancelAll(new Error('disposed'));
      expect(await Promise.all(all)).toEqual(['disposed', 'disposed']);
    });
  });
});
