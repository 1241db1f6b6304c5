/**
 * The reconnect loop against oracles computed from its input (the count each
 * cause leaves, the limits, the waits of the shared policy, the output), never
 * read back from the machine. Simulated clock.
 */
import { describe, expect, it } from 'vitest';
import { createActor, SimulatedClock } from 'xstate';
import { backoffDelay, defaultBackoffPolicy } from '../../machines/backoffDelay.js';
import { nextRandom } from '../../machines/random.js';
import {
  attemptsShown,
  lasted,
  reconnectLoop,
  recordOf,
  sessionStart,
  trackedOf,
  type LoopCause,
  type LoopTracking,
  type ReconnectLoopInput,
  type ReconnectPolicy,
} from '../../machines/reconnectLoop.js';

const policy: ReconnectPolicy = { base: 100, maxDelay: 1_000, maxAttempts: 5, minUptime: 500, jitter: 'none' };
const failed: LoopCause = { type: 'FAILED', reason: 'refused' };

function start(over: Partial<ReconnectLoopInput> = {}) {
  const clock = new SimulatedClock();
  const input: ReconnectLoopInput = { policy, record: { attempts: 1, delay: 0, seed: 1 }, cause: failed, sessionOpened: true, ...over };
  const actor = createActor(reconnectLoop, { input, clock });
  actor.start();
  return { actor, clock, value: () => actor.getSnapshot().value, context: () => actor.getSnapshot().context, output: () => actor.getSnapshot().output };
}

describe('reconnectLoop: oracles from the input', () => {
  it('a failure is spent: waits base·2^(n-1) for n attempts, then ends attempting with the count one up', () => {
    const { clock, value, context, output } = start({ record: { attempts: 3, delay: 0, seed: 9 } });
    expect(value()).toBe('waiting');
    expect(context()).toEqual({
      policy: { ...defaultBackoffPolicy, kind: 'exponential', base: 100, factor: 2, maxDelay: 1_000, jitter: 'none', jitterRatio: 0.5 },
      maxAttempts: 5,
      offline: false,
      attempts: 3,
      delay: 400,
      seed: nextRandom(9)[1],
      reason: 'refused',
      outcome: null,
    });
    clock.increment(399);
    expect(value()).toBe('waiting');
    clock.increment(1);
    expect(value()).toBe('attempting');
    expect(output()).toEqual({ outcome: 'attempting', attempts: 4, delay: 400, seed: nextRandom(9)[1] });
  });

  it('the jitter draw is the seeded one, the previous delay feeds decorrelated jitter', () => {
    const { context } = start({ policy: { ...policy, jitter: 'decorrelated', factor: 3 }, record: { attempts: 2, delay: 300, seed: 5 } });
    const [r, seed] = nextRandom(5);
    const expected = backoffDelay({ ...defaultBackoffPolicy, base: 100, factor: 3, maxDelay: 1_000, jitter: 'decorrelated' }, 2, r, 300);
    expect(context()).toMatchObject({ delay: expected, seed });
    // uniform in [base, 3·max(base, previous)] = [100, 900]
    expect(expected).toBeCloseTo(100 + r * 800);
  });

  it('proportional jitter uses the given ratio; the server-set base replaces the policy base', () => {
    const { context } = start({ policy: { ...policy, jitter: 'proportional', jitterRatio: 0.2 }, base: 250 });
    const [r] = nextRandom(1);
    expect(context().delay).toBeCloseTo(250 * 0.8 + r * 250 * 0.4);
  });

  it('a drop that lasted minUptime resets the count: the next wait is the first one', () => {
    const { context, value } = start({ record: { attempts: 4, delay: 800, seed: 1 }, cause: { type: 'DROPPED', reason: 'closed 1006', upFor: 500 } });
    expect(value()).toBe('waiting');
    expect(context()).toMatchObject({ attempts: 0, delay: 100, reason: 'closed 1006' });
  });

  it('a short drop is spent like a failure; a drop without times is short', () => {
    expect(start({ record: { attempts: 4, delay: 0, seed: 1 }, cause: { type: 'DROPPED', reason: 'x', upFor: 499 } }).context()).toMatchObject({ attempts: 4, delay: 800 });
    expect(start({ record: { attempts: 2, delay: 0, seed: 1 }, cause: { type: 'DROPPED', reason: 'x', upFor: null } }).context()).toMatchObject({ attempts: 2, delay: 200 });
  });

  it('with the attempts spent it ends exhausted at once, handing back the count', () => {
    const { value, output } = start({ record: { attempts: 5, delay: 40, seed: 3 } });
    expect(value()).toBe('exhausted');
    expect(output()).toEqual({ outcome: 'exhausted', attempts: 5, delay: 40, seed: 3 });
  });

  it('before the link first opened, maxConnectAttempts bounds the attempts too (the smaller limit wins)', () => {
    expect(start({ policy: { ...policy, maxConnectAttempts: 2 }, record: { attempts: 2, delay: 0, seed: 1 }, sessionOpened: false }).value()).toBe('exhausted');
    expect(start({ policy: { ...policy, maxConnectAttempts: 2 }, record: { attempts: 2, delay: 0, seed: 1 }, sessionOpened: true }).value()).toBe('waiting');
    expect(start({ policy: { ...policy, maxConnectAttempts: 9 }, record: { attempts: 5, delay: 0, seed: 1 }, sessionOpened: false }).context().maxAttempts).toBe(5);
    expect(start({ policy: { ...policy, maxAttempts: null, maxConnectAttempts: 3 }, sessionOpened: false }).context().maxAttempts).toBe(3);
    expect(start({ policy: { ...policy, maxAttempts: null, maxConnectAttempts: null }, sessionOpened: false }).context().maxAttempts).toBeNull();
    expect(start({ policy: { ...policy, maxAttempts: null }, record: { attempts: 1e6, delay: 0, seed: 1 } }).value()).toBe('waiting');
  });

  it('RETRY_NOW ends the wait at once; RESUME waits the whole delay again', () => {
    const a = start();
    a.clock.increment(50);
    a.actor.send({ type: 'RESUME' });
    a.clock.increment(99);
    expect(a.value()).toBe('waiting');
    a.clock.increment(1);
    expect(a.value()).toBe('attempting');
    const b = start();
    b.actor.send({ type: 'RETRY_NOW' });
    expect(b.output()).toMatchObject({ outcome: 'attempting', attempts: 2 });
  });

  it('offline: paused with nothing spent and no limit judged; RETRY_NOW attempts', () => {
    const abandoned = start({ record: { attempts: 3, delay: 10, seed: 1 }, cause: { type: 'ABANDONED' }, offline: true });
    expect(abandoned.value()).toBe('paused');
    expect(abandoned.context()).toMatchObject({ attempts: 2, delay: 10, seed: 1, reason: null });
    abandoned.clock.increment(60_000);
    expect(abandoned.value()).toBe('paused');
    abandoned.actor.send({ type: 'RETRY_NOW' });
    expect(abandoned.output()).toEqual({ outcome: 'attempting', attempts: 3, delay: 10, seed: 1 });
    // The limit is judged when an attempt fails, not while no attempt can be made.
    expect(start({ record: { attempts: 5, delay: 0, seed: 1 }, cause: { type: 'PAUSED' }, offline: true }).value()).toBe('paused');
    expect(start({ record: { attempts: 0, delay: 0, seed: 1 }, cause: { type: 'ABANDONED' }, offline: true }).context().attempts).toBe(0);
    expect(start({ record: { attempts: 4, delay: 0, seed: 1 }, cause: { type: 'PAUSED' }, offline: true }).context().attempts).toBe(4);
    expect(start({ record: { attempts: 4, delay: 0, seed: 1 }, cause: { type: 'DROPPED', reason: 'x', upFor: 600 }, offline: true }).context().attempts).toBe(0);
  });

  it('the reason is cut at 200 characters', () => {
    expect(start({ cause: { type: 'FAILED', reason: 'r'.repeat(300) } }).context().reason).toBe('r'.repeat(200));
  });
});

