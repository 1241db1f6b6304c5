/** The shared retry loop on its own: the order of its hooks and what each decides. */
import { describe, expect, it } from 'vitest';
import { GO, retryLoop, type RetryPlan } from '../../src/retry/retryLoop.js';
import { retryDelay, serverDelay } from '../../src/retry/retryDelay.js';
import { defaultBackoffPolicy } from '../../machines/backoffDelay.js';
import { rejection } from '../helpers/rejection.js';

interface Call {
  log: string[];
  /** Attempt numbers that fail. */
  failing: Set<number>;
  retries: number;
  /** Pauses `before` asks for, in order; `free` ones use no retry. */
  pauses: Array<{ ms: number; free: boolean }>;
  lastFree: boolean;
}

const plan: RetryPlan<Call, number, string> = {
  before(call, attempt) {
    const pause = call.pauses.shift();
    if (pause === undefined) return GO;
    call.lastFree = pause.free;
    call.log.push(`pause ${pause.ms} before ${attempt}`);
    return pause.ms;
  },
  pauseCounted: (call) => !call.lastFree,
  attempt: async (call, attempt) => {
    call.log.push(`attempt ${attempt}`);
    if (call.failing.has(attempt)) throw new Error(`fail ${attempt}`);
    return attempt;
  },
  settle: (_call, result) => `ok ${result}`,
  failed(call, error) {
    if ((error as Error).message === 'fatal') throw new Error('ended');
    return error;
  },
  retryDelay: (call, _error, attempt) => (attempt > call.retries ? -1 : attempt * 10),
  retrying: (call, attempt, delay) => void call.log.push(`retry ${attempt} in ${delay}`),
  giveUp: (_call, error) => new Error(`gave up: ${(error as Error).message}`),
  wait: async (ms, call) => void call.log.push(`wait ${ms}`),
};

const call = (over: Partial<Call> = {}): Call => ({ log: [], failing: new Set(), retries: 2, pauses: [], lastFree: false, ...over });

describe('retryLoop', () => {
  it('a first success runs one attempt and settles it', async () => {
    const c = call();
    expect(await retryLoop(plan, c)).toBe('ok 1');
    expect(c.log).toEqual(['attempt 1']);
  });

  it('retries with the plan`s delays, telling `retrying` before each wait', async () => {
    const c = call({ failing: new Set([1, 2]) });
    expect(await retryLoop(plan, c)).toBe('ok 3');
    expect(c.log).toEqual(['attempt 1', 'retry 1 in 10', 'wait 10', 'attempt 2', 'retry 2 in 20', 'wait 20', 'attempt 3']);
  });

  it('rejects with giveUp(error) when retryDelay says stop', async () => {
    const c = call({ failing: new Set([1, 2, 3]) });
    expect((await rejection(retryLoop(plan, c))).message).toBe('gave up: fail 3');
    expect(c.log.filter((l) => l.startsWith('attempt'))).toEqual(['attempt 1', 'attempt 2', 'attempt 3']);
  });

  it('a pause is waited out before the attempt; a counted one uses up an attempt number, a free one does not', async () => {
    const counted = call({ pauses: [{ ms: 5, free: false }] });
    expect(await retryLoop(plan, counted)).toBe('ok 2');
    expect(counted.log).toEqual(['pause 5 before 1', 'wait 5', 'attempt 2']);
    const free = call({ pauses: [{ ms: 5, free: true }] });
    expect(await retryLoop(plan, free)).toBe('ok 1');
    expect(free.log).toEqual(['pause 5 before 1', 'wait 5', 'attempt 1']);
  });

  it('failed() may end the call at once', async () => {
    const fatal: RetryPlan<Call, number, string> = { ...plan, attempt: async () => Promise.reject(new Error('fatal')) };
    const c = call();
    expect((await rejection(retryLoop(fatal, c))).message).toBe('ended');
    expect(c.log).toEqual([]);
  });
});

describe('retryDelay', () => {
  const policy = { ...defaultBackoffPolicy, base: 100, jitter: 'none' as const, maxDelay: 1000 };

  it('uses the server`s retryAfter (capped, no draw) over the backoff', () => {
    let draws = 0;
    const draw = () => (draws++, 0.5);
    expect(retryDelay(policy, 1, 0, { retryAfter: 250 }, draw)).toBe(250);
    expect(retryDelay(policy, 1, 0, { retryAfter: 5000 }, draw)).toBe(1000);
    expect(draws).toBe(0);
    expect(retryDelay(policy, 3, 0, new Error('x'), draw)).toBe(400);
    expect(draws).toBe(1);
  });

  it('ignores a retryAfter that is not a finite, non-negative number', () => {
    expect(serverDelay({ retryAfter: -1 }, 1000)).toBeUndefined();
    expect(serverDelay({ retryAfter: Number.NaN }, 1000)).toBeUndefined();
    expect(serverDelay(null, 1000)).toBeUndefined();
    expect(serverDelay({ retryAfter: 0 }, 1000)).toBe(0);
  });
});
