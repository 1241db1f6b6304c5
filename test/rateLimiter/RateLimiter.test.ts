import { describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import { RateLimiter } from '../../src/rateLimiter/RateLimiter.js';
import { ConfigError, RateLimitError } from '../../src/errors.js';

function setup(options: ConstructorParameters<typeof RateLimiter>[0] = {}) {
  const clock = new SimulatedClock();
  clock.set(50_000);
  const limiter = new RateLimiter({ limits: { api: { tokensPerSecond: 10, burstCapacity: 2 } }, clock, ...options });
  return { clock, limiter };
}

describe('RateLimiter', () => {
  describe('constructor', () => {
    it('has the seed categories with a merged override', () => {
      const { limiter } = setup();
      expect(Object.keys(limiter.limits).sort()).toEqual(['api', 'control', 'heavy', 'streaming']);
      expect(limiter.limits.api).toMatchObject({ tokensPerSecond: 10, burstCapacity: 2 });
    });

    it('refuses a non-positive rate with a ConfigError naming the category', () => {
      expect(() => new RateLimiter({ limits: { api: { tokensPerSecond: 0 } } })).toThrow(/limits\.api\.tokensPerSecond/);
    });
  });

  describe('take', () => {
    it('grants the burst, then answers with the wait for the next token', () => {
      const { limiter, clock } = setup();
      expect([limiter.take('api'), limiter.take('api')]).toEqual([0, 0]);
      expect(limiter.take('api')).toBe(100); // 10 tokens/s
      clock.increment(100);
      expect(limiter.take('api')).toBe(0);
    });

    it('counts totals and per-endpoint statistics', () => {
      const { limiter } = setup();
      limiter.take('api', '/users');
      limiter.take('api', '/users');
      limiter.take('api', '/orders');
      expect(limiter.getStats()).toEqual({
        totalRequests: 3,
        rateLimited: 1,
        byEndpoint: { '/users': { totalRequests: 2, rateLimited: 0 }, '/orders': { totalRequests: 1, rateLimited: 1 } },
      });
    });

    it('throws a ConfigError for an unknown category', () => {
      const { limiter } = setup();
      expect(() => limiter.take('bulk')).toThrow(ConfigError);
      expect(() => limiter.take('bulk')).toThrow(/bulk/);
    });

    it('reports a rejection episode once to the machine, not once per take', () => {
      const { limiter } = setup();
      const seen: number[] = [];
      limiter.on('rate_limited', (e) => seen.push(e.retryAfter));
      for (let i = 0; i < 50; i++) limiter.take('api');
      expect(seen).toEqual([100]);
      expect(limiter.actor.getSnapshot().context.lastLimited).toMatchObject({ category: 'api', retryAfter: 100 });
    });
  });

  describe('check', () => {
    it('throws RateLimitError with retryAfter in ms', () => {
      const { limiter } = setup();
      limiter.check();
      limiter.check();
      const error = (() => {
        try {
          limiter.check('api');
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(RateLimitError);
      expect(error).toMatchObject({ isRateLimitError: true, retryAfter: 100, category: 'api' });
    });
  });

  describe('acquire', () => {
    it('waits for the next token instead of failing', async () => {
      const { limiter, clock } = setup();
      limiter.take();
      limiter.take();
      let done = false;
      const waiting = limiter.acquire('api').then(() => (done = true));
      await Promise.resolve();
      expect(done).toBe(false);
      clock.increment(100);
      await waiting;
      expect(done).toBe(true);
      expect(limiter.getStats()).toMatchObject({ totalRequests: 3, rateLimited: 1 });
    });

    it('rejects when the wait would exceed maxWait, and on abort', async () => {
      const { limiter } = setup();
      limiter.take();
      limiter.take();
      await expect(limiter.acquire('api', { maxWait: 50 })).rejects.toBeInstanceOf(RateLimitError);
      const controller = new AbortController();
      const waiting = limiter.acquire('api', { signal: controller.signal });
      controller.abort(new Error('gave up'));
      await expect(waiting).rejects.toThrow('gave up');
    });

    it('rejects pending waits on dispose so nothing hangs', async () => {
      const { limiter } = setup();
      limiter.take();
      limiter.take();
      const waiting = limiter.acquire('api');
      limiter.dispose();
      await expect(waiting).rejects.toThrow(/disposed/);
    });
  });

  describe('pause', () => {
    it('holds one category for a server-imposed wait, then resumes', () => {
      const { limiter, clock } = setup();
      limiter.pause(2_000, 'api');
      expect(limiter.actor.getSnapshot().value).toEqual({ limiting: 'enabled', server: 'paused' });
      expect(limiter.take('api')).toBe(2_000);
      expect(limiter.take('heavy')).toBe(0);
      clock.increment(2_000);
      expect(limiter.actor.getSnapshot().value).toEqual({ limiting: 'enabled', server: 'running' });
      expect(limiter.take('api')).toBe(0);
    });

    it('with * holds every category', () => {
      const { limiter, clock } = setup();
      limiter.pause(500);
      clock.increment(200);
      expect([limiter.take('api'), limiter.take('control')]).toEqual([300, 300]);
    });
  });

  describe('enable / disable', () => {
    it('grants everything while disabled and counts it', () => {
      const { limiter } = setup();
      limiter.disable();
      expect(limiter.enabled).toBe(false);
      for (let i = 0; i < 10; i++) expect(limiter.take('api')).toBe(0);
      limiter.enable();
      expect(limiter.enabled).toBe(true);
      expect(limiter.getStats().totalRequests).toBe(10);
    });

    it('still honours a server-imposed pause while disabled', () => {
      const { limiter, clock } = setup({ enabled: false });
      limiter.pause(1_000, 'api');
      limiter.pause(500, 'api'); // a second pause while paused
      expect(limiter.enabled).toBe(false); // a pause does not switch limiting back on
      expect(limiter.take('api')).toBe(1_000);
      clock.increment(1_000);
      expect(limiter.take('api')).toBe(0);
      expect(() => limiter.take('nope')).toThrow(/unknown rate limit category/);
    });

    it('can start disabled', () => {
      const { limiter } = setup({ enabled: false });
      expect(limiter.actor.getSnapshot().value).toEqual({ limiting: 'disabled', server: 'running' });
    });
  });

  describe('limits', () => {
    it('live limits reconfigure the bucket, like the seed`s limits.api.tokensPerSecond = 50', () => {
      const { limiter, clock } = setup();
      limiter.take();
      limiter.take();
      limiter.limits.api!.tokensPerSecond = 1_000;
      limiter.limits.api!.burstCapacity = 5;
      expect(limiter.actor.getSnapshot().context.limits.api).toEqual({ tokensPerSecond: 1_000, burstCapacity: 5 });
      expect(limiter.take()).toBe(1);
      clock.increment(5);
      for (let i = 0; i < 5; i++) expect(limiter.take()).toBe(0);
      expect(() => (limiter.limits.api!.tokensPerSecond = -1)).toThrow(ConfigError);
    });

    it('configure adds a user-defined category', () => {
      const { limiter } = setup();
      limiter.configure('search', { tokensPerSecond: 1, burstCapacity: 1 });
      expect(limiter.take('search')).toBe(0);
      expect(limiter.take('search')).toBe(1_000);
    });
  });
});
