/**
 * The shared circuit breaker through a real redis-server this file starts on
 * 127.0.0.1, with "processes" that are separate redisState objects (own client,
 * own instanceId): a trip in A makes B reject without a network call; HALF_OPEN
 * sends one probe per period across all of them; the quorum; successes cost no
 * Redis command. (Real child processes, and a prober killed mid-probe:
 * breaker.process.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, type ApiClientOptions } from '../../src/http/ApiClient.js';
import { HTTPConnection } from '../../src/http/HTTPConnection.js';
import { systemClock } from '../../src/runtime/clock.js';
import { CircuitBreakerError } from '../../src/errors.js';
import { redisState, type RedisState } from '../../src/redis/index.js';
import { redisSuiteRuns, startRedisServer, type RedisTestServer } from '../helpers/redisServer.js';
import { json, startServer, type TestServer } from '../helpers/testServer.js';
import { sleep, waitFor } from '../helpers/wsServer.js';
import { closeRedis, connectRedis, keyTtls, until, type TestRedisClient } from './redisClient.js';

const PREFIX = 'breaker-test:';

describe.runIf(redisSuiteRuns('test/redis/breaker.test.ts'))('shared circuit breaker (statewire/redis, real redis-server)', () => {
  let redis: RedisTestServer;
  let server: TestServer;
  let watcher: TestRedisClient;
  const clients: TestRedisClient[] = [];
  const states: RedisState[] = [];
  const apis: ApiClient[] = [];
  /** Every message on the channel, as published. */
  const messages: string[] = [];

  async function proc(instanceId: string, extra: Partial<Parameters<typeof redisState>[0]> = {}): Promise<RedisState> {
    const client = await connectRedis(redis.url);
    clients.push(client);
    const state = redisState({ client, prefix: PREFIX, instanceId, commandTimeout: 1_000, probeLease: 2_000, ...extra });
    states.push(state);
    await waitFor(() => state.state === 'connected', 5_000, `${instanceId} connected`);
    return state;
  }
  function api(shared: RedisState, sharedKey: string, breaker: ApiClientOptions['circuitBreakerOptions']): ApiClient {
    const client = new ApiClient({ baseURL: server.url, retries: 0, shared, sharedKey, circuitBreakerOptions: breaker });
    apis.push(client);
    return client;
  }
  const outcome = (p: Promise<unknown>) => p.then(() => 'ok', (e: unknown) => (e instanceof CircuitBreakerError ? 'rejected' : 'failed'));

  beforeAll(async () => {
    redis = await startRedisServer();
    server = await startServer((req, res) => (req.url!.startsWith('/fail') ? json(res, 500, { down: true }) : json(res, 200, { ok: true })));
    watcher = await connectRedis(redis.url);
    const sub = watcher.duplicate();
    sub.on('error', () => {});
    await sub.connect();
    await sub.subscribe(`${PREFIX}statewire:events`, (m) => messages.push(m));
    clients.push(sub as TestRedisClient);
  });

  afterAll(async () => {
    for (const a of apis) await a.dispose();
    for (const s of states) s.dispose();
    if (watcher) {
      const ttls = await keyTtls(watcher, PREFIX);
      expect(Object.entries(ttls).filter(([, ttl]) => !(ttl > 0))).toEqual([]);
    }
    closeRedis(watcher);
    for (const c of clients) closeRedis(c);
    await server?.close();
    await redis?.stop();
  });

  it('failures in A trip the shared breaker: B follows the published change and rejects without a network call', async () => {
    const breaker = { threshold: 3, volumeThreshold: 3, timeout: 60_000 };
    const a = api(await proc('trip-a'), 'trip', breaker);
    const b = api(await proc('trip-b'), 'trip', breaker);
    const bOpened = new Promise((resolve) => b.circuitBreaker.on('circuit_breaker_opened', resolve));
    for (let i = 0; i < 3; i++) await expect(a.get('/fail')).rejects.toMatchObject({ status: 500 });
    await bOpened;
    const sent = server.requests.length;
    await expect(b.get('/ok')).rejects.toBeInstanceOf(CircuitBreakerError);
    expect(server.requests.length).toBe(sent);
    expect(b.circuitBreaker.state).toBe('OPEN');
    // Its deadline is the shared one (Redis TIME), not a fresh local minute.
    expect(Math.abs(b.circuitBreaker.getState().nextAttempt! - a.circuitBreaker.getState().nextAttempt!)).toBeLessThan(1_000);
    // A process that starts later reads the state: it rejects too.
    const c = api(await proc('trip-c'), 'trip', breaker);
    await waitFor(() => c.circuitBreaker.state === 'OPEN', 5_000, 'the late process follows');
  });

  it("B's pub/sub connection killed while A trips the breaker: B missed the message, re-reads when it is back, and rejects without a network call", async () => {
    const breaker = { threshold: 3, volumeThreshold: 3, timeout: 60_000 };
    const pubsubIds = async () => new Set(String(await watcher.sendCommand(['CLIENT', 'LIST', 'TYPE', 'pubsub'])).match(/(?<=^id=)\d+/gm) ?? []);
    const before = await pubsubIds();
    const a = api(await proc('missed-a'), 'missed', breaker);
    let sa = before;
    await until(async () => (sa = await pubsubIds()).size > before.size, 5_000, "A's subscriber");
    const b = api(await proc('missed-b'), 'missed', breaker);
    let bSub: string | undefined;
    await until(async () => (bSub = [...(await pubsubIds())].find((id) => !sa.has(id))) !== undefined, 5_000, "B's subscriber");
    const connected = Number(String(await watcher.info('clients')).match(/connected_clients:(\d+)/)![1]);
    // B's subscriber dies and cannot come back (the server takes no new connection) until we say so.
    await watcher.sendCommand(['CONFIG', 'SET', 'maxclients', String(connected - 1)]);
    try {
      await watcher.sendCommand(['CLIENT', 'KILL', 'ID', bSub!]);
      for (let i = 0; i < 3; i++) await expect(a.get('/fail')).rejects.toMatchObject({ status: 500 });
      expect(a.circuitBreaker.state).toBe('OPEN');
      await until(async () => (await watcher.exists(`${PREFIX}{missed}:breaker`)) === 1, 5_000, 'the shared circuit open');
      // The open message went out (the watcher heard it) while B had no subscriber to hear it with.
      await waitFor(() => messages.some((m) => m.startsWith('open|missed-a|missed|')), 5_000, 'the open message');
      expect(b.circuitBreaker.state).toBe('CLOSED');
    } finally {
      await watcher.sendCommand(['CONFIG', 'SET', 'maxclients', '10000']);
    }
    // Its subscriber back, B reads the shared state it missed.
    await waitFor(() => b.circuitBreaker.state === 'OPEN', 10_000, 'B re-read the state');
    const sent = server.requests.length;
    await expect(b.get('/ok')).rejects.toBeInstanceOf(CircuitBreakerError);
    expect(server.requests.length).toBe(sent);
  });

  it('quorum: failures from one instance open only its own breaker; from minReporters instances, every breaker', async () => {
    const breaker = { threshold: 2, volumeThreshold: 2, timeout: 60_000 };
    const [sa, sb, sc] = [await proc('q-a', { minReporters: 2 }), await proc('q-b', { minReporters: 2 }), await proc('q-c', { minReporters: 2 })];
    const [a, b, c] = [api(sa, 'quorum', breaker), api(sb, 'quorum', breaker), api(sc, 'quorum', breaker)];
    await a.get('/fail').catch(() => {});
    await a.get('/fail').catch(() => {});
    expect(a.circuitBreaker.state).toBe('OPEN');
    // A's report has reached the store (its round trip is done) and opened nothing shared.
    await until(async () => (await watcher.hGetAll(`${PREFIX}{quorum}:reports`))['q-a'] !== undefined, 5_000, "A's report");
    expect(await watcher.exists(`${PREFIX}{quorum}:breaker`)).toBe(0);
    expect(b.circuitBreaker.state).toBe('CLOSED');
    expect(await outcome(c.get('/ok'))).toBe('ok');
    const cOpened = new Promise((resolve) => c.circuitBreaker.on('circuit_breaker_opened', resolve));
    await b.get('/fail').catch(() => {});
    await cOpened;
    expect([a.circuitBreaker.state, b.circuitBreaker.state, c.circuitBreaker.state]).toEqual(['OPEN', 'OPEN', 'OPEN']);
  });

  it('HALF_OPEN across processes: exactly one probe per half-open period reaches the server', async () => {
    const breaker = { threshold: 2, volumeThreshold: 2, timeout: 150 };
    const procs = await Promise.all(['h-a', 'h-b', 'h-c', 'h-d'].map((id) => proc(id)));
    const clientsOf = procs.map((p) => api(p, 'half-open', breaker));
    const opens = () => messages.filter((m) => m.startsWith('open|') && m.includes('|half-open|')).length;
    await clientsOf[0]!.get('/fail-probe').catch(() => {});
    await clientsOf[0]!.get('/fail-probe').catch(() => {});
    await waitFor(() => opens() === 1, 5_000, 'the trip is published');
    const base = server.count('/fail-probe');
    // Every caller keeps calling; the server keeps failing, so each probe reopens the circuit for everyone.
    const stopAt = Date.now() + 10_000;
    while (opens() < 5 && Date.now() < stopAt) {
      await Promise.all(clientsOf.map((c) => c.get('/fail-probe').catch(() => {})));
      await sleep(5);
    }
    expect(opens()).toBeGreaterThanOrEqual(5);
    // Each reopening is one probe's failure: probes sent = reopenings.
    await waitFor(() => server.count('/fail-probe') - base === opens() - 1, 5_000, () => `probes ${server.count('/fail-probe') - base} vs reopenings ${opens() - 1}`);
    // A probe that succeeds closes every breaker.
    const closed = procs.map((_p, i) => new Promise((resolve) => clientsOf[i]!.circuitBreaker.on('circuit_breaker_closed', resolve)));
    const deadline = Date.now() + 10_000;
    while (clientsOf.some((c) => c.circuitBreaker.state !== 'CLOSED') && Date.now() < deadline) {
      await Promise.all(clientsOf.map((c) => c.get('/ok-probe').catch(() => {})));
      await sleep(5);
    }
    await Promise.all(closed);
    expect(clientsOf.map((c) => c.circuitBreaker.state)).toEqual(['CLOSED', 'CLOSED', 'CLOSED', 'CLOSED']);
  });

  it('HTTPConnection shares its breaker too; a clock shifted by +30 s or -30 s follows the shared deadline, not its own', async () => {
    const shifted = (ms: number) => ({ ...systemClock, now: () => Date.now() + ms });
    const options = { url: server.url, autoRetry: false, circuitBreakerThreshold: 2, circuitBreakerTimeout: 60_000, sharedKey: 'skewed-breaker' };
    const ahead = new HTTPConnection({ ...options, name: 'ahead', shared: await proc('skew-ahead'), clock: shifted(30_000) });
    const behind = new HTTPConnection({ ...options, name: 'behind', shared: await proc('skew-behind'), clock: shifted(-30_000) });
    try {
      const opened = new Promise((resolve) => behind.circuitBreaker.on('circuit_breaker_opened', resolve));
      for (let i = 0; i < 2; i++) await ahead.send({ url: '/fail-skew' }).catch(() => {});
      await opened;
      const sent = server.requests.length;
      await expect(behind.send({ url: '/ok' })).rejects.toBeInstanceOf(CircuitBreakerError);
      expect(server.requests.length).toBe(sent);
      // Each one's deadline lies `timeout` ahead of its own clock (the shared deadline, seen through each clock), not 60 s off.
      for (const [conn, offset] of [[ahead, 30_000], [behind, -30_000]] as const) {
        const left = conn.circuitBreaker.getState().nextAttempt! - (Date.now() + offset);
        expect(left).toBeGreaterThan(50_000);
        expect(left).toBeLessThanOrEqual(60_000);
      }
    } finally {
      await ahead.dispose();
      await behind.dispose();
    }
  });

  it("a shared close does not undo isolate(): an isolated breaker stays open until its own reset()", async () => {
    const breaker = { threshold: 2, volumeThreshold: 2, timeout: 100 };
    const a = api(await proc('iso-a'), 'isolated', breaker);
    const b = api(await proc('iso-b'), 'isolated', breaker);
    const c = api(await proc('iso-c'), 'isolated', breaker);
    const closes = () => messages.filter((m) => m.startsWith('close|') && m.includes('|isolated|')).length;
    const bOpened = new Promise((resolve) => b.circuitBreaker.on('circuit_breaker_opened', resolve));
    for (let i = 0; i < 2; i++) await a.get('/fail-iso').catch(() => {});
    await bOpened;
    b.circuitBreaker.isolate();
    const deadline = Date.now() + 10_000;
    while (closes() === 0 && Date.now() < deadline) {
      await a.get('/ok-iso').catch(() => {});
      await sleep(10);
    }
    expect(closes()).toBe(1);
    // C, not isolated, follows the close; B heard it too and stays open.
    await waitFor(() => c.circuitBreaker.state === 'CLOSED', 5_000, 'C follows the close');
    expect(a.circuitBreaker.state).toBe('CLOSED');
    expect(b.circuitBreaker.state).toBe('OPEN');
    b.circuitBreaker.reset();
    expect(b.circuitBreaker.state).toBe('CLOSED');
  });

  it('a successful request sends Redis nothing: successes stay the local hot path', async () => {
    const a = api(await proc('hot-a'), 'hot', { threshold: 5, volumeThreshold: 5, timeout: 60_000 });
    await a.get('/ok');
    const calls = async () => {
      const info = (await watcher.info('commandstats')) as string;
      return [...info.matchAll(/cmdstat_(evalsha|eval|get|set|hget|hset):calls=(\d+)/g)].reduce((n, m) => n + Number(m[2]), 0);
    };
    const before = await calls();
    for (let i = 0; i < 50; i++) await a.get('/ok');
    expect(await calls()).toBe(before);
  });
});
