/**
 * The breaker against independent oracles: every expected value is computed from the
 * options given, never read back from the machine, so a wrong machine fails (OPEN for
 * twice `timeout`, one probe too many, a trip one failure early). The model tests
 * only replay the machine against itself.
 */
import { describe, expect, it } from 'vitest';
import { createActor, SimulatedClock } from 'xstate';
import { circuitBreakerMachine, type CircuitBreakerEmitted, type CircuitBreakerInput } from '../../machines/circuitBreaker.js';

const T0 = 1_000_000;

function start(input?: CircuitBreakerInput) {
  const clock = new SimulatedClock();
  clock.set(T0);
  const actor = createActor(circuitBreakerMachine, { input, clock });
  const emitted: CircuitBreakerEmitted[] = [];
  for (const type of ['circuit_breaker_opened', 'circuit_breaker_half_open', 'circuit_breaker_closed'] as const) {
    actor.on(type, (e) => emitted.push(e as CircuitBreakerEmitted));
  }
  actor.subscribe({ error: (e) => { throw e; } });
  actor.start();
  const state = () => actor.getSnapshot().value;
  const context = () => actor.getSnapshot().context;
  /** Reports one failure with the window's totals. */
  const fail = (failures: number, calls: number, at = clock.now()) => actor.send({ type: 'FAILURE', at, failures, calls });
  return { actor, clock, emitted, state, context, fail };
}

const options = { threshold: 3, volumeThreshold: 5, timeout: 10_000, halfOpenMaxCalls: 2 };

