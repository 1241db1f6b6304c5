/**
 * The backoff loop against oracles computed from their
 * inputs (defaults, waits, attempt counts, outcomes, the minUptime reset), never
 * read back from the machine. The property tests cover the delay arithmetic.
 */
import { setImmediate as tick } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { createActor, fromPromise, SimulatedClock } from 'xstate';
import { backoffMachine, type AttemptInput, type BackoffInput } from '../../machines/backoff.js';
import { defaultBackoffPolicy } from '../../machines/backoffDelay.js';
import { nextRandom } from '../../machines/random.js';

/** A loop whose attempts the test settles; `inputs` records what each attempt was told. */
function start(input: BackoffInput | undefined, options: { retryable?: boolean; machine?: typeof backoffMachine } = {}) {
  const clock = new SimulatedClock();
  const settles: Array<{ resolve: (v: unknown) => void; reject: (e: unknown) => void }> = [];
  const inputs: AttemptInput[] = [];
  const machine = (options.machine ?? backoffMachine).provide({
    actors: {
      attempt: fromPromise<unknown, AttemptInput>(({ input: attemptInput }) => {
        inputs.push(attemptInput);
        return new Promise((resolve, reject) => settles.push({ resolve, reject }));
      }),
    },
    ...(options.retryable === false ? { guards: { isRetryable: () => false } } : {}),
  });
  const actor = createActor(machine, { input, clock });
  let output: unknown;
  actor.subscribe({ complete: () => (output = actor.getSnapshot().output), error: (e) => { throw e; } });
  actor.start();
  return {
    actor,
    clock,
    inputs,
    output: () => output,
    value: () => actor.getSnapshot().value,
    context: () => actor.getSnapshot().context,
    succeed: async () => (settles.shift()!.resolve('ok'), tick()),
    fail: async (error: unknown = new Error('refused')) => (settles.shift()!.reject(error), tick()),
  };
}

