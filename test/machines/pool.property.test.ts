/**
 * Model-based property test of ConnectionPool (fast-check `fc.commands`):
 * random schedules of acquire (with and without a signal or a per-call
 * timeout), release, destroy, abort, a server kill (every resource dies),
 * factory failures and clock advances, on zero-cost resources and a simulated
 * clock (deterministic; the same paths against real sockets are in
 * test/pool/websocket.test.ts). After every command:
 * - never more than maxSize live resources, and the stats add up;
 * - nothing is leased twice, and nothing dead is handed out;
 * - no acquire is still pending past its deadline; an aborted one resolved null;
 * - the pending count is the number of callers still waiting, and none waits while one is idle.
 * At the end `stop()` resolves and every resource is closed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { eventsOf, fakePool, settle, type FakePool, type FakeResource } from '../pool/fakePool.js';

const RUNS = process.env.STATEWIRE_MUTATION ? 10 : 100;
const MAX = 2;
const TIMEOUT = 2_000;

interface Call {
  started: number;
  deadline: number;
  controller: AbortController | undefined;
  aborted: boolean;
  result: FakeResource | null | undefined;
}

interface Real {
  p: FakePool;
  calls: Call[];
  held: FakeResource[];
}

type Model = Record<string, never>;

async function check(real: Real): Promise<void> {
  await settle();
  const { p, calls, held } = real;
  const now = p.clock.now();
  const live = p.made.filter((r) => !r.closed);
  expect(live.length).toBeLessThanOrEqual(MAX);
  const stats = p.pool.getStats();
  expect(stats.size).toBeLessThanOrEqual(MAX);
  expect(stats.leased + stats.available).toBeLessThanOrEqual(stats.size);
  expect(stats.size + stats.creating).toBeLessThanOrEqual(MAX);
  expect(new Set(held).size).toBe(held.length);
  expect(stats.leased).toBe(held.length);
  for (const c of calls) {
    if (c.aborted) expect(c.result).toBeNull();
    if (c.deadline <= now) expect(c.result, `an acquire started at ${c.started} still pending at ${now}`).not.toBeUndefined();
  }
  expect(stats.pending).toBe(calls.filter((c) => c.result === undefined).length);
  // Nobody waits while a connection sits idle.
  if (stats.pending > 0) expect(stats.available).toBe(0);
}

class Acquire implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly withSignal: boolean,
    readonly timeout: number | undefined,
  ) {}
  check = () => true;
  async run(_m: Model, real: Real): Promise<void> {
    const timeout = this.timeout ?? TIMEOUT;
    const controller = this.withSignal ? new AbortController() : undefined;
    const call: Call = { started: real.p.clock.now(), deadline: real.p.clock.now() + timeout, controller, aborted: false, result: undefined };
    real.calls.push(call);
    void real.p.pool.acquire({ ...(controller ? { signal: controller.signal } : {}), ...(this.timeout === undefined ? {} : { timeout: this.timeout / 1000 }) }).then((r) => {
      call.result = r;
      if (r !== null) {
        // Handed out alive, and to nobody else.
        expect(r.open && !r.closed).toBe(true);
        expect(real.held).not.toContain(r);
        real.held.push(r);
      }
    });
    await check(real);
  }
  toString = () => `acquire(${this.withSignal ? 'signal' : ''}${this.timeout === undefined ? '' : ` ${this.timeout} ms`})`;
}

class Release implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly pick: number,
    readonly destroy: boolean,
  ) {}
  check = () => true;
  async run(_m: Model, real: Real): Promise<void> {
    if (real.held.length === 0) return;
    const [r] = real.held.splice(this.pick % real.held.length, 1);
    const waiting = real.p.pool.getStats().pending > 0;
    const settled = this.destroy ? real.p.pool.destroy(r!) : real.p.pool.release(r!);
    // A second release of the same resource is refused and changes nothing (unless a waiter leased it again).
    if (!waiting) await expect(real.p.pool.release(r!)).rejects.toThrow();
    void settled;
    await check(real);
  }
  toString = () => `${this.destroy ? 'destroy' : 'release'}(#${this.pick})`;
}

class Abort implements fc.AsyncCommand<Model, Real> {
  constructor(readonly pick: number) {}
  check = () => true;
  async run(_m: Model, real: Real): Promise<void> {
    const waiting = real.calls.filter((c) => c.controller && c.result === undefined);
    if (waiting.length === 0) return;
    const c = waiting[this.pick % waiting.length]!;
    c.aborted = true;
    c.controller!.abort();
    await check(real);
  }
  toString = () => `abort(#${this.pick})`;
}

class Kill implements fc.AsyncCommand<Model, Real> {
  check = () => true;
  async run(_m: Model, real: Real): Promise<void> {
    for (const r of real.p.made) r.open = false;
    await check(real);
  }
  toString = () => 'kill the server (every resource dies)';
}

class Failing implements fc.AsyncCommand<Model, Real> {
  constructor(readonly value: boolean) {}
  check = () => true;
  async run(_m: Model, real: Real): Promise<void> {
    real.p.failing.value = this.value;
    await check(real);
  }
  toString = () => `factory ${this.value ? 'fails' : 'works'}`;
}

class Advance implements fc.AsyncCommand<Model, Real> {
  constructor(readonly ms: number) {}
  check = () => true;
  async run(_m: Model, real: Real): Promise<void> {
    await real.p.advance(this.ms, 100);
    await check(real);
  }
  toString = () => `advance ${this.ms} ms`;
}

const acquire = fc.tuple(fc.boolean(), fc.option(fc.constantFrom(0, 300, 1_500), { nil: undefined })).map(([s, t]) => new Acquire(s, t));
const release = fc.tuple(fc.nat(10), fc.boolean()).map(([i, d]) => new Release(i, d));
// Acquire and release twice as often as the rest: the pool is mostly busy, sometimes full.
const commands = [
  acquire,
  acquire,
  release,
  release,
  fc.nat(10).map((i) => new Abort(i)),
  fc.constant(new Kill()),
  fc.boolean().map((v) => new Failing(v)),
  fc.constantFrom(100, 500, 2_000, 5_000).map((ms) => new Advance(ms)),
];

describe('ConnectionPool: model-based property', () => {
  it('random schedules keep the invariants, and stop() always ends it', async () => {
    await fc.assert(
      fc.asyncProperty(fc.commands(commands, { maxCommands: 60 }), async (cmds) => {
        const p = fakePool({ maxSize: MAX, minSize: 1, acquireTimeout: TIMEOUT / 1000, createRetryDelay: 0.2, maxCreateRetryDelay: 2, maxIdleTime: 3, cleanupInterval: 2, healthCheckInterval: 4 });
        const real: Real = { p, calls: [], held: [] };
        await p.pool.start();
        try {
          await fc.asyncModelRun(() => ({ model: {}, real }), cmds);
          // Everyone who waited past the deadline got an answer; give back what is held.
          await p.advance(TIMEOUT, 100);
          await check(real);
          for (const r of real.held.splice(0)) await p.pool.release(r).catch(() => {});
        } finally {
          const stopped = p.pool.stop({ deadline: 1 });
          await p.advance(1_000, 100);
          await stopped;
        }
        expect(p.made.every((r) => r.closed)).toBe(true);
        expect(p.pool.getStats()).toMatchObject({ size: 0, leased: 0, pending: 0 });
        expect(eventsOf(p.events, 'error')).toEqual([]);
      }),
      { numRuns: RUNS },
    );
  });
});
