import { describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import { CircuitBreaker, REJECTED } from '../../src/breaker/CircuitBreaker.js';
import { CircuitBreakerError, ConfigError } from '../../src/errors.js';

function setup(options: ConstructorParameters<typeof CircuitBreaker>[0] = {}) {
  const clock = new SimulatedClock();
  clock.set(1_000_000);
  const errors: unknown[] = [];
  const breaker = new CircuitBreaker({
    threshold: 3,
    volumeThreshold: 5,
    timeout: 10_000,
    windowMs: 60_000,
    clock,
    onError: (e) => errors.push(e),
    ...options,
  });
  const events: string[] = [];
  breaker.on('circuit_breaker_opened', (e) => events.push(`opened:${e.failureCount}`));
  breaker.on('circuit_breaker_half_open', () => events.push('half_open'));
  breaker.on('circuit_breaker_closed', () => events.push('closed'));
  return { clock, breaker, events, errors };
}

/** Reports `n` outcomes through the hot path. */
function calls(breaker: CircuitBreaker, n: number, ok: boolean) {
  for (let i = 0; i < n; i++) {
    const t = breaker.admit();
    expect(t).not.toBe(REJECTED);
    if (ok) breaker.success(t);
    else breaker.failure(t);
  }
}

describe('CircuitBreaker', () => {
  describe('constructor', () => {
    it('uses the seed defaults: threshold 5, volumeThreshold 10, timeout 60000', () => {
      const b = new CircuitBreaker();
      expect([b.threshold, b.volumeThreshold, b.timeout]).toEqual([5, 10, 60_000]);
      expect(b.state).toBe('CLOSED');
      b.dispose();
    });

    it('refuses bad options with a ConfigError naming the option', () => {
      expect(() => new CircuitBreaker({ threshold: 0 })).toThrow(ConfigError);
      expect(() => new CircuitBreaker({ timeout: -1 })).toThrow(/timeout/);
      expect(() => new CircuitBreaker({ threshold: 'five' as never })).toThrow(/threshold/);
    });
  });

  describe('admit / success / failure', () => {
    it('opens when failures reach the threshold among at least volumeThreshold calls', () => {
      const { breaker, events } = setup();
      calls(breaker, 3, false); // 3 failures but only 3 calls < volumeThreshold 5
      expect(breaker.state).toBe('CLOSED');
      calls(breaker, 1, true);
      calls(breaker, 1, false); // 4 failures among 5 calls
      expect(breaker.state).toBe('OPEN');
      expect(events).toEqual(['opened:4']);
      expect(breaker.getState()).toEqual({ state: 'OPEN', failureCount: 4, nextAttempt: 1_010_000 });
    });

    it('does not count failures that have left the rolling window', () => {
      const { breaker, clock } = setup({ windowMs: 10_000 });
      calls(breaker, 2, false);
      clock.increment(11_000);
      calls(breaker, 2, true);
      calls(breaker, 1, false); // only 1 failure in the window
      expect(breaker.state).toBe('CLOSED');
      expect(breaker.getWindow()).toMatchObject({ calls: 3, failures: 1 });
    });

    it('rejects at once while OPEN, then lets one probe through after the timeout', () => {
      const { breaker, clock, events } = setup();
      calls(breaker, 5, false);
      expect(breaker.admit()).toBe(REJECTED);
      clock.increment(9_999);
      expect(breaker.state).toBe('OPEN');
      clock.increment(1);
      expect(breaker.state).toBe('HALF_OPEN');
      const probe = breaker.admit();
      expect(probe).toBeGreaterThan(1);
      expect(breaker.admit()).toBe(REJECTED); // halfOpenMaxCalls 1
      breaker.success(probe);
      expect(breaker.state).toBe('CLOSED');
      expect(events).toEqual(['opened:5', 'half_open', 'closed']); // 5th call meets the volume
      expect(breaker.getWindow()).toMatchObject({ calls: 0, failures: 0 });
    });

    it('re-opens for a full timeout when the probe fails', () => {
      const { breaker, clock } = setup();
      calls(breaker, 5, false);
      clock.increment(10_000);
      breaker.failure(breaker.admit());
      expect(breaker.getState()).toMatchObject({ state: 'OPEN', nextAttempt: clock.now() + 10_000 });
    });

    it('admits halfOpenMaxCalls probes and frees a slot when a probe is released', () => {
      const { breaker, clock } = setup({ halfOpenMaxCalls: 2 });
      calls(breaker, 5, false);
      clock.increment(10_000);
      const a = breaker.admit();
      const b = breaker.admit();
      expect([a > 1, b > 1, breaker.admit()]).toEqual([true, true, REJECTED]);
      breaker.release(a);
      expect(breaker.admit()).toBeGreaterThan(1);
      expect(breaker.state).toBe('HALF_OPEN');
    });

    it('ignores outcomes of calls admitted before the state changed', () => {
      const { breaker, clock } = setup();
      const stale = breaker.admit(); // admitted while CLOSED
      calls(breaker, 5, false);
      breaker.failure(stale); // reported while OPEN: already judged
      clock.increment(10_000);
      breaker.success(stale); // an ordinary call cannot close a HALF_OPEN circuit
      expect(breaker.state).toBe('HALF_OPEN');
      const oldProbe = breaker.admit();
      breaker.failure(oldProbe);
      clock.increment(10_000);
      breaker.admit(); // the new period's probe
      breaker.success(oldProbe); // a probe from the previous period
      expect(breaker.state).toBe('HALF_OPEN');
    });
  });

  describe('execute', () => {
    it('passes results and errors through and counts them', async () => {
      const { breaker } = setup({ threshold: 1, volumeThreshold: 1 });
      await expect(breaker.execute(async () => 42)).resolves.toBe(42);
      await expect(breaker.execute(async () => Promise.reject(new Error('down')))).rejects.toThrow('down');
      expect(breaker.state).toBe('OPEN');
    });

    it('rejects with CircuitBreakerError without calling the function while OPEN', async () => {
      const { breaker } = setup({ threshold: 1, volumeThreshold: 1 });
      breaker.failure(breaker.admit());
      let called = false;
      const error = await breaker.execute(async () => (called = true)).catch((e: unknown) => e);
      expect(called).toBe(false);
      expect(error).toBeInstanceOf(CircuitBreakerError);
      expect((error as CircuitBreakerError).isCircuitBreakerError).toBe(true);
      expect((error as CircuitBreakerError).nextAttempt).toBe(1_010_000);
    });

    it('does not count errors that isFailure rejects', async () => {
      const { breaker } = setup({ threshold: 1, volumeThreshold: 1 });
      await breaker.execute(() => Promise.reject(new Error('404')), () => false).catch(() => {});
      expect(breaker.state).toBe('CLOSED');
    });
  });

  describe('reset / isolate', () => {
    it('isolate holds the circuit open past its timeout until reset', () => {
      const { breaker, clock, events } = setup();
      breaker.isolate();
      clock.increment(1_000_000);
      expect(breaker.getState()).toEqual({ state: 'OPEN', failureCount: 0, nextAttempt: null });
      breaker.reset();
      expect(breaker.state).toBe('CLOSED');
      expect(events).toEqual(['opened:0', 'closed']);
    });

    it('reset forgets the failures counted so far', () => {
      const { breaker } = setup();
      calls(breaker, 4, false);
      breaker.reset();
      calls(breaker, 1, false);
      expect(breaker.getState().failureCount).toBe(1);
    });
  });

  describe('threshold / timeout setters', () => {
    it('reconfigures at run time, like the seed`s circuitBreaker.threshold = 3', () => {
      const { breaker, clock } = setup({ threshold: 10, volumeThreshold: 1 });
      breaker.threshold = 2;
      breaker.timeout = 500;
      calls(breaker, 2, false);
      expect(breaker.state).toBe('OPEN');
      clock.increment(500);
      expect(breaker.state).toBe('HALF_OPEN');
      expect(() => (breaker.threshold = -1)).toThrow(ConfigError);
    });
  });

  describe('persistence', () => {
    it('an OPEN snapshot restored from JSON moves to HALF_OPEN after the remaining time, not before, not never', () => {
      const { breaker, clock } = setup();
      calls(breaker, 5, false);
      clock.increment(4_000); // 6 s of the 10 s left
      const json = JSON.stringify(breaker.actor.getPersistedSnapshot());
      breaker.dispose();

      const restored = new CircuitBreaker({ snapshot: JSON.parse(json), clock });
      expect(restored.state).toBe('OPEN');
      expect(restored.admit()).toBe(REJECTED);
      clock.increment(5_999);
      expect(restored.state).toBe('OPEN');
      clock.increment(1);
      expect(restored.state).toBe('HALF_OPEN');
      restored.dispose();
    });

    it('a snapshot restored after its deadline moves to HALF_OPEN at once', () => {
      const { breaker, clock } = setup();
      calls(breaker, 5, false);
      const json = JSON.stringify(breaker.actor.getPersistedSnapshot());
      breaker.dispose();
      clock.increment(60_000);
      const restored = new CircuitBreaker({ snapshot: JSON.parse(json), clock });
      clock.increment(0);
      expect(restored.state).toBe('HALF_OPEN');
      restored.dispose();
    });

    it('keeps an isolated circuit isolated across a restore', () => {
      const { breaker, clock } = setup();
      breaker.isolate();
      const json = JSON.stringify(breaker.actor.getPersistedSnapshot());
      breaker.dispose();
      const restored = new CircuitBreaker({ snapshot: JSON.parse(json), clock });
      clock.increment(1_000_000);
      expect(restored.state).toBe('OPEN');
      restored.dispose();
    });
  });
});
