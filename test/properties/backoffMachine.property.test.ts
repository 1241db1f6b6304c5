import { setImmediate as tick } from 'node:timers/promises';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createActor, fromPromise, SimulatedClock } from 'xstate';
import { backoffMachine, type AttemptInput, type BackoffContext, type BackoffInput } from '../../machines/backoff.js';
import { backoffDelay, type BackoffKind, type BackoffPolicy, type Jitter } from '../../machines/backoffDelay.js';
import { nextRandom } from '../../machines/random.js';

// Fewer runs under `npm run mutation`, which runs these once per mutant.
const ASYNC_RUNS = process.env.STATEWIRE_MUTATION ? 10 : 50;

/** A duration in [min, max] ms, whole or fractional (subnormals, see backoffDelay.property.test.ts, become 0). */
const ms = (min: number, max: number) =>
  fc.oneof(
    fc.integer({ min, max }),
    fc
      .double({ min, max, noNaN: true, noDefaultInfinity: true })
      .map((x) => (x < 2 ** -1022 ? Math.max(min, 0) : x)),
  );

const policyArb: fc.Arbitrary<BackoffPolicy> = fc.record({
  kind: fc.constantFrom<BackoffKind>('exponential', 'linear', 'constant'),
  base: ms(0, 60_000),
  factor: fc.oneof(fc.integer({ min: 1, max: 10 }), fc.double({ min: 1, max: 10, noNaN: true })),
  increment: ms(0, 60_000),
  maxDelay: ms(0, 600_000),
  jitter: fc.constantFrom<Jitter>('none', 'full', 'equal', 'decorrelated', 'proportional'),
  jitterRatio: fc.double({ min: 0, max: 1, noNaN: true }),
});
const seedArb = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });

/** What a failed attempt throws: a plain error, or one carrying a (valid or invalid) `retryAfter`. */
type Failure = { retryAfter?: unknown };
const failureArb: fc.Arbitrary<Failure> = fc.oneof(
  { weight: 3, arbitrary: fc.constant({}) },
  { weight: 3, arbitrary: ms(0, 1_000_000).map((retryAfter) => ({ retryAfter })) },
  {
    weight: 1,
    arbitrary: fc.constantFrom<unknown>(-1, Number.NaN, Number.POSITIVE_INFINITY, '5000', null).map((retryAfter) => ({
      retryAfter,
    })),
  },
);
const errorOf = (f: Failure) => Object.assign(new Error('refused'), f);
const validRetryAfter = (f: Failure): number | undefined =>
  typeof f.retryAfter === 'number' && f.retryAfter >= 0 && Number.isFinite(f.retryAfter) ? f.retryAfter : undefined;

/**
 * The waits the machine should schedule after each failure, computed independently:
 * a server delay is taken as is (capped, no draw); otherwise one seeded draw, attempt n,
 * and the previous wait feed `backoffDelay`.
 */
function expectedWaits(policy: BackoffPolicy, seed: number, failures: Failure[]) {
  let previous = 0;
  return failures.map((f, i) => {
    const given = validRetryAfter(f);
    let delay: number;
    if (given !== undefined) delay = Math.min(policy.maxDelay, given);
    else {
      const [r, next] = nextRandom(seed);
      seed = next;
      delay = backoffDelay(policy, i + 1, r, previous);
    }
    previous = delay;
    return { delay, serverDelay: given !== undefined };
  });
}

/**
 * Advances the clock from `clock.now()` to the first instant the machine's `after` timer,
 * armed at `start` for `ms`, is due. xstate fires it when `now - start >= ms`; with
 * fractional delays `(start + ms) - start` can round just below `ms`, so nudge by ulps.
 */
function incrementUntilDue(clock: SimulatedClock, start: number, ms: number): void {
  let step = Math.max(0, start + ms - clock.now());
  while (clock.now() + step - start < ms) {
    step += Math.max(Number.MIN_VALUE, Number.EPSILON * Math.abs(clock.now() + step));
  }
  clock.increment(step);
}

