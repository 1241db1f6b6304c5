import { describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import { setImmediate as tick } from 'node:timers/promises';
import { ExponentialBackoffRetry, JitterRetry, LinearBackoffRetry } from '../../src/retry/index.js';
import { ConfigError } from '../../src/errors.js';

/** Lets promise callbacks and actor reactions run. */
async function settle() {
  for (let i = 0; i < 5; i++) await tick();
}

/** Runs `execute` with a simulated clock, advancing it through every wait; returns calls and waits. */
async function drive<T>(
  make: (clock: SimulatedClock) => { execute: (fn: () => Promise<T>, o?: object) => Promise<T> },
  fn: (call: number) => Promise<T>,
) {
  const clock = new SimulatedClock();
  const strategy = make(clock);
  const waits: number[] = [];
  let calls = 0;
  const result = strategy
    .execute(() => fn(++calls), { onRetry: (i: { delay: number }) => waits.push(i.delay) })
    .then((value) => ({ value }), (error: unknown) => ({ error }));
  let outcome: { value?: T; error?: unknown } | undefined;
  void result.then((o) => (outcome = o));
  for (let guard = 0; guard < 100 && !outcome; guard++) {
    await settle();
    if (waits.length) clock.increment(waits[waits.length - 1]!);
  }
  return { outcome: outcome!, calls, waits };
}

const fail = () => Promise.reject(new Error('boom'));

describe('ExponentialBackoffRetry', () => {
  it('makes exactly maxAttempts calls, waiting 1s, 2s, 4s, 8s, and rejects with the last error', async () => {
    const { outcome, calls, waits } = await drive((clock) => new ExponentialBackoffRetry(5, 1, 2, { clock }), fail);
    expect(calls).toBe(5);
    expect(waits).toEqual([1_000, 2_000, 4_000, 8_000]);
    expect((outcome.error as Error).message).toBe('boom');
  });

  it('getDelay gives the seed`s schedule in seconds: 1, 2, 4, 8, 16', () => {
    const retry = new ExponentialBackoffRetry(5, 1, 2);
    expect([1, 2, 3, 4, 5].map((n) => retry.getDelay(n))).toEqual([1, 2, 4, 8, 16]);
  });

  it('resolves with the first success', async () => {
    const { outcome, calls } = await drive(
      (clock) => new ExponentialBackoffRetry(5, 1, 2, { clock }),
      (call) => (call < 3 ? fail() : Promise.resolve('ok')),
    );
    expect(outcome).toEqual({ value: 'ok' });
    expect(calls).toBe(3);
  });

  it('stops early when shouldRetry says so', async () => {
    const { outcome, calls } = await drive(
      (clock) => new ExponentialBackoffRetry(5, 1, 2, { clock, shouldRetry: (e) => (e as Error).message !== 'fatal' }),
      () => Promise.reject(new Error('fatal')),
    );
    expect(calls).toBe(1);
    expect((outcome.error as Error).message).toBe('fatal');
  });

  it('honours a server-given retryAfter (ms) over the computed delay', async () => {
    const { waits } = await drive(
      (clock) => new ExponentialBackoffRetry(2, 1, 2, { clock }),
      () => Promise.reject(Object.assign(new Error('busy'), { retryAfter: 7_000 })),
    );
    expect(waits).toEqual([7_000]);
  });

  it('an AbortSignal cancels the wait at once', async () => {
    const retry = new ExponentialBackoffRetry(5, 60, 2); // real clock: a 60 s wait
    const controller = new AbortController();
    let calls = 0;
    const running = retry.execute(() => (calls++, fail()), { signal: controller.signal });
    await settle();
    controller.abort(new Error('user left'));
    await expect(running).rejects.toThrow('user left');
    expect(calls).toBe(1);
  });

  it('aborts the attempt in flight through its signal', async () => {
    const retry = new ExponentialBackoffRetry(3, 1, 2);
    const controller = new AbortController();
    let attemptSignal: AbortSignal | undefined;
    const running = retry.execute(
      ({ signal }) => {
        attemptSignal = signal;
        return new Promise(() => {});
      },
      { signal: controller.signal },
    );
    await settle();
    controller.abort(new Error('stop'));
    await expect(running).rejects.toThrow('stop');
    expect(attemptSignal?.aborted).toBe(true);
  });

  it('refuses delays in the wrong unit', () => {
    expect(() => new ExponentialBackoffRetry(5, 1000, 2)).toThrow(ConfigError);
    expect(() => new ExponentialBackoffRetry(5, 1000, 2)).toThrow(/did you mean 1\?/);
    expect(() => new ExponentialBackoffRetry(0, 1, 2)).toThrow(/maxAttempts/);
  });
});

describe('LinearBackoffRetry', () => {
  it('waits 1s, 3s for 3 attempts (seed: 1s, 3s, 5s schedule)', async () => {
    const { calls, waits } = await drive((clock) => new LinearBackoffRetry(3, 1, 2, { clock }), fail);
    expect(calls).toBe(3);
    expect(waits).toEqual([1_000, 3_000]);
    expect([1, 2, 3].map((n) => new LinearBackoffRetry(3, 1, 2).getDelay(n))).toEqual([1, 3, 5]);
  });
});

describe('JitterRetry', () => {
  it('spreads exponential waits by ±jitterFactor', async () => {
    const { calls, waits } = await drive((clock) => new JitterRetry(4, 1, 0.5, { clock }), fail);
    expect(calls).toBe(4);
    expect(waits).toHaveLength(3);
    waits.forEach((w, i) => {
      const d = 1_000 * 2 ** i;
      expect(w).toBeGreaterThanOrEqual(d * 0.5);
      expect(w).toBeLessThanOrEqual(d * 1.5);
    });
  });
});