describe('reconnectLoop: the record a parent keeps', () => {
  const tracking: LoopTracking = {
    reconnect: { ...policy, seed: 11 },
    attempts: 3,
    nextDelay: 400,
    sessionOpened: true,
    down: null,
  };

  it('recordOf / trackedOf carry the count, the last wait and the seed both ways', () => {
    expect(recordOf(tracking)).toEqual({ attempts: 3, delay: 400, seed: 11 });
    expect(trackedOf(tracking, { attempts: 4, delay: 800, seed: 12 })).toEqual({ attempts: 4, nextDelay: 800, reconnect: { ...policy, seed: 12 } });
  });

  it('a session starts at its first attempt, not opened, with no drop pending', () => {
    expect(sessionStart).toEqual({ attempts: 1, sessionOpened: false, down: null });
  });

  it('minUptime: lasted from minUptime on, never without a duration', () => {
    expect([lasted(500, 499), lasted(500, 500), lasted(0, 0), lasted(500, null), lasted(500, undefined)]).toEqual([false, true, true, false, false]);
    // No duration is never "lasted", even with minUptime 0 (null would compare as 0).
    expect([lasted(0, null), lasted(0, undefined)]).toEqual([false, false]);
  });

  it('attemptsShown: 0 once the link up (or the one that dropped) lasted, else the count', () => {
    expect(attemptsShown(tracking, 499)).toBe(3);
    expect(attemptsShown(tracking, 500)).toBe(0);
    expect(attemptsShown(tracking, null)).toBe(3);
    expect(attemptsShown({ ...tracking, down: { type: 'DROPPED', reason: 'x', upFor: 500 } }, null)).toBe(0);
    expect(attemptsShown({ ...tracking, down: { type: 'DROPPED', reason: 'x', upFor: 499 } }, null)).toBe(3);
    expect(attemptsShown({ ...tracking, down: { type: 'FAILED', reason: 'x' } }, null)).toBe(3);
    // The link that is up decides, not an older drop.
    expect(attemptsShown({ ...tracking, down: { type: 'DROPPED', reason: 'x', upFor: 900 } }, 10)).toBe(3);
  });
});
