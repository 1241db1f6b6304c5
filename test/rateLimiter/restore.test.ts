/**
 * Item 8: a server pause restored from a snapshot is re-armed from its absolute end
 * (XState drops pending timers on restore), so it ends when it should instead of
 * holding every take for ever.
 */
import { describe, expect, it } from 'vitest';
import { SimulatedClock, type Snapshot } from 'xstate';
import { RateLimiter } from '../../src/rateLimiter/RateLimiter.js';

const T0 = 1_000_000;

function pausedSnapshot(ms: number, category = '*'): Snapshot<unknown> {
  const clock = new SimulatedClock();
  clock.set(T0);
  const limiter = new RateLimiter({ clock });
  limiter.pause(ms, category);
  expect(limiter.take(category === '*' ? 'api' : category)).toBe(ms);
  const snapshot = JSON.parse(JSON.stringify(limiter.actor.getPersistedSnapshot())) as Snapshot<unknown>;
  limiter.dispose();
  return snapshot;
}

const serverState = (limiter: RateLimiter) => (limiter.actor.getSnapshot().value as { server: string }).server;

describe('RateLimiter restored while a server pause is on', () => {
  it('resumes at the pause’s absolute end, not before', () => {
    const clock = new SimulatedClock();
    clock.set(T0 + 400); // 400 ms of the 1000 ms pause went by before the restore
    const limiter = new RateLimiter({ snapshot: pausedSnapshot(1_000), clock });
    const resumed: string[] = [];
    limiter.on('rate_limiter_resumed', (e) => resumed.push(e.type));
    expect(serverState(limiter)).toBe('paused');
    expect(limiter.take('api')).toBe(600);
    clock.increment(599);
    expect(serverState(limiter)).toBe('paused');
    clock.increment(1);
    expect(serverState(limiter)).toBe('running');
    expect(resumed).toEqual(['rate_limiter_resumed']);
    expect(limiter.take('api')).toBe(0);
    limiter.dispose();
  });

  it('resumes at once when the pause ended before the restore', () => {
    const clock = new SimulatedClock();
    clock.set(T0 + 5_000);
    const limiter = new RateLimiter({ snapshot: pausedSnapshot(1_000, 'heavy'), clock });
    clock.increment(0);
    expect(serverState(limiter)).toBe('running');
    expect(limiter.take('heavy')).toBe(0);
    limiter.dispose();
  });
});