describe('backoff: oracles from the inputs', () => {
  it('defaults: exponential from 1 s, doubling, 30 s cap, full jitter, no attempt limit, retry mode, minUptime 5 s, seed 1', () => {
    const { context, value, inputs } = start(undefined);
    expect(value()).toBe('attempting');
    expect(context()).toEqual({
      policy: defaultBackoffPolicy,
      maxAttempts: null,
      mode: 'retry',
      minUptime: 5_000,
      attempts: 1,
      delay: 0,
      serverDelay: false,
      seed: 1,
      lastError: null,
      outcome: null,
    });
    expect(inputs).toEqual([{ attempt: 1 }]);
  });

  it('`base` sets the linear increment unless one is given; Infinity attempts means no limit', () => {
    expect(start({ base: 250 }).context().policy).toMatchObject({ base: 250, increment: 250 });
    expect(start({ base: 250, increment: 40 }).context().policy).toMatchObject({ base: 250, increment: 40 });
    expect(start({ maxAttempts: Infinity }).context().maxAttempts).toBeNull();
    expect(start({ maxAttempts: 4, attempts: 2, delay: 70, seed: 9, minUptime: 10 }).context()).toMatchObject({
      maxAttempts: 4,
      attempts: 3,
      delay: 70,
      seed: 9,
      minUptime: 10,
    });
  });

  it('retry mode: waits base·factor^(n-1) capped, exactly, then attempts n+1; the first success is done', async () => {
    const input = { base: 100, factor: 3, maxDelay: 1_000, jitter: 'none', maxAttempts: 10 } as const;
    const loop = start(input);
    for (let n = 1; n <= 4; n++) {
      await loop.fail();
      const expected = Math.min(input.maxDelay, input.base * input.factor ** (n - 1));
      expect(loop.value()).toBe('waiting');
      expect(loop.context()).toMatchObject({ delay: expected, attempts: n, serverDelay: false, lastError: 'Error: refused' });
      loop.clock.increment(expected - 1);
      await tick();
      expect(loop.value()).toBe('waiting');
      loop.clock.increment(1);
      await tick();
      expect(loop.value()).toBe('attempting');
      expect(loop.inputs.at(-1)).toEqual({ attempt: n + 1 });
    }
    await loop.succeed();
    expect(loop.value()).toBe('done');
    expect(loop.output()).toEqual({ outcome: 'done', attempts: 5 });
  });

  it('draws the jitter from the seed, and carries the next seed', async () => {
    const loop = start({ base: 1_000, maxDelay: 60_000, jitter: 'full', seed: 1234 });
    await loop.fail();
    const [r, next] = nextRandom(1234);
    expect(loop.context()).toMatchObject({ delay: r * 1_000, seed: next });
  });

  it('a numeric retryAfter replaces the computed wait (capped, no draw); an invalid one does not', async () => {
    const loop = start({ base: 100, maxDelay: 5_000, jitter: 'full', seed: 5 });
    await loop.fail(Object.assign(new Error('busy'), { retryAfter: 2_500 }));
    expect(loop.context()).toMatchObject({ delay: 2_500, serverDelay: true, seed: 5 });
    loop.actor.send({ type: 'RETRY_NOW' });
    await tick();
    await loop.fail(Object.assign(new Error('busy'), { retryAfter: 60_000 }));
    expect(loop.context()).toMatchObject({ delay: 5_000, serverDelay: true });
    for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY, '300']) {
      loop.actor.send({ type: 'RETRY_NOW' });
      await tick();
      const n = loop.context().attempts;
      const seed = loop.context().seed;
      await loop.fail(Object.assign(new Error('busy'), { retryAfter: bad }));
      const [r, next] = nextRandom(seed);
      expect(loop.context()).toMatchObject({ serverDelay: false, seed: next, delay: r * Math.min(5_000, 100 * 2 ** (n - 1)) });
    }
  });

  it('gives up after maxAttempts attempts, with the last error', async () => {
    const loop = start({ base: 10, jitter: 'none', maxAttempts: 2 });
    await loop.fail();
    loop.clock.increment(10);
    await tick();
    await loop.fail(new Error('x'.repeat(300)));
    expect(loop.value()).toBe('exhausted');
    expect(loop.output()).toEqual({ outcome: 'exhausted', attempts: 2 });
    expect(loop.context().lastError).toBe(`Error: ${'x'.repeat(300)}`.slice(0, 200));
  });

  it('a non-retryable failure ends at once; a thrown non-Error is described as text', async () => {
    const loop = start({ base: 10, maxAttempts: 5 }, { retryable: false });
    await loop.fail('plain reason');
    expect(loop.value()).toBe('exhausted');
    expect(loop.context().lastError).toBe('plain reason');
    expect(loop.output()).toEqual({ outcome: 'exhausted', attempts: 1 });
  });

  it('parent-run attempts: FAILED waits, SUCCEEDED is done; STOP ends it from anywhere', async () => {
    const loop = start({ base: 40, jitter: 'none', maxAttempts: 3 });
    loop.actor.send({ type: 'FAILED', error: new Error('closed 1006') });
    expect(loop.context()).toMatchObject({ delay: 40, lastError: 'Error: closed 1006' });
    loop.actor.send({ type: 'RETRY_NOW' });
    expect(loop.value()).toBe('attempting');
    expect(loop.context().attempts).toBe(2);
    loop.actor.send({ type: 'SUCCEEDED' });
    expect(loop.output()).toEqual({ outcome: 'done', attempts: 2 });

    const stopped = start({ base: 40 });
    stopped.actor.send({ type: 'STOP' });
    expect(stopped.value()).toBe('stopped');
    expect(stopped.output()).toEqual({ outcome: 'stopped', attempts: 1 });
  });

  it('reconnect mode: up until DROPPED; the count resets only after minUptime', async () => {
    const loop = start({ mode: 'reconnect', base: 100, jitter: 'none', maxAttempts: 3, minUptime: 500 });
    await loop.fail();
    loop.clock.increment(100);
    await tick();
    await loop.succeed();
    expect(loop.value()).toEqual({ up: 'unstable' });
    expect(loop.context().attempts).toBe(2);
    // Dropped before minUptime: the count goes on (attempt 2's wait: 100·2).
    loop.actor.send({ type: 'DROPPED', reason: 'socket closed' });
    expect(loop.value()).toBe('waiting');
    expect(loop.context()).toMatchObject({ delay: 200, attempts: 2, lastError: 'socket closed' });
    loop.clock.increment(200);
    await tick();
    await loop.succeed();
    loop.clock.increment(499);
    await tick();
    expect(loop.value()).toEqual({ up: 'unstable' });
    loop.clock.increment(1);
    await tick();
    expect(loop.value()).toEqual({ up: 'stable' });
    expect(loop.context().attempts).toBe(0);
    // After the reset the first wait is base again; a drop without a reason keeps the last one.
    loop.actor.send({ type: 'DROPPED' });
    expect(loop.context()).toMatchObject({ delay: 100, lastError: 'socket closed' });
  });

  it('reconnect mode: a drop with no attempts left is exhausted', async () => {
    const loop = start({ mode: 'reconnect', base: 100, jitter: 'none', maxAttempts: 1 });
    await loop.succeed();
    loop.actor.send({ type: 'DROPPED', retryAfter: 300 });
    expect(loop.value()).toBe('exhausted');
    expect(loop.output()).toEqual({ outcome: 'exhausted', attempts: 1 });
  });
});