describe('circuitBreaker: oracles from the options', () => {
  it('starts CLOSED with the seed defaults 5 / 10 / 60000 / 1 and nothing counted', () => {
    const { state, context } = start();
    expect(state()).toBe('CLOSED');
    expect(context()).toEqual({
      threshold: 5,
      volumeThreshold: 10,
      timeout: 60_000,
      halfOpenMaxCalls: 1,
      failureCount: 0,
      callCount: 0,
      probes: 0,
      openings: 0,
      openedAt: null,
      openUntil: null,
      retryIn: 0,
      isolated: false,
    });
  });

  it('takes each option from the input', () => {
    const { context } = start(options);
    expect(context()).toMatchObject(options);
  });

  it('trips exactly at threshold failures among volumeThreshold calls, not one before', () => {
    const { state, context, fail, emitted } = start(options);
    fail(options.threshold - 1, options.volumeThreshold + 10);
    expect(state()).toBe('CLOSED');
    expect([context().failureCount, context().callCount]).toEqual([options.threshold - 1, options.volumeThreshold + 10]);
    fail(options.threshold + 10, options.volumeThreshold - 1);
    expect(state()).toBe('CLOSED');
    expect([context().failureCount, context().callCount]).toEqual([options.threshold + 10, options.volumeThreshold - 1]);
    expect(emitted).toEqual([]);
    fail(options.threshold, options.volumeThreshold, T0 + 7);
    expect(state()).toBe('OPEN');
    expect(context()).toMatchObject({
      failureCount: options.threshold,
      callCount: options.volumeThreshold,
      openings: 1,
      openedAt: T0 + 7,
      openUntil: T0 + 7 + options.timeout,
      retryIn: options.timeout,
      probes: 0,
      isolated: false,
    });
    expect(emitted).toEqual([
      { type: 'circuit_breaker_opened', at: T0 + 7, failureCount: options.threshold, nextAttempt: T0 + 7 + options.timeout },
    ]);
  });

  it('stays OPEN for exactly `timeout`, then HALF_OPEN with one half-open event', () => {
    const { state, clock, fail, emitted } = start(options);
    fail(options.threshold, options.volumeThreshold);
    clock.increment(options.timeout - 1);
    expect(state()).toBe('OPEN');
    clock.increment(1);
    expect(state()).toBe('HALF_OPEN');
    expect(emitted.at(-1)).toEqual({ type: 'circuit_breaker_half_open', openings: 1 });
  });

  it('admits exactly halfOpenMaxCalls probes; a released one frees its slot; never below 0', () => {
    const { actor, state, clock, fail, context } = start(options);
    fail(options.threshold, options.volumeThreshold);
    clock.increment(options.timeout);
    for (let i = 1; i <= options.halfOpenMaxCalls + 2; i++) {
      actor.send({ type: 'PROBE' });
      expect(context().probes).toBe(Math.min(i, options.halfOpenMaxCalls));
    }
    actor.send({ type: 'PROBE_RELEASED' });
    expect(context().probes).toBe(options.halfOpenMaxCalls - 1);
    actor.send({ type: 'PROBE' });
    expect(context().probes).toBe(options.halfOpenMaxCalls);
    for (let i = 0; i < options.halfOpenMaxCalls + 2; i++) actor.send({ type: 'PROBE_RELEASED' });
    expect(context().probes).toBe(0);
    actor.send({ type: 'PROBE' });
    expect(context().probes).toBe(1);
    expect(state()).toBe('HALF_OPEN');
  });

  it('a successful probe closes and forgets everything', () => {
    const { actor, state, clock, fail, context, emitted } = start(options);
    fail(options.threshold, options.volumeThreshold);
    clock.increment(options.timeout);
    actor.send({ type: 'PROBE' });
    actor.send({ type: 'PROBE_SUCCESS', at: T0 + 12_345 });
    expect(state()).toBe('CLOSED');
    expect(context()).toMatchObject({ failureCount: 0, callCount: 0, probes: 0, openUntil: null, isolated: false, openings: 1 });
    expect(emitted.at(-1)).toEqual({ type: 'circuit_breaker_closed', at: T0 + 12_345 });
  });

  it('a failed probe opens again for a whole `timeout` from its own time', () => {
    const { actor, state, clock, fail, context, emitted } = start(options);
    fail(options.threshold, options.volumeThreshold);
    clock.increment(options.timeout);
    actor.send({ type: 'PROBE' });
    const at = clock.now() + 3;
    actor.send({ type: 'PROBE_FAILURE', at });
    expect(state()).toBe('OPEN');
    expect(context()).toMatchObject({ openings: 2, openedAt: at, openUntil: at + options.timeout, retryIn: options.timeout, probes: 0 });
    expect(emitted.at(-1)).toEqual({ type: 'circuit_breaker_opened', at, failureCount: options.threshold, nextAttempt: at + options.timeout });
    clock.increment(options.timeout - 1);
    expect(state()).toBe('OPEN');
    clock.increment(1);
    expect(state()).toBe('HALF_OPEN');
    expect(emitted.at(-1)).toEqual({ type: 'circuit_breaker_half_open', openings: 2 });
  });

  it('ISOLATE holds it OPEN with no deadline, from CLOSED, OPEN and HALF_OPEN, until RESET', () => {
    for (const from of ['CLOSED', 'OPEN', 'HALF_OPEN'] as const) {
      const { actor, state, clock, fail, context, emitted } = start(options);
      if (from !== 'CLOSED') fail(options.threshold, options.volumeThreshold);
      if (from === 'HALF_OPEN') clock.increment(options.timeout);
      expect(state()).toBe(from);
      const before = emitted.length;
      actor.send({ type: 'ISOLATE', at: clock.now() });
      expect(state()).toBe('OPEN');
      expect(context()).toMatchObject({ isolated: true, openUntil: null });
      if (from !== 'OPEN') {
        expect(emitted.slice(before)).toEqual([
          { type: 'circuit_breaker_opened', at: clock.now(), failureCount: context().failureCount, nextAttempt: null },
        ]);
      }
      clock.increment(options.timeout * 5);
      expect(state()).toBe('OPEN');
      // A restored isolated breaker stays isolated, its timer untouched.
      actor.send({ type: 'RESUME', at: clock.now() });
      expect(context().retryIn).toBe(options.timeout);
      clock.increment(options.timeout * 5);
      expect(state()).toBe('OPEN');
      actor.send({ type: 'RESET', at: clock.now() });
      expect(state()).toBe('CLOSED');
      expect(context()).toMatchObject({ isolated: false, openUntil: null, failureCount: 0, callCount: 0 });
      expect(emitted.at(-1)).toEqual({ type: 'circuit_breaker_closed', at: clock.now() });
    }
  });

  it('RESET while CLOSED forgets the counts and emits nothing', () => {
    const { actor, state, fail, context, emitted } = start(options);
    fail(1, 1);
    actor.send({ type: 'RESET', at: T0 });
    expect(state()).toBe('CLOSED');
    expect([context().failureCount, context().callCount]).toEqual([0, 0]);
    expect(emitted).toEqual([]);
  });

  it('RESET from HALF_OPEN closes with a closed event and forgets everything', () => {
    const { actor, state, clock, fail, context, emitted } = start(options);
    fail(options.threshold, options.volumeThreshold);
    clock.increment(options.timeout);
    actor.send({ type: 'PROBE' });
    actor.send({ type: 'RESET', at: T0 + 99 });
    expect(state()).toBe('CLOSED');
    expect(context()).toMatchObject({ failureCount: 0, callCount: 0, probes: 0, openUntil: null, isolated: false });
    expect(emitted.at(-1)).toEqual({ type: 'circuit_breaker_closed', at: T0 + 99 });
  });

  it('RESUME re-arms OPEN for the time left until openUntil, or none when it has passed', () => {
    const { actor, state, clock, fail, context } = start(options);
    fail(options.threshold, options.volumeThreshold);
    const elapsed = 4_000;
    clock.increment(elapsed);
    actor.send({ type: 'RESUME', at: clock.now() });
    expect(context().retryIn).toBe(options.timeout - elapsed);
    clock.increment(options.timeout - elapsed - 1);
    expect(state()).toBe('OPEN');
    clock.increment(1);
    expect(state()).toBe('HALF_OPEN');

    const late = start(options);
    late.fail(options.threshold, options.volumeThreshold);
    late.actor.send({ type: 'RESUME', at: T0 + options.timeout * 3 });
    expect(late.context().retryIn).toBe(0);
    late.clock.increment(0);
    expect(late.state()).toBe('HALF_OPEN');
  });

  it('RESUME in HALF_OPEN frees every probe slot (a restored snapshot’s probes never report)', () => {
    const { actor, state, clock, fail, context } = start(options);
    fail(options.threshold, options.volumeThreshold);
    clock.increment(options.timeout);
    for (let i = 0; i < options.halfOpenMaxCalls; i++) actor.send({ type: 'PROBE' });
    expect(context().probes).toBe(options.halfOpenMaxCalls);
    actor.send({ type: 'RESUME', at: clock.now() });
    expect(state()).toBe('HALF_OPEN');
    expect(context()).toMatchObject({ probes: 0, openings: 1 });
  });

  it('CONFIGURE changes only the options it names', () => {
    const { actor, context } = start(options);
    actor.send({ type: 'CONFIGURE', threshold: 9 });
    expect(context()).toMatchObject({ ...options, threshold: 9 });
    actor.send({ type: 'CONFIGURE', volumeThreshold: 8 });
    actor.send({ type: 'CONFIGURE', timeout: 7 });
    actor.send({ type: 'CONFIGURE', halfOpenMaxCalls: 6 });
    expect(context()).toMatchObject({ threshold: 9, volumeThreshold: 8, timeout: 7, halfOpenMaxCalls: 6 });
  });

  it('a new timeout applies to the next opening', () => {
    const { actor, state, clock, fail } = start(options);
    actor.send({ type: 'CONFIGURE', timeout: 500 });
    fail(options.threshold, options.volumeThreshold);
    clock.increment(499);
    expect(state()).toBe('OPEN');
    clock.increment(1);
    expect(state()).toBe('HALF_OPEN');
  });

  it('ignores probe outcomes and failures where they do not apply', () => {
    const { actor, state, clock, fail, context } = start(options);
    actor.send({ type: 'PROBE' });
    actor.send({ type: 'PROBE_SUCCESS', at: T0 });
    actor.send({ type: 'PROBE_FAILURE', at: T0 });
    expect(state()).toBe('CLOSED');
    expect(context().probes).toBe(0);
    fail(options.threshold, options.volumeThreshold);
    fail(options.threshold + 1, options.volumeThreshold + 1);
    actor.send({ type: 'PROBE' });
    expect(state()).toBe('OPEN');
    expect(context()).toMatchObject({ openings: 1, failureCount: options.threshold, probes: 0 });
    clock.increment(options.timeout);
    fail(options.threshold, options.volumeThreshold);
    expect(state()).toBe('HALF_OPEN');
  });
});
