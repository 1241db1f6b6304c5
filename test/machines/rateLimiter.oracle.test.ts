/**
 * The rate limiter machine against oracles computed from its inputs: the seed's
 * default limits, merging, pause deadlines (the latest wins), the resume time,
 * emitted payloads. The model tests only replay the machine against itself.
 */
import { describe, expect, it } from 'vitest';
import { createActor, SimulatedClock } from 'xstate';
import { defaultRateLimits, rateLimiterMachine, type RateLimiterEmitted, type RateLimiterInput } from '../../machines/rateLimiter.js';

const T0 = 50_000;

function start(input?: RateLimiterInput) {
  const clock = new SimulatedClock();
  clock.set(T0);
  const actor = createActor(rateLimiterMachine, { input, clock });
  const emitted: RateLimiterEmitted[] = [];
  for (const type of ['rate_limited', 'rate_limiter_paused', 'rate_limiter_resumed'] as const) {
    actor.on(type, (e) => emitted.push(e as RateLimiterEmitted));
  }
  actor.subscribe({ error: (e) => { throw e; } });
  actor.start();
  return { actor, clock, emitted, value: () => actor.getSnapshot().value, context: () => actor.getSnapshot().context };
}

describe('rateLimiter: oracles from the inputs', () => {
  it('has the seed’s four categories and their limits', () => {
    expect(defaultRateLimits).toEqual({
      api: { tokensPerSecond: 20, burstCapacity: 30 },
      heavy: { tokensPerSecond: 2, burstCapacity: 5 },
      streaming: { tokensPerSecond: 10, burstCapacity: 20 },
      control: { tokensPerSecond: 50, burstCapacity: 100 },
    });
    const { value, context } = start();
    expect(value()).toEqual({ limiting: 'enabled', server: 'running' });
    expect(context()).toEqual({ limits: defaultRateLimits, pausedUntil: {}, resumeIn: 0, lastLimited: null });
  });

  it('merges given limits over a category’s own defaults, and new categories over api’s', () => {
    const { context } = start({
      limits: { heavy: { burstCapacity: 9 }, control: { tokensPerSecond: 7 }, search: { tokensPerSecond: 5 }, bulk: { burstCapacity: 3 } },
    });
    expect(context().limits).toEqual({
      api: { tokensPerSecond: 20, burstCapacity: 30 },
      heavy: { tokensPerSecond: 2, burstCapacity: 9 },
      streaming: { tokensPerSecond: 10, burstCapacity: 20 },
      control: { tokensPerSecond: 7, burstCapacity: 100 },
      search: { tokensPerSecond: 5, burstCapacity: 30 },
      bulk: { tokensPerSecond: 20, burstCapacity: 3 },
    });
    // The defaults themselves are never changed by a merge.
    expect(defaultRateLimits.heavy).toEqual({ tokensPerSecond: 2, burstCapacity: 5 });
  });

  it('DISABLE / ENABLE switch limiting only', () => {
    const { actor, value } = start();
    actor.send({ type: 'DISABLE' });
    expect(value()).toEqual({ limiting: 'disabled', server: 'running' });
    actor.send({ type: 'DISABLE' });
    expect(value()).toEqual({ limiting: 'disabled', server: 'running' });
    actor.send({ type: 'ENABLE' });
    expect(value()).toEqual({ limiting: 'enabled', server: 'running' });
  });

  it('a pause lasts exactly `ms` from its `at`, then resumes and forgets every deadline', () => {
    const { actor, clock, value, context, emitted } = start();
    actor.send({ type: 'PAUSE', category: 'api', ms: 1_000, at: T0 });
    expect(value()).toEqual({ limiting: 'enabled', server: 'paused' });
    expect(context()).toMatchObject({ pausedUntil: { api: T0 + 1_000 }, resumeIn: 1_000 });
    expect(emitted).toEqual([{ type: 'rate_limiter_paused', category: 'api', until: T0 + 1_000 }]);
    clock.increment(999);
    expect(value()).toEqual({ limiting: 'enabled', server: 'paused' });
    clock.increment(1);
    expect(value()).toEqual({ limiting: 'enabled', server: 'running' });
    expect(context()).toMatchObject({ pausedUntil: {}, resumeIn: 0 });
    expect(emitted.at(-1)).toEqual({ type: 'rate_limiter_resumed' });
  });

  it('overlapping pauses: each category keeps its latest end; the resume waits for the latest of all', () => {
    const { actor, clock, value, context, emitted } = start();
    actor.send({ type: 'PAUSE', category: 'api', ms: 1_000, at: T0 });
    clock.increment(200);
    // Shorter than what api already has: api keeps T0 + 1000.
    actor.send({ type: 'PAUSE', category: 'api', ms: 300, at: T0 + 200 });
    expect(context().pausedUntil).toEqual({ api: T0 + 1_000 });
    expect(context().resumeIn).toBe(800);
    expect(emitted).toEqual([
      { type: 'rate_limiter_paused', category: 'api', until: T0 + 1_000 },
      { type: 'rate_limiter_paused', category: 'api', until: T0 + 1_000 },
    ]);
    actor.send({ type: 'PAUSE', category: '*', ms: 2_000, at: T0 + 200 });
    expect(context().pausedUntil).toEqual({ api: T0 + 1_000, '*': T0 + 2_200 });
    expect(context().resumeIn).toBe(2_000);
    clock.increment(1_999);
    expect(value()).toMatchObject({ server: 'paused' });
    clock.increment(1);
    expect(value()).toMatchObject({ server: 'running' });
  });

  it('a pause leaves limiting as it was (disabled stays disabled)', () => {
    const { actor, clock, value } = start();
    actor.send({ type: 'DISABLE' });
    actor.send({ type: 'PAUSE', category: '*', ms: 100, at: T0 });
    expect(value()).toEqual({ limiting: 'disabled', server: 'paused' });
    actor.send({ type: 'PAUSE', category: 'heavy', ms: 50, at: T0 });
    expect(value()).toEqual({ limiting: 'disabled', server: 'paused' });
    clock.increment(100);
    expect(value()).toEqual({ limiting: 'disabled', server: 'running' });
  });

  it('RESUME re-arms for the time left until the latest end, or resumes at once when it has passed', () => {
    const { actor, clock, value, context } = start();
    actor.send({ type: 'PAUSE', category: 'api', ms: 1_000, at: T0 });
    actor.send({ type: 'PAUSE', category: 'heavy', ms: 600, at: T0 });
    clock.increment(300);
    actor.send({ type: 'RESUME', at: T0 + 300 });
    expect(context().resumeIn).toBe(700);
    clock.increment(699);
    expect(value()).toMatchObject({ server: 'paused' });
    clock.increment(1);
    expect(value()).toMatchObject({ server: 'running' });

    const late = start();
    late.actor.send({ type: 'PAUSE', category: 'api', ms: 1_000, at: T0 });
    late.actor.send({ type: 'RESUME', at: T0 + 5_000 });
    expect(late.context().resumeIn).toBe(0);
    late.clock.increment(0);
    expect(late.value()).toMatchObject({ server: 'running' });
    // RESUME while running changes nothing.
    late.actor.send({ type: 'RESUME', at: T0 });
    expect(late.value()).toMatchObject({ server: 'running' });
  });

  it('CONFIGURE sets one category (a copy) and leaves the others', () => {
    const { actor, context } = start();
    const limit = { tokensPerSecond: 3, burstCapacity: 4 };
    actor.send({ type: 'CONFIGURE', category: 'api', limit });
    limit.tokensPerSecond = 99;
    expect(context().limits).toEqual({ ...defaultRateLimits, api: { tokensPerSecond: 3, burstCapacity: 4 } });
    actor.send({ type: 'CONFIGURE', category: 'search', limit: { tokensPerSecond: 1, burstCapacity: 1 } });
    expect(context().limits.search).toEqual({ tokensPerSecond: 1, burstCapacity: 1 });
    expect(context().limits.api).toEqual({ tokensPerSecond: 3, burstCapacity: 4 });
  });

  it('LIMITED records the episode and emits rate_limited with its category and retryAfter', () => {
    const { actor, context, emitted, value } = start();
    actor.send({ type: 'LIMITED', category: 'heavy', retryAfter: 450, at: T0 + 5 });
    expect(context().lastLimited).toEqual({ category: 'heavy', retryAfter: 450, at: T0 + 5 });
    expect(emitted).toEqual([{ type: 'rate_limited', category: 'heavy', retryAfter: 450 }]);
    expect(value()).toEqual({ limiting: 'enabled', server: 'running' });
  });
});