describe('backoff: edges the oracles above leave out', () => {
  it('describes any failure: an Error by name and message, anything else as text, both cut at 200', async () => {
    const custom = Object.assign(new TypeError('bad input'), { toString: () => 'not this' });
    const loop = start({ base: 10, jitter: 'none' });
    await loop.fail(custom);
    expect(loop.context().lastError).toBe('TypeError: bad input');
    loop.actor.send({ type: 'RETRY_NOW' });
    await tick();
    await loop.fail('y'.repeat(300));
    expect(loop.context().lastError).toBe('y'.repeat(200));
    loop.actor.send({ type: 'RETRY_NOW' });
    await tick();
    // A failure with nothing attached (null) waits the computed delay.
    await loop.fail(null);
    expect(loop.context()).toMatchObject({ lastError: 'null', serverDelay: false, delay: 40 });
  });

  it('a retryAfter of 0 is the server’s: retry at once', async () => {
    const loop = start({ base: 100, jitter: 'none' });
    await loop.fail(Object.assign(new Error('busy'), { retryAfter: 0 }));
    expect(loop.context()).toMatchObject({ delay: 0, serverDelay: true });
  });

  it('a drop’s reason is kept, cut at 200', async () => {
    const loop = start({ mode: 'reconnect', base: 10 });
    await loop.succeed();
    loop.actor.send({ type: 'DROPPED', reason: 'z'.repeat(300) });
    expect(loop.context().lastError).toBe('z'.repeat(200));
  });

  it('parent-run attempts in reconnect mode: SUCCEEDED goes up; FAILED with no attempt left, or not retryable, is exhausted', () => {
    const up = start({ mode: 'reconnect', base: 10 });
    up.actor.send({ type: 'SUCCEEDED' });
    expect(up.value()).toEqual({ up: 'unstable' });

    const last = start({ base: 10, maxAttempts: 1 });
    last.actor.send({ type: 'FAILED', error: new Error('refused') });
    expect(last.value()).toBe('exhausted');
    expect(last.context()).toMatchObject({ outcome: 'exhausted', lastError: 'Error: refused' });

    const fatal = start({ base: 10, maxAttempts: 5 }, { retryable: false });
    fatal.actor.send({ type: 'FAILED', error: new Error('401') });
    expect(fatal.value()).toBe('exhausted');
    expect(fatal.context().lastError).toBe('Error: 401');
  });

  it('STOP records the outcome in context too', () => {
    const loop = start({ base: 10 });
    loop.actor.send({ type: 'STOP' });
    expect(loop.context().outcome).toBe('stopped');
  });

  it('RESUME re-arms a wait for its whole delay, and minUptime for its whole length', async () => {
    const loop = start({ mode: 'reconnect', base: 100, jitter: 'none', minUptime: 500 });
    await loop.fail();
    loop.clock.increment(60);
    loop.actor.send({ type: 'RESUME' });
    loop.clock.increment(99);
    await tick();
    expect(loop.value()).toBe('waiting');
    loop.clock.increment(1);
    await tick();
    expect(loop.value()).toBe('attempting');
    await loop.succeed();
    loop.clock.increment(300);
    loop.actor.send({ type: 'RESUME' });
    loop.clock.increment(499);
    await tick();
    expect(loop.value()).toEqual({ up: 'unstable' });
    loop.clock.increment(1);
    await tick();
    expect(loop.value()).toEqual({ up: 'stable' });
  });

  it('without a provided attempt actor, the default one fails loudly', async () => {
    const actor = createActor(backoffMachine, { input: { maxAttempts: 1 } });
    actor.subscribe({ error: () => {} });
    actor.start();
    await tick();
    expect(actor.getSnapshot().value).toBe('exhausted');
    expect(actor.getSnapshot().context.lastError).toMatch(/^Error: backoffMachine: no `attempt` actor provided/);
  });
});