/** A started backoff actor on a simulated clock, whose attempt actor answers `behave(call)`. */
async function start(input: BackoffInput, behave: (call: number) => unknown) {
  const calls: number[] = [];
  const machine = backoffMachine.provide({
    actors: {
      attempt: fromPromise<unknown, AttemptInput>(async ({ input: { attempt } }) => {
        calls.push(attempt);
        return behave(calls.length);
      }),
    },
  });
  const clock = new SimulatedClock();
  const errors: unknown[] = [];
  const waitingSnapshots: BackoffContext[] = [];
  const actor = createActor(machine, { input, clock });
  actor.subscribe({
    next: (s) => {
      if (s.matches('waiting')) waitingSnapshots.push(s.context);
    },
    error: (e) => errors.push(e),
  });
  actor.start();
  await tick();

  const waits: number[] = [];
  /** In `waiting`: nothing happens before `context.delay` has passed, the next attempt starts when it has. */
  const passWait = async () => {
    const before = actor.getSnapshot();
    expect(before.value).toBe('waiting');
    const { delay } = before.context;
    waits.push(delay);
    const armed = clock.now();
    const callsBefore = calls.length;
    if (delay > 0) {
      clock.increment(delay >= 1 ? delay - 1 : delay / 2);
      await tick();
      expect(actor.getSnapshot().value).toBe('waiting');
      expect(calls.length).toBe(callsBefore);
    }
    incrementUntilDue(clock, armed, delay);
    await tick();
    expect(calls.length).toBe(callsBefore + 1);
  };
  return { actor, clock, calls, errors, waits, waitingSnapshots, passWait };
}

/** Sum with the same association as the clock's `_now += ms` sequence would have. */
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
/** The clock is nudged by a few ulps when `(start + d) - start < d`; allow a nanosecond. */
const TIME_TOLERANCE = 1e-6;

