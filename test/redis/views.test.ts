/**
 * Each client made with `shared` (ApiClient, HTTPConnection, CircuitBreaker,
 * RateLimiter) runs the store's view as its own `sharedState` child, so the
 * inspector shows under the client when it decides alone. The children follow
 * the store's one health check (a real redis-server this file starts on
 * 127.0.0.1, killed and started again): degraded with the store, restored with
 * it, and no Redis command of their own.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnyActorRef, InspectionEvent } from 'xstate';
import { ApiClient } from '../../src/http/ApiClient.js';
import { HTTPConnection } from '../../src/http/HTTPConnection.js';
import { CircuitBreaker } from '../../src/breaker/CircuitBreaker.js';
import { RateLimiter } from '../../src/rateLimiter/RateLimiter.js';
import { redisState, type RedisState } from '../../src/redis/index.js';
import { redisSuiteRuns, startRedisServer, type RedisTestServer } from '../helpers/redisServer.js';
import { json, startServer, type TestServer } from '../helpers/testServer.js';
import { waitFor } from '../helpers/wsServer.js';
import { startParentActor } from '../helpers/parentActor.js';
import { closeRedis, connectRedis, type TestRedisClient } from './redisClient.js';

const PREFIX = 'views-test:';
const childOf = (actor: AnyActorRef): AnyActorRef | undefined => (actor.getSnapshot() as { children: Record<string, AnyActorRef | undefined> }).children.sharedState;
const valueOf = (actor: AnyActorRef | undefined): unknown => (actor?.getSnapshot() as { value?: unknown } | undefined)?.value;

describe.runIf(redisSuiteRuns('test/redis/views.test.ts'))('the sharedState child of each shared client (statewire/redis, real redis-server)', () => {
  let redis: RedisTestServer;
  let server: TestServer;
  const clients: TestRedisClient[] = [];
  const states: RedisState[] = [];
  const disposers: Array<() => unknown> = [];

  beforeAll(async () => {
    redis = await startRedisServer();
    server = await startServer((_req, res) => json(res, 200, { ok: true }));
  });

  afterAll(async () => {
    for (const d of disposers) await d();
    for (const s of states) s.dispose();
    for (const c of clients) closeRedis(c);
    await server?.close();
    await redis?.stop();
  });

  it('ApiClient, HTTPConnection, CircuitBreaker, RateLimiter: the child goes degraded when Redis dies and is restored when it is back, on one health check', async () => {
    const client = await connectRedis(redis.url);
    clients.push(client);
    const shared = redisState({ client, prefix: PREFIX, commandTimeout: 1_000, recheckMs: 50 });
    states.push(shared);
    const inspected: InspectionEvent[] = [];
    const api = new ApiClient({ baseURL: server.url, retries: 0, rateLimiter: true, shared, sharedKey: 'views', inspect: (e) => inspected.push(e) });
    const conn = new HTTPConnection({ url: server.url, shared, sharedKey: 'views' });
    const breaker = new CircuitBreaker({ shared, sharedKey: 'views' });
    const limiter = new RateLimiter({ shared, sharedKey: 'views' });
    const unshared = new ApiClient({ baseURL: server.url });
    disposers.push(() => api.dispose(), () => conn.dispose(), () => breaker.dispose(), () => limiter.dispose(), () => unshared.dispose());
    const owners: Record<string, AnyActorRef> = { ApiClient: api.actor, HTTPConnection: conn.actor, CircuitBreaker: breaker.actor, RateLimiter: limiter.actor };

    // Each shared client has the child, the plain one has none; a client's own breaker and limiter do not repeat it.
    const children = Object.fromEntries(Object.entries(owners).map(([name, owner]) => [name, childOf(owner)]));
    for (const [name, child] of Object.entries(children)) expect(child, name).toBeDefined();
    expect(childOf(unshared.actor)).toBeUndefined();
    expect(childOf(api.circuitBreaker.actor)).toBeUndefined();
    expect(childOf(api.rateLimiter.actor)).toBeUndefined();
    // The inspector sees it under the client.
    const seen = inspected.filter((e) => e.type === '@xstate.actor').map((e) => e.actorRef as AnyActorRef & { _parent?: AnyActorRef });
    expect(seen.filter((a) => a.id === 'sharedState').map((a) => a._parent?.sessionId)).toEqual([api.actor.sessionId]);

    const events: string[] = [];
    for (const [name, child] of Object.entries(children)) {
      child!.on('shared_state_degraded', () => events.push(`${name} degraded`));
      child!.on('shared_state_restored', () => events.push(`${name} restored`));
    }
    await waitFor(() => Object.values(children).every((c) => valueOf(c) === 'connected'), 5_000, 'every child connected');

    await redis.kill();
    await waitFor(() => shared.state === 'degraded', 5_000, 'the store degraded');
    for (const [name, child] of Object.entries(children)) {
      expect(valueOf(child), name).toMatchObject({ degraded: expect.any(String) });
      expect(events, name).toContain(`${name} degraded`);
      expect(child!.getSnapshot().context.reason, name).toBe(shared.actor.getSnapshot().context.reason);
    }

    await redis.restart();
    await waitFor(() => shared.state === 'connected', 10_000, 'the store back');
    await waitFor(() => Object.values(children).every((c) => valueOf(c) === 'connected'), 5_000, 'every child restored');
    for (const name of Object.keys(children)) expect(events.filter((e) => e === `${name} restored`), name).toHaveLength(1);
    // The children checked nothing themselves: the fresh server heard the store's own check only (one per
    // check the store made, not one per client).
    const stats = await connectRedis(redis.url);
    clients.push(stats);
    const pings = Number((await stats.info('commandstats')).match(/cmdstat_ping:calls=(\d+)/)?.[1] ?? 0);
    expect(pings).toBeGreaterThanOrEqual(1);
    expect(pings).toBeLessThan(Object.keys(children).length);
  });

  it('a client attached to a parent takes its child along: the old actor is let go, the new one is followed', async () => {
    const client = await connectRedis(redis.url);
    clients.push(client);
    const shared = redisState({ client, prefix: PREFIX, commandTimeout: 1_000, recheckMs: 50 });
    states.push(shared);
    await waitFor(() => shared.state === 'connected', 5_000, 'connected');
    const api = new ApiClient({ baseURL: server.url, shared, sharedKey: 'moved' });
    disposers.push(() => api.dispose());
    const parent = startParentActor();
    disposers.push(() => parent.stop());
    const before = childOf(api.actor);
    const moved = api.attachTo(parent, 'api');
    const after = childOf(moved);
    expect(after).toBeDefined();
    expect(after).not.toBe(before);
    await waitFor(() => valueOf(after) === 'connected', 5_000, 'the moved child connected');
  });
});
