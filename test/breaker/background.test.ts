/** Item 17: background timers are unref'd, and dispose() clears them. */
import { describe, expect, it } from 'vitest';
import { backgroundClock, systemClock, type Clock } from '../../src/runtime/clock.js';
import { CircuitBreaker } from '../../src/breaker/CircuitBreaker.js';
import { RateLimiter } from '../../src/rateLimiter/RateLimiter.js';

/** The system clock, recording the timers it sets and clears. */
function recordingClock() {
  const live = new Set<unknown>();
  const clock: Clock = {
    now: () => Date.now(),
    setTimeout: (fn, ms) => {
      const id = systemClock.setTimeout(() => (live.delete(id), fn()), ms);
      live.add(id);
      return id;
    },
    clearTimeout: (id) => (live.delete(id), systemClock.clearTimeout(id)),
  };
  return { clock, live };
}

describe('backgroundClock', () => {
  it('unrefs Node timers and leaves the plain system clock alone', () => {
    const background = backgroundClock(systemClock).setTimeout(() => {}, 60_000) as NodeJS.Timeout;
    const plain = systemClock.setTimeout(() => {}, 60_000) as NodeJS.Timeout;
    expect(background.hasRef()).toBe(false);
    expect(plain.hasRef()).toBe(true);
    systemClock.clearTimeout(background);
    systemClock.clearTimeout(plain);
  });

  it('passes through a clock whose ids are not Node timers', () => {
    const ids: unknown[] = [];
    const fake: Clock = { now: () => 7, setTimeout: () => (ids.push(42), 42), clearTimeout: (id) => ids.push(-(id as number)) };
    const clock = backgroundClock(fake);
    expect(clock.now()).toBe(7);
    expect(clock.setTimeout(() => {}, 5)).toBe(42);
    clock.clearTimeout(42);
    expect(ids).toEqual([42, -42]);
  });
});

describe('dispose() clears the background timers', () => {
  it('an OPEN breaker: its OPEN → HALF_OPEN timer is unref’d, then gone after dispose', () => {
    const { clock, live } = recordingClock();
    const breaker = new CircuitBreaker({ threshold: 1, volumeThreshold: 1, timeout: 60_000, clock });
    breaker.failure(breaker.admit());
    expect(breaker.state).toBe('OPEN');
    expect(live.size).toBe(1);
    expect([...live].every((id) => !(id as NodeJS.Timeout).hasRef())).toBe(true);
    breaker.dispose();
    expect(live.size).toBe(0);
  });

  it('a paused limiter: its resume timer is unref’d, then gone after dispose', () => {
    const { clock, live } = recordingClock();
    const limiter = new RateLimiter({ clock });
    limiter.pause(60_000);
    expect(live.size).toBe(1);
    expect([...live].every((id) => !(id as NodeJS.Timeout).hasRef())).toBe(true);
    limiter.dispose();
    expect(live.size).toBe(0);
  });
});