describe('backoffMachine (properties, simulated clock)', () => {
  it('always failing: exhausted after exactly maxAttempts attempts, every wait capped and as long as its delay', async () => {
    await fc.assert(
      fc.asyncProperty(policyArb, fc.integer({ min: 1, max: 8 }), seedArb, async (policy, maxAttempts, seed) => {
        const h = await start({ ...policy, maxAttempts, seed, mode: 'retry' }, () => {
          throw new Error('refused');
        });
        for (let guard = 0; h.actor.getSnapshot().status === 'active'; guard++) {
          expect(guard).toBeLessThan(maxAttempts);
          await h.passWait();
        }
        const end = h.actor.getSnapshot();
        expect(h.errors).toEqual([]);
        expect(end.value).toBe('exhausted');
        expect(end.output).toEqual({ outcome: 'exhausted', attempts: maxAttempts });
        expect(h.calls).toEqual(Array.from({ length: maxAttempts }, (_, i) => i + 1));
        expect(h.waits).toHaveLength(maxAttempts - 1);
        expect(h.waitingSnapshots.map((c) => c.delay)).toEqual(h.waits);
        for (const c of h.waitingSnapshots) {
          expect(c.delay).toBeGreaterThanOrEqual(0);
          expect(c.delay).toBeLessThanOrEqual(policy.maxDelay);
          expect(c.serverDelay).toBe(false);
        }
        // The waits are exactly the seeded backoffDelay sequence.
        const expected = expectedWaits(policy, seed, Array.from({ length: maxAttempts - 1 }, () => ({})));
        expect(h.waits).toEqual(expected.map((w) => w.delay));
        expect(Math.abs(h.clock.now() - sum(h.waits))).toBeLessThanOrEqual(TIME_TOLERANCE);
        expect(end.context.lastError).toBe('Error: refused');
      }),
      { numRuns: ASYNC_RUNS },
    );
  });

  it('failing k < maxAttempts times then succeeding: done after exactly k + 1 attempts', async () => {
    const arb = fc
      .integer({ min: 1, max: 8 })
      .chain((maxAttempts) => fc.tuple(fc.constant(maxAttempts), fc.integer({ min: 0, max: maxAttempts - 1 })));
    await fc.assert(
      fc.asyncProperty(policyArb, arb, seedArb, async (policy, [maxAttempts, k], seed) => {
        const h = await start({ ...policy, maxAttempts, seed }, (call) => {
          if (call <= k) throw new Error(`refused #${call}`);
          return 'ok';
        });
        for (let guard = 0; h.actor.getSnapshot().status === 'active'; guard++) {
          expect(guard).toBeLessThan(maxAttempts);
          await h.passWait();
        }
        const end = h.actor.getSnapshot();
        expect(h.errors).toEqual([]);
        expect(end.value).toBe('done');
        expect(end.output).toEqual({ outcome: 'done', attempts: k + 1 });
        expect(h.calls).toHaveLength(k + 1);
        expect(h.waits).toHaveLength(k);
        for (const d of h.waits) expect(d).toBeLessThanOrEqual(policy.maxDelay);
        expect(Math.abs(h.clock.now() - sum(h.waits))).toBeLessThanOrEqual(TIME_TOLERANCE);
      }),
      { numRuns: ASYNC_RUNS },
    );
  });

  it("a failure's retryAfter sets the next wait to exactly min(maxDelay, retryAfter), with no jitter and no draw", async () => {
    const arb = fc
      .integer({ min: 2, max: 8 })
      .chain((maxAttempts) =>
        fc.tuple(fc.constant(maxAttempts), fc.array(failureArb, { minLength: maxAttempts, maxLength: maxAttempts })),
      );
    await fc.assert(
      fc.asyncProperty(policyArb, arb, seedArb, async (policy, [maxAttempts, failures], seed) => {
        const h = await start({ ...policy, maxAttempts, seed }, (call) => {
          throw errorOf(failures[call - 1] ?? {});
        });
        for (let guard = 0; h.actor.getSnapshot().status === 'active'; guard++) {
          expect(guard).toBeLessThan(maxAttempts);
          await h.passWait();
        }
        expect(h.errors).toEqual([]);
        expect(h.actor.getSnapshot().output).toEqual({ outcome: 'exhausted', attempts: maxAttempts });
        const expected = expectedWaits(policy, seed, failures.slice(0, maxAttempts - 1));
        expect(h.waitingSnapshots.map((c) => ({ delay: c.delay, serverDelay: c.serverDelay }))).toEqual(expected);
        for (const [i, c] of h.waitingSnapshots.entries()) {
          const given = validRetryAfter(failures[i] ?? {});
          if (given !== undefined) {
            expect(c.serverDelay).toBe(true);
            expect(c.delay).toBe(Math.min(policy.maxDelay, given));
          } else {
            expect(c.serverDelay).toBe(false);
            expect(c.delay).toBeLessThanOrEqual(policy.maxDelay);
          }
        }
        expect(Math.abs(h.clock.now() - sum(h.waits))).toBeLessThanOrEqual(TIME_TOLERANCE);
      }),
      { numRuns: ASYNC_RUNS },
    );
  });

  it('reconnect: accept-then-drop before minUptime keeps counting and ends exhausted after maxAttempts', async () => {
    await fc.assert(
      fc.asyncProperty(
        policyArb,
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 10_000 }),
        fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), { minLength: 8, maxLength: 8 }),
        seedArb,
        async (policy, maxAttempts, minUptime, upFractions, seed) => {
          const h = await start({ ...policy, maxAttempts, minUptime, seed, mode: 'reconnect' }, () => 'open');
          for (let guard = 0; h.actor.getSnapshot().status === 'active'; guard++) {
            expect(guard).toBeLessThan(2 * maxAttempts);
            const s = h.actor.getSnapshot();
            if (s.matches('waiting')) {
              await h.passWait();
              continue;
            }
            expect(s.matches({ up: 'unstable' })).toBe(true);
            const attempts = s.context.attempts;
            expect(attempts).toBe(h.calls.length);
            // Up for less than minUptime (whole ms, so strictly below it).
            h.clock.increment(Math.floor((upFractions[attempts - 1] ?? 0) * minUptime));
            await tick();
            expect(h.actor.getSnapshot().matches({ up: 'unstable' })).toBe(true);
            expect(h.actor.getSnapshot().context.attempts).toBe(attempts);
            h.actor.send({ type: 'DROPPED', reason: 'socket closed' });
            await tick();
            const after = h.actor.getSnapshot();
            expect(after.value).toBe(attempts < maxAttempts ? 'waiting' : 'exhausted');
            expect(after.context.attempts).toBe(attempts);
          }
          expect(h.errors).toEqual([]);
          expect(h.calls).toHaveLength(maxAttempts);
          expect(h.actor.getSnapshot().output).toEqual({ outcome: 'exhausted', attempts: maxAttempts });
          for (const d of h.waits) expect(d).toBeLessThanOrEqual(policy.maxDelay);
        },
      ),
      { numRuns: ASYNC_RUNS },
    );
  });

  it('reconnect: staying up >= minUptime resets the count; the machine follows a simple counting model', async () => {
    type Step = { attempt: 'ok' | 'fail'; up: 'short' | 'long'; extra: number; dropRetryAfter: number | undefined };
    const stepArb: fc.Arbitrary<Step> = fc.record({
      attempt: fc.constantFrom('ok', 'fail'),
      up: fc.constantFrom('short', 'long'),
      extra: fc.integer({ min: 0, max: 20_000 }),
      dropRetryAfter: fc.option(fc.integer({ min: 0, max: 100_000 }), { nil: undefined }),
    });
    await fc.assert(
      fc.asyncProperty(
        policyArb,
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 10_000 }),
        fc.array(stepArb, { minLength: 1, maxLength: 20 }),
        seedArb,
        async (policy, maxAttempts, minUptime, steps, seed) => {
          const h = await start({ ...policy, maxAttempts, minUptime, seed, mode: 'reconnect' }, (call) => {
            if (steps[call - 1]?.attempt === 'fail') throw new Error('refused');
            return 'open';
          });
          // The model: attempts since the last reset.
          let attempts = 1;
          for (let i = 0; i < steps.length && h.actor.getSnapshot().status === 'active'; i++) {
            const step = steps[i]!;
            const s = h.actor.getSnapshot();
            expect(h.calls).toHaveLength(i + 1);
            expect(s.context.attempts).toBe(attempts);
            if (step.attempt === 'fail') {
              expect(s.value).toBe(attempts < maxAttempts ? 'waiting' : 'exhausted');
              if (s.value === 'exhausted') break;
            } else {
              expect(s.matches({ up: 'unstable' })).toBe(true);
              const upSince = h.clock.now();
              if (step.up === 'short') {
                h.clock.increment(step.extra % minUptime);
                await tick();
                expect(h.actor.getSnapshot().matches({ up: 'unstable' })).toBe(true);
                expect(h.actor.getSnapshot().context.attempts).toBe(attempts);
              } else {
                incrementUntilDue(h.clock, upSince, minUptime);
                h.clock.increment(step.extra);
                await tick();
                expect(h.actor.getSnapshot().matches({ up: 'stable' })).toBe(true);
                expect(h.actor.getSnapshot().context.attempts).toBe(0);
                attempts = 0;
              }
              h.actor.send({ type: 'DROPPED', retryAfter: step.dropRetryAfter });
              await tick();
              const dropped = h.actor.getSnapshot();
              if (attempts >= maxAttempts) {
                expect(dropped.value).toBe('exhausted');
                break;
              }
              expect(dropped.value).toBe('waiting');
              expect(dropped.context.serverDelay).toBe(step.dropRetryAfter !== undefined);
              if (step.dropRetryAfter !== undefined) {
                expect(dropped.context.delay).toBe(Math.min(policy.maxDelay, step.dropRetryAfter));
              }
            }
            if (i + 1 < steps.length) {
              await h.passWait();
              attempts++;
            }
          }
          const end = h.actor.getSnapshot();
          if (end.status === 'active') {
            h.actor.send({ type: 'STOP' });
            await tick();
            expect(h.actor.getSnapshot().output).toEqual({ outcome: 'stopped', attempts });
          } else {
            expect(end.output).toEqual({ outcome: 'exhausted', attempts });
            // Exhaustion needs maxAttempts attempts since the last reset.
            expect(attempts).toBe(maxAttempts);
          }
          expect(h.errors).toEqual([]);
          for (const c of h.waitingSnapshots) expect(c.delay).toBeLessThanOrEqual(policy.maxDelay);
        },
      ),
      { numRuns: ASYNC_RUNS },
    );
  });

  it('reconnect: stable connections reset the count, so more than maxAttempts reconnects are allowed over time', async () => {
    await fc.assert(
      fc.asyncProperty(
        policyArb,
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 5, max: 12 }),
        async (policy, maxAttempts, minUptime, rounds) => {
          const h = await start({ ...policy, maxAttempts, minUptime, mode: 'reconnect' }, () => 'open');
          for (let round = 1; round <= rounds; round++) {
            expect(h.actor.getSnapshot().matches({ up: 'unstable' })).toBe(true);
            expect(h.actor.getSnapshot().context.attempts).toBe(1);
            incrementUntilDue(h.clock, h.clock.now(), minUptime);
            await tick();
            expect(h.actor.getSnapshot().matches({ up: 'stable' })).toBe(true);
            expect(h.actor.getSnapshot().context.attempts).toBe(0);
            h.actor.send({ type: 'DROPPED' });
            await tick();
            expect(h.actor.getSnapshot().value).toBe('waiting');
            // The count restarted: the first wait again (n = 1).
            expect(h.actor.getSnapshot().context.delay).toBeLessThanOrEqual(policy.maxDelay);
            await h.passWait();
          }
          expect(h.calls).toHaveLength(rounds + 1);
          expect(h.calls.every((attempt) => attempt === 1)).toBe(true);
          expect(h.actor.getSnapshot().status).toBe('active');
          expect(h.errors).toEqual([]);
          h.actor.stop();
        },
      ),
      { numRuns: ASYNC_RUNS },
    );
  });
});
