/**
 * Redis trouble never stalls a request: a real redis-server this file starts on
 * 127.0.0.1 is killed mid-run (every request still completes or fails with a
 * clear error, decisions fall back to the local limiter and breaker,
 * `shared_state_degraded` fires), then started again empty on the same port
 * (no scripts: NOSCRIPT → EVAL): shared again, `shared_state_restored`. A store
 * unreachable from the start never makes a request wait either.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../src/http/ApiClient.js';
import { RateLimiter } from '../../src/rateLimiter/RateLimiter.js';
import { RateLimitError } from '../../src/errors.js';
import { redisState, type RedisState } from '../../src/redis/index.js';
import { redisSuiteRuns, startRedisServer, type RedisTestServer } from '../helpers/redisServer.js';
import { json, startServer, type TestServer } from '../helpers/testServer.js';
import { waitFor } from '../helpers/wsServer.js';
import { closeRedis, connectRedis, type TestRedisClient } from './redisClient.js';
import { createClient } from 'redis';

const PREFIX = 'outage-test:';

describe.runIf(redisSuiteRuns('test/redis/outage.test.ts'))('Redis outages (statewire/redis, real redis-server)', () => {
  let redis: RedisTestServer;
  let server: TestServer;
  const clients: TestRedisClient[] = [];
  const states: RedisState[] = [];
  const apis: ApiClient[] = [];

  beforeAll(async () => {
    redis = await startRedisServer();
    server = await startServer((_req, res) => json(res, 200, { ok: true }));
  });

  afterAll(async () => {
    for (const a of apis) await a.dispose();
    for (const s of states) s.dispose();
    for (const c of clients) closeRedis(c);
    await server?.close();
    await redis?.stop();
  });

  it('killed mid-run: every request settles, the local limiter decides, degraded fires; back empty: shared again, restored', async () => {
    const client = await connectRedis(redis.url);
    clients.push(client);
    // A generous command timeout: a loaded test machine must not look like an outage.
    const shared = redisState({ client, prefix: PREFIX, commandTimeout: 1_000, recheckMs: 50 });
    states.push(shared);
    const events: string[] = [];
    shared.on('shared_state_degraded', (e) => events.push(`degraded: ${e.reason}`));
    shared.on('shared_state_restored', () => events.push('restored'));
    await waitFor(() => shared.state === 'connected', 5_000, 'connected');
    // Shared quota of 2 (local burst 4): what the shared bucket refuses shows it decides.
    const api = new ApiClient({
      baseURL: server.url,
      retries: 0,
      rateLimiter: true,
      rateLimiterOptions: { limits: { api: { tokensPerSecond: 0.001, burstCapacity: 2 } } },
      shared,
      sharedKey: 'outage',
    });
    apis.push(api);
    const settle = (p: Promise<unknown>) => p.then(() => 'sent', (e: unknown) => (e instanceof RateLimitError ? 'limited' : `error: ${(e as Error).message}`));
    expect(await Promise.all([1, 2, 3].map(() => settle(api.get('/a'))))).toEqual(['sent', 'sent', 'limited']);

    await redis.kill();
    // In flight while Redis dies, and after: each settles (sent by the local bucket, or refused by it).
    const during = await Promise.all(Array.from({ length: 6 }, () => settle(api.get('/b'))));
    expect(during.every((o) => o === 'sent' || o === 'limited')).toBe(true);
    await waitFor(() => events.some((e) => e.startsWith('degraded')), 5_000, 'shared_state_degraded');
    expect(shared.state).toBe('degraded');
    expect(shared.actor.getSnapshot().context.waitingFor).not.toBeNull();
    // Degraded: the local bucket (burst 2, untouched so far by shared grants) decides, with no wait on Redis.
    const local = api.rateLimiter.getStats().totalRequests;
    const whileDown = await Promise.all(Array.from({ length: 3 }, () => settle(api.get('/c'))));
    expect(whileDown.every((o) => o === 'sent' || o === 'limited')).toBe(true);
    expect(api.rateLimiter.getStats().totalRequests).toBe(local + 3);

    await redis.restart();
    await waitFor(() => events.includes('restored'), 10_000, 'shared_state_restored');
    expect(shared.state, events.join('; ')).toBe('connected');
    // The fresh Redis has no scripts (NOSCRIPT) and a full bucket: the shared bucket decides again.
    expect(await Promise.all([1, 2, 3].map(() => settle(api.get('/d'))))).toEqual(['sent', 'sent', 'limited']);
    const check = await connectRedis(redis.url);
    clients.push(check);
    expect(await check.pTTL(`${PREFIX}{outage}:bucket:api`)).toBeGreaterThan(0);
  });

  it('a busy event loop here is not an outage: a reply that waited on this process, not on Redis, still counts (no degraded)', async () => {
    const client = await connectRedis(redis.url);
    clients.push(client);
    const shared = redisState({ client, prefix: PREFIX, commandTimeout: 200 });
    states.push(shared);
    await waitFor(() => shared.state === 'connected', 5_000, 'connected');
    const degraded: string[] = [];
    shared.on('shared_state_degraded', (e) => degraded.push(e.reason));
    const limiter = new RateLimiter({ shared, sharedKey: 'busy-loop', limits: { api: { tokensPerSecond: 10, burstCapacity: 5 } } });
    try {
      expect(await limiter.reserve('api')).toBe(0); // scripts loaded
      const take = limiter.reserve('api');
      // A long synchronous task (a big JSON.parse, a module compiling) right after the command went out.
      const end = performance.now() + 600;
      while (performance.now() < end);
      expect(await take).toBe(0);
      expect(degraded).toEqual([]);
      expect(shared.state).toBe('connected');
      expect(await client.exists(`${PREFIX}{busy-loop}:bucket:api`)).toBe(1);
    } finally {
      limiter.dispose();
    }
  });

  it('a hung Redis (SIGSTOP: sockets open, no replies): a take waits at most about the command timeout, then the process decides alone', async () => {
    const client = await connectRedis(redis.url);
    clients.push(client);
    const shared = redisState({ client, prefix: PREFIX, commandTimeout: 200, recheckMs: 50 });
    states.push(shared);
    await waitFor(() => shared.state === 'connected', 5_000, 'connected');
    const degraded = new Promise((resolve) => shared.on('shared_state_degraded', resolve));
    const limiter = new RateLimiter({ shared, sharedKey: 'hung', limits: { api: { tokensPerSecond: 10, burstCapacity: 5 } } });
    try {
      redis.freeze();
      // The shared takes get no reply (the first in flight, the others queued behind it to go next):
      // each settles from the local bucket (granted), none hangs.
      expect(await Promise.all([1, 2, 3, 4].map(() => limiter.reserve('api')))).toEqual([0, 0, 0, 0]);
      await degraded;
      // Degraded: decided at once, locally, with no promise and no command.
      expect(limiter.reserve('api')).toBe(0);
    } finally {
      redis.thaw();
      limiter.dispose();
    }
    await waitFor(() => shared.state === 'connected', 10_000, 'connected again once Redis answers');
  });

  it('unreachable from the start: no request waits, the process is degraded, and connects when Redis comes up', async () => {
    const port = redis.port;
    await redis.kill();
    const client = createClient({ url: `redis://127.0.0.1:${port}`, socket: { reconnectStrategy: () => 50, connectTimeout: 200 } });
    client.on('error', () => {});
    void client.connect().catch(() => {});
    clients.push(client as TestRedisClient);
    const shared = redisState({ client: client as TestRedisClient, prefix: PREFIX, commandTimeout: 100, recheckMs: 50 });
    states.push(shared);
    const api = new ApiClient({ baseURL: server.url, retries: 0, rateLimiter: true, shared, sharedKey: 'never-up' });
    apis.push(api);
    expect(shared.state).toBe('degraded');
    await expect(api.get('/e')).resolves.toEqual({ ok: true });
    expect(api.circuitBreaker.state).toBe('CLOSED');
    await redis.restart();
    await waitFor(() => shared.state === 'connected', 10_000, 'connected once Redis is up');
  });
});
