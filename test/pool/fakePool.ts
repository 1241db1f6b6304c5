/**
 * Zero-cost resources for pool tests on a simulated clock: each resource is a
 * plain object the test can mark dead; the factory counts its calls and can be
 * told to fail.
 */
import { SimulatedClock } from 'xstate';
import { setImmediate as tick } from 'node:timers/promises';
import { ConnectionPool, type ConnectionPoolOptions, type PoolEventMap } from '../../src/index.js';

export interface FakeResource {
  id: number;
  open: boolean;
  closed: boolean;
}

export interface FakePool {
  pool: ConnectionPool<FakeResource>;
  clock: SimulatedClock;
  made: FakeResource[];
  calls: () => number;
  /** Factory failures from now on: true fails every create. */
  failing: { value: boolean };
  events: Array<[keyof PoolEventMap, unknown]>;
  /** Advances the simulated clock by `ms` in steps of `step` ms, letting promises settle after each. */
  advance(ms: number, step?: number): Promise<void>;
}

/** Lets the microtasks and the pool's per-turn flush run. */
export async function settle(turns = 3): Promise<void> {
  for (let i = 0; i < turns; i++) await tick();
}

const EVENTS: Array<keyof PoolEventMap> = ['created', 'create_failed', 'validation_failed', 'evicted', 'destroyed', 'lease_expired', 'pool_full', 'acquire_timeout', 'drain_forced', 'error'];

export function fakePool(options: ConnectionPoolOptions<FakeResource> = {}): FakePool {
  const clock = new SimulatedClock();
  const made: FakeResource[] = [];
  const failing = { value: false };
  let calls = 0;
  const pool = new ConnectionPool<FakeResource>(
    { validate: (r) => r.open, destroy: (r) => void (r.closed = true), ...options, clock },
    () => {
      calls++;
      if (failing.value) throw new Error('server down');
      const r = { id: made.length + 1, open: true, closed: false };
      made.push(r);
      return r;
    },
  );
  const events: Array<[keyof PoolEventMap, unknown]> = [];
  for (const e of EVENTS) pool.on(e, (payload: unknown) => events.push([e, payload]));
  return {
    pool,
    clock,
    made,
    calls: () => calls,
    failing,
    events,
    async advance(ms, step = ms) {
      for (let done = 0; done < ms; done += step) {
        clock.increment(Math.min(step, ms - done));
        await settle();
      }
    },
  };
}

/** The events named `type`, payloads only. */
export const eventsOf = <E extends keyof PoolEventMap>(events: Array<[keyof PoolEventMap, unknown]>, type: E): Array<PoolEventMap[E]> =>
  events.filter(([t]) => t === type).map(([, p]) => p as PoolEventMap[E]);
