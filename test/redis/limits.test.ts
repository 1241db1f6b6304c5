/**
 * Shared token buckets and server pauses through a real redis-server this file
 * starts on 127.0.0.1: two "processes" (two redisState objects, each with its
 * own client and instanceId) share one quota and one pause; clocks shifted by
 * ±30 s change nothing; every key written has a TTL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../src/http/ApiClient.js';
import { RateLimiter } from '../../src/rateLimiter/RateLimiter.js';
import { CircuitBreaker } from '../../src/breaker/CircuitBreaker.js';
import { ConfigError, RateLimitError } from '../../src/errors.js';
import { redisState, type RedisState } from '../../src/redis/index.js';
import { systemClock, type Clock } from '../../src/runtime/clock.js';
import { redisSuiteRuns, startRedisServer, type RedisTestServer } from '../helpers/redisServer.js';
import { json, startServer, type TestServer } from '../helpers/testServer.js';
import { waitFor } from '../helpers/wsServer.js';
import { closeRedis, connectRedis, keyTtls, type TestRedisClient } from './redisClient.js';

const PREFIX = 'limits-test:';
const shifted = (ms: number): Clock => ({ ...systemClock, now: () => Date.now() + ms });

describe.runIf(redisSuiteRuns('test/redis/limits.test.ts'))('shared limits and pauses (statewire/redis, real redis-server)', () => {
  let redis: RedisTestServer;
  let server: TestServer;
  const clients: TestRedisClient[] = [];
  const states: RedisState[] = [];
  const disposers: Array<() => unknown> = [];

  async function process(instanceId: string, extra: Partial<Parameters<typeof redisState>[0]> = {}): Promise<RedisState> {
    const client = await connectRedis(redis.url);
    clients.push(client);
    const state = redisState({ client, prefix: PREFIX, instanceId, commandTimeout: 1_000, ...extra });
    states.push(state);
    if (state.state !== 'connected') await new Promise<void>((resolve) => state.actor.subscribe((s) => s.matches('connected') && resolve()));
    return state;
  }
  function limiter(shared: RedisState, sharedKey: string, clock: Clock = systemClock): RateLimiter {
    const l = new RateLimiter({ shared, sharedKey, clock, limits: { api: { tokensPerSecond: 0.001, burstCapacity: 5 } } });
    disposers.push(() => l.dispose());
    return l;
  }

  beforeAll(async () => {
    redis = await startRedisServer();
    server = await startServer((req, res) =>
      req.url === '/busy' ? json(res, 429, { busy: true }, { 'Retry-After': '30' }) : req.url === '/boom' ? json(res, 500, { down: true }) : json(res, 200, { ok: true }),
    );
  });

  afterAll(async () => {
    for (const d of disposers) await d();
    for (const s of states) s.dispose();
    const check = redis ? await connectRedis(redis.url).catch(() => undefined) : undefined;
    if (check) {
      const ttls = await keyTtls(check, PREFIX);
      closeRedis(check);
      // Every key under the prefix expires (none may lock users out).
      expect(Object.values(ttls).length).toBeGreaterThan(0);
      expect(Object.entries(ttls).filter(([, ttl]) => !(ttl > 0))).toEqual([]);
    }
    for (const c of clients) closeRedis(c);
    await server?.close();
    await redis?.stop();
  });

  it('two processes take from one bucket: 5 tokens in all, then both are refused with the wait', async () => {
    const a = limiter(await process('a'), 'one-bucket');
    const b = limiter(await process('b'), 'one-bucket');
    const granted: number[] = [];
    for (const l of [a, b, a, b, a]) granted.push(await l.reserve('api'));
    expect(granted).toEqual([0, 0, 0, 0, 0]);
    expect(await a.reserve('api')).toBeGreaterThan(0);
    expect(await b.reserve('api')).toBeGreaterThan(0);
    expect(a.getStats()).toMatchObject({ totalRequests: 4, rateLimited: 1 });
    // Each alone would have granted 5 more: the local buckets are untouched.
    expect(a.take('api')).toBe(0);
  });

  it('acquire() waits on the shared bucket and rejects past maxWait with RateLimitError', async () => {
    const a = limiter(await process('a2'), 'acquire-bucket');
    for (let i = 0; i < 5; i++) await a.acquire('api');
    await expect(a.acquire('api', { maxWait: 10 })).rejects.toBeInstanceOf(RateLimitError);
  });

  it('a clock shifted by +30 s or -30 s changes nothing: the bucket runs on Redis TIME', async () => {
    const ahead = limiter(await process('ahead'), 'skewed', shifted(30_000));
    const behind = limiter(await process('behind'), 'skewed', shifted(-30_000));
    const results: number[] = [];
    for (const l of [ahead, behind, ahead, behind, ahead, behind]) results.push(await l.reserve('api'));
    expect(results.slice(0, 5)).toEqual([0, 0, 0, 0, 0]);
    expect(results[5]).toBeGreaterThan(0);
  });

  it('concurrent takes in one process go together: 20 at once on a bucket of 5 grant exactly 5, in fewer round trips than takes', async () => {
    const a = limiter(await process('together-a'), 'together');
    const b = limiter(await process('together-b'), 'together');
    const stats = await connectRedis(redis.url);
    clients.push(stats);
    const evals = async () => [...(await stats.info('commandstats')).matchAll(/cmdstat_eval(?:sha)?:calls=(\d+)/g)].reduce((n, m) => n + Number(m[1]), 0);
    const before = await evals();
    const waits = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).reserve('api')));
    const trips = (await evals()) - before;
    expect(waits.filter((w) => w === 0)).toHaveLength(5);
    // The refused ones are told a wait, not 0 and not a local decision.
    expect(waits.filter((w) => w > 0)).toHaveLength(15);
    expect(trips).toBeGreaterThanOrEqual(2);
    expect(trips).toBeLessThan(20);
    // Refused with the wait remembered: no round trip until then.
    expect(await a.reserve('api')).toBeGreaterThan(0);
  });

  it('with leasing, a round trip takes several tokens: still 5 in all across processes', async () => {
    const a = limiter(await process('lease-a', { lease: 3 }), 'leased');
    const b = limiter(await process('lease-b', { lease: 3 }), 'leased');
    let granted = 0;
    for (let i = 0; i < 8; i++) if ((await (i % 2 ? a : b).reserve('api')) === 0) granted++;
    expect(granted).toBeLessThanOrEqual(5);
    expect(granted).toBeGreaterThanOrEqual(3);
  });

  it("a 429 Retry-After seen by A pauses B's calls: B rejects without sending", async () => {
    const [sa, sb] = [await process('pause-a'), await process('pause-b')];
    const options = { baseURL: server.url, retries: 0, rateLimiter: true, sharedKey: 'paused-api' };
    const a = new ApiClient({ ...options, shared: sa });
    const b = new ApiClient({ ...options, shared: sb });
    disposers.push(() => a.dispose(), () => b.dispose());
    const heard = new Promise((resolve) => b.rateLimiter.on('rate_limiter_paused', resolve));
    await expect(a.get('/busy')).rejects.toMatchObject({ status: 429 });
    await heard;
    const before = server.requests.length;
    const refused = await b.get('/ok').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RateLimitError);
    expect(refused).toMatchObject({ reason: 'server' });
    expect(server.requests.length).toBe(before);
    // A process that joins later learns the pause from the take script (the pause key), not only from the message.
    const sc = await process('pause-c');
    const late = new RateLimiter({ shared: sc, sharedKey: 'paused-api', limits: { api: { tokensPerSecond: 100, burstCapacity: 100 } } });
    disposers.push(() => late.dispose());
    expect(await late.reserve('api')).toBeGreaterThan(20_000);
    await waitFor(() => late.serverPauseEnd('api') > Date.now(), 2_000, 'the late process paused');
  });

  it('an ApiClient with shared limits sends what the shared bucket grants and refuses the rest with RateLimitError', async () => {
    const [sa, sb] = [await process('api-a'), await process('api-b')];
    const options = { baseURL: server.url, retries: 0, rateLimiter: true, rateLimiterOptions: { limits: { api: { tokensPerSecond: 0.001, burstCapacity: 3 } } }, sharedKey: 'quota-api' };
    const a = new ApiClient({ ...options, shared: sa });
    const b = new ApiClient({ ...options, shared: sb });
    disposers.push(() => a.dispose(), () => b.dispose());
    const before = server.count('/q');
    const outcomes = [];
    for (const c of [a, b, a, b, a, b]) outcomes.push(await c.get('/q').then(() => 'sent', (e: unknown) => (e instanceof RateLimitError ? 'limited' : String(e))));
    expect(outcomes.filter((o) => o === 'sent')).toHaveLength(3);
    expect(outcomes.filter((o) => o === 'limited')).toHaveLength(3);
    expect(server.count('/q') - before).toBe(3);
  });

  it('an ApiClient with shared limits takes every attempt from the shared bucket, retries too', async () => {
    const [sa, sb] = [await process('retry-a'), await process('retry-b')];
    const options = { baseURL: server.url, retries: 2, retryDelay: 5, rateLimiter: true, rateLimiterOptions: { limits: { api: { tokensPerSecond: 0.001, burstCapacity: 2 } } }, sharedKey: 'retried-api' };
    const a = new ApiClient({ ...options, shared: sa });
    const b = new ApiClient({ ...options, shared: sb });
    disposers.push(() => a.dispose(), () => b.dispose());
    const before = server.count('/boom');
    // Attempt 1 and its first retry spend the shared quota of 2; the second retry finds it empty.
    const refused = await a.get('/boom').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RateLimitError);
    expect(refused).toMatchObject({ reason: 'client' });
    expect(server.count('/boom') - before).toBe(2);
    // The retries spent shared tokens, not A's own: B is refused too, without sending.
    const sent = server.requests.length;
    await expect(b.get('/ok')).rejects.toBeInstanceOf(RateLimitError);
    expect(server.requests.length).toBe(sent);
  });

  it('inspect sees the sharedState machine: the inspector shows whether the process decides alone', async () => {
    const seen: unknown[] = [];
    await process('inspected', {
      inspect: (e) => {
        if (e.type === '@xstate.snapshot') seen.push((e.snapshot as { value?: unknown }).value);
      },
    });
    expect(seen).toContainEqual({ degraded: 'checking' });
    expect(seen).toContainEqual('connected');
    expect(() => redisState({ client: clients[0]!, prefix: 'x', inspect: 42 as never })).toThrow(/inspect/);
  });

  it('bad options are ConfigErrors naming the option', async () => {
    const s = await process('config');
    expect(() => new RateLimiter({ shared: s })).toThrow(ConfigError);
    expect(() => new RateLimiter({ shared: s, sharedKey: 'a{b}' })).toThrow(/sharedKey/);
    expect(() => new RateLimiter({ sharedKey: 'x' })).toThrow(/shared/);
    expect(() => new ApiClient({ baseURL: server.url, shared: {} as never, sharedKey: 'x' })).toThrow(/shared/);
    expect(() => redisState({ client: {} as never, prefix: 'x' })).toThrow(/client/);
    expect(() => redisState({ client: clients[0]!, prefix: 'x', commandTimeout: 0 })).toThrow(/commandTimeout/);
    expect(() => redisState({ client: clients[0]!, prefix: 'x{' })).toThrow(/prefix/);
  });

  it('a wrong onError or clock is a ConfigError naming it; a disposed store refuses new limiters and breakers', async () => {
    await process('config2');
    const client = clients.at(-1)!;
    const refusal = (make: () => unknown): ConfigError => {
      try {
        make();
      } catch (error) {
        return error as ConfigError;
      }
      throw new Error('accepted');
    };
    for (const [option, value] of [['onError', 5], ['onError', 'console.error'], ['clock', 5], ['clock', { now: Date.now }]] as const) {
      const error = refusal(() => redisState({ client, prefix: PREFIX, [option]: value } as never));
      expect(error, `${option}: ${String(value)}`).toBeInstanceOf(ConfigError);
      expect([error.owner, error.option]).toEqual(['redisState', option]);
    }
    const gone = await process('disposed');
    gone.dispose();
    for (const make of [() => new RateLimiter({ shared: gone, sharedKey: 'after' }), () => new CircuitBreaker({ shared: gone, sharedKey: 'after' })]) {
      const error = refusal(make);
      expect(error).toBeInstanceOf(ConfigError);
      expect([error.option, error.message]).toEqual(['shared', expect.stringContaining('disposed')]);
    }
  });
});
