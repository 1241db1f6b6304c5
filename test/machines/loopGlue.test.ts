/** The glue between a connection machine and its reconnect loop, against hand-computed values. */
import { describe, expect, it } from 'vitest';
import { loopGlue, loopSnapshotOf, type LoopTracking } from '../../machines/reconnectLoop.js';

const snapshotEvent = (value: string, context: { attempts: number; delay: number; seed: number }) => ({
  type: 'xstate.snapshot.reconnect',
  snapshot: { value, context },
});

const tracking: LoopTracking = {
  reconnect: { base: 2_000, maxDelay: 30_000, maxAttempts: null, minUptime: 5_000, jitter: 'full', seed: 11 },
  attempts: 3,
  nextDelay: 4_000,
};

describe('loopGlue', () => {
  it('isIn: true only for the named state of the loop’s snapshot', () => {
    const waiting = snapshotEvent('waiting', { attempts: 1, delay: 5, seed: 2 });
    expect(loopGlue.isIn('waiting')({ event: waiting })).toBe(true);
    expect(loopGlue.isIn('attempting')({ event: waiting })).toBe(false);
    expect(loopSnapshotOf(waiting)).toBe(waiting.snapshot);
  });

  it('exhausted: true only for an `exhausted` outcome', () => {
    expect(loopGlue.exhausted({ event: { output: { outcome: 'exhausted' } } })).toBe(true);
    expect(loopGlue.exhausted({ event: { output: { outcome: 'stopped' } } })).toBe(false);
    expect(loopGlue.exhausted({ event: {} })).toBe(false);
  });

  it('progress copies the loop’s count, delay and seed into the parent', () => {
    const event = snapshotEvent('waiting', { attempts: 4, delay: 8_000, seed: 99 });
    expect(loopGlue.progress(tracking, event)).toEqual({
      attempts: 4,
      nextDelay: 8_000,
      reconnect: { ...tracking.reconnect, seed: 99 },
    });
  });

  it('reconnecting announces the next attempt (count + 1) and its delay; gaveUp the attempts spent', () => {
    expect(loopGlue.reconnecting(snapshotEvent('waiting', { attempts: 4, delay: 8_000, seed: 1 }))).toEqual({
      type: 'reconnecting',
      attempt: 5,
      delay: 8_000,
    });
    expect(loopGlue.gaveUp({ output: { attempts: 7 } })).toEqual({ type: 'max_reconnect_attempts', attempts: 7 });
    expect(loopGlue.gaveUp({})).toEqual({ type: 'max_reconnect_attempts', attempts: 0 });
  });

  it('input resumes the loop with the parent’s count and delay; null attempts means Infinity', () => {
    // Strict: an option the parent does not set is absent, not `undefined`.
    expect(loopGlue.input(tracking)).toStrictEqual({
      mode: 'reconnect',
      kind: 'exponential',
      base: 2_000,
      maxDelay: 30_000,
      maxAttempts: Infinity,
      minUptime: 5_000,
      jitter: 'full',
      seed: 11,
      attempts: 3,
      delay: 4_000,
    });
    const custom: LoopTracking = {
      ...tracking,
      reconnect: { ...tracking.reconnect, maxAttempts: 6, factor: 3, jitterRatio: 0.2, jitter: 'proportional' },
    };
    expect(loopGlue.input(custom, 750)).toEqual({
      mode: 'reconnect',
      kind: 'exponential',
      base: 750,
      factor: 3,
      maxDelay: 30_000,
      maxAttempts: 6,
      minUptime: 5_000,
      jitter: 'proportional',
      jitterRatio: 0.2,
      seed: 11,
      attempts: 3,
      delay: 4_000,
    });
  });
});
