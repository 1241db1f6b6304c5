/**
 * The health sweep's schedule on a fake clock: one round per interval, spread
 * over it in slices, each connection checked once, nothing after stop().
 */
import { describe, expect, it } from 'vitest';
import { HealthSweep, type SweepTarget } from '../../src/manager/HealthSweep.js';
import { MIN_SLICE_MS, sweepSchedule } from '../../src/manager/sweepSchedule.js';
import type { Clock } from '../../src/runtime/clock.js';

/** A clock whose timers run only when the test advances it. */
function manualClock() {
  let now = 0;
  let timers: Array<{ at: number; fn: () => void; id: number }> = [];
  let next = 1;
  const clock: Clock = {
    now: () => now,
    setTimeout: (fn, ms) => {
      const id = next++;
      timers.push({ at: now + ms, fn: fn as () => void, id });
      return id;
    },
    clearTimeout: (id) => void (timers = timers.filter((t) => t.id !== id)),
  };
  const advance = async (ms: number) => {
    const until = now + ms;
    for (;;) {
      const due = timers.filter((t) => t.at <= until).sort((a, b) => a.at - b.at)[0];
      if (due === undefined) break;
      timers = timers.filter((t) => t !== due);
      now = due.at;
      due.fn();
      await Promise.resolve();
      await Promise.resolve();
    }
    now = until;
  };
  return { clock, advance, pending: () => timers.length };
}

function targets(n: number, { failing = new Set<number>(), off = new Set<number>() } = {}) {
  const checks: Array<{ index: number; at: number }> = [];
  let clockNow = () => 0;
  const list: SweepTarget[] = Array.from({ length: n }, (_, index) => ({
    get checkable() {
      return !off.has(index);
    },
    check: async () => {
      checks.push({ index, at: clockNow() });
      return !failing.has(index);
    },
  }));
  return { list, checks, setClock: (now: () => number) => (clockNow = now) };
}

describe('sweepSchedule', () => {
  it('spreads a round over the interval: slices of at least 100 ms, every connection once', () => {
    expect(sweepSchedule(10_000, 30_000)).toEqual({ every: 30_000 / 295, batch: 34 }); // 295 slices of 34, ~101.7 ms apart
    expect(30_000 / 295).toBeGreaterThanOrEqual(MIN_SLICE_MS);
    expect(sweepSchedule(3, 30_000)).toEqual({ every: 10_000, batch: 1 });
    expect(sweepSchedule(300, 30_000)).toEqual({ every: 100, batch: 1 });
    expect(sweepSchedule(0, 5_000)).toEqual({ every: 5_000, batch: 0 });
    expect(sweepSchedule(10, 50)).toEqual({ every: 50, batch: 10 }); // an interval under a slice: one slice
    for (const [n, interval] of [[10_000, 30_000], [7, 1000], [1234, 60_000]] as const) {
      const { every, batch } = sweepSchedule(n, interval);
      expect(Math.ceil(n / batch) * every).toBeCloseTo(interval, 6); // a round takes the interval
      expect(every).toBeGreaterThanOrEqual(Math.min(MIN_SLICE_MS, interval));
    }
  });
});

describe('HealthSweep', () => {
  it('checks each connection once per round, staggered; reports the round; begins the next', async () => {
    const { clock, advance } = manualClock();
    const t = targets(10, { failing: new Set([3]) });
    t.setClock(clock.now);
    const rounds: Array<[number, number]> = [];
    const sweep = new HealthSweep(clock, 1000, () => t.list, (checked, failed) => rounds.push([checked, failed]));
    sweep.start();
    await advance(99);
    expect(t.checks).toEqual([]);
    await advance(1);
    expect(t.checks).toEqual([{ index: 0, at: 100 }]);
    await advance(900);
    expect(t.checks.map((c) => c.at)).toEqual([100, 200, 300, 400, 500, 600, 700, 800, 900, 1000]);
    expect(t.checks.map((c) => c.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(rounds).toEqual([[10, 1]]);
    await advance(1000);
    expect(t.checks.length).toBe(20);
    expect(rounds).toEqual([[10, 1], [10, 1]]);
    sweep.stop();
  });

  it('skips connections that cannot be checked; a round with none still ends; stop() leaves no timer', async () => {
    const { clock, advance, pending } = manualClock();
    const t = targets(4, { off: new Set([0, 2]) });
    const rounds: Array<[number, number]> = [];
    const sweep = new HealthSweep(clock, 400, () => t.list, (checked, failed) => rounds.push([checked, failed]));
    sweep.start();
    await advance(400);
    expect(t.checks.map((c) => c.index)).toEqual([1, 3]);
    expect(rounds).toEqual([[2, 0]]);
    sweep.stop();
    expect(pending()).toBe(0);
    await advance(5000);
    expect(t.checks.length).toBe(2);
    const empty = new HealthSweep(clock, 300, () => [], (checked, failed) => rounds.push([checked, failed]));
    empty.start();
    await advance(300);
    expect(rounds).toEqual([[2, 0], [0, 0]]);
    empty.stop();
  });

  it('a round ends only once its slow checks settle', async () => {
    const { clock, advance } = manualClock();
    let settle!: (ok: boolean) => void;
    const slow: SweepTarget = { checkable: true, check: () => new Promise<boolean>((r) => (settle = r)) };
    const rounds: Array<[number, number]> = [];
    const sweep = new HealthSweep(clock, 200, () => [slow], (checked, failed) => rounds.push([checked, failed]));
    sweep.start();
    await advance(1000);
    expect(rounds).toEqual([]);
    settle(false);
    await advance(200);
    expect(rounds).toEqual([[1, 1]]);
    sweep.stop();
  });

  it('a hanging check delays no other connection: the next rounds begin on time and skip it until it settles', async () => {
    const { clock, advance } = manualClock();
    let release!: (ok: boolean) => void;
    let hanging = false;
    const hangs: SweepTarget = {
      get checkable() {
        return !hanging;
      },
      check: () => ((hanging = true), new Promise<boolean>((r) => (release = (ok) => ((hanging = false), r(ok))))),
    };
    let fastChecks = 0;
    const fast: SweepTarget = { checkable: true, check: async () => (fastChecks++, true) };
    const rounds: Array<[number, number]> = [];
    const sweep = new HealthSweep(clock, 200, () => [hangs, fast], (checked, failed) => rounds.push([checked, failed]));
    sweep.start();
    await advance(1000);
    expect(fastChecks).toBe(5);
    // The first round waits for its hanging check; the four after it (fast only) are reported.
    expect(rounds).toEqual([[1, 0], [1, 0], [1, 0], [1, 0]]);
    release(false);
    await advance(0);
    expect(rounds).toContainEqual([2, 1]);
    sweep.stop();
  });
});
