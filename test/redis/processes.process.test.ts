/**
 * statewire/redis across real processes (test/redis/worker.ts), one
 * redis-server and one HTTP server started here on 127.0.0.1:
 *
 * - 4 workers share one quota of R requests/s for T seconds: what reaches the
 *   server is within 5 % of R·T + burst; each alone (no sharing) sends its own
 *   R·T + burst, about 4× in all.
 * - HALF_OPEN across 4 workers: one probe reaches the server; the prober is
 *   killed mid-probe; after its lease TTL another worker probes (and nobody
 *   else sent anything in between); its success closes every breaker.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerResponse } from 'node:http';
import { redisSuiteRuns, startRedisServer, type RedisTestServer } from '../helpers/redisServer.js';
import { json, startServer, type TestRequest, type TestServer } from '../helpers/testServer.js';
import { waitFor } from '../helpers/wsServer.js';
import { closeRedis, connectRedis, keyTtls, until, type TestRedisClient } from './redisClient.js';
import { startWorker, type Worker, type WorkerConfig } from './worker.js';

const PREFIX = 'procs-test:';
// Small enough that 4 workers saturate it even on a loaded 2-CPU machine.
const R = 20;
const BURST = 10;
const T = 4_000;

describe.runIf(redisSuiteRuns('test/redis/processes.process.test.ts'))('statewire/redis across 4 processes', () => {
  let redis: RedisTestServer;
  let server: TestServer;
  let handler: (req: TestRequest, res: ServerResponse) => unknown = (_req, res) => json(res, 200, { ok: true });
  const workers: Worker[] = [];
  let watcher: TestRedisClient;

  beforeAll(async () => {
    redis = await startRedisServer();
    server = await startServer((req, res) => handler(req, res));
    watcher = await connectRedis(redis.url);
  });

  afterAll(async () => {
    for (const w of workers) w.kill();
    await Promise.all(workers.map((w) => w.done));
    if (watcher) {
      const ttls = await keyTtls(watcher, PREFIX);
      expect(Object.entries(ttls).filter(([, ttl]) => !(ttl > 0))).toEqual([]);
    }
    closeRedis(watcher);
    server?.destroySockets();
    await server?.close();
    await redis?.stop();
  });

  async function runAll(configs: WorkerConfig[]): Promise<void> {
    const started = configs.map((c) => startWorker(c));
    workers.push(...started);
    await Promise.all(started.map((w) => w.ready));
    for (const w of started) w.go();
    const counts = await Promise.all(started.map((w) => w.done));
    expect(counts.every((c) => c !== undefined && c.failed === 0)).toBe(true);
  }
  const base = (i: number, shared: boolean, sharedKey: string): WorkerConfig => ({
    redisUrl: redis.url,
    serverUrl: server.url,
    prefix: PREFIX,
    instanceId: `w${i}`,
    sharedKey,
    ms: T,
    loops: 8,
    shared,
    limits: { tokensPerSecond: R, burstCapacity: BURST },
  });

  it(`4 processes share R = ${R}/s for T = ${T / 1000} s: the server sees R·T + burst within 5 %; unshared, about 4×`, async () => {
    const before = server.count('/w');
    await runAll([0, 1, 2, 3].map((i) => base(i, true, 'quota')));
    const shared = server.count('/w') - before;
    console.log(`shared quota: ${shared} requests reached the server`);
    const expected = (R * T) / 1000 + BURST;
    expect(Math.abs(shared - expected) / expected).toBeLessThanOrEqual(0.05);

    const alone = server.count('/w');
    await runAll([0, 1, 2, 3].map((i) => base(i, false, 'quota')));
    const unshared = server.count('/w') - alone;
    console.log(`unshared: ${unshared} requests reached the server`);
    expect(unshared / shared).toBeGreaterThan(3.5);
  }, 40_000);

  it('HALF_OPEN across 4 processes: one probe; the prober killed mid-probe frees its lease after its TTL, then exactly one other probes', async () => {
    const probeLease = 3_000;
    const configs = [0, 1, 2, 3].map((i): WorkerConfig => ({
      ...base(i, true, 'probes'),
      limits: undefined,
      ms: 30_000,
      loops: 1,
      pace: 10,
      timeout: 1_000,
      probeLease,
      breaker: { threshold: 3, volumeThreshold: 3, timeout: 300 },
    }));
    // Phase 1: everything fails, until the shared breaker is open.
    handler = (_req, res) => json(res, 500, { down: true });
    const started = configs.map((c) => startWorker(c));
    workers.push(...started);
    await Promise.all(started.map((w) => w.ready));
    for (const w of started) w.go();
    await until(async () => (await watcher.exists(`${PREFIX}{probes}:breaker`)) === 1, 10_000, 'the shared breaker opens');
    // Phase 2: a request is a probe when its worker holds the probe lease (SET NX PX) as it arrives;
    // the first probe hangs (its prober will die). Others are requests sent before a worker heard of the trip.
    const lease = `${PREFIX}{probes}:probe:1`;
    const log: Array<{ worker: string; probe: boolean }> = [];
    handler = async (req, res) => {
      const worker = String(req.headers['x-worker']);
      const probe = ((await watcher.get(lease)) ?? '').startsWith(`${worker}|`);
      log.push({ worker, probe });
      const probes = log.filter((r) => r.probe).length;
      if (probe && probes === 1) return; // never answered
      json(res, probe ? 200 : 500, { probe });
    };
    const probes = () => log.filter((r) => r.probe);
    await waitFor(() => probes().length >= 1, 10_000, 'the first probe');
    const first = probes()[0]!.worker;
    const prober = started[Number(first.slice(1))]!;
    expect(await watcher.pTTL(lease)).toBeGreaterThan(0);
    prober.kill();
    await waitFor(() => probes().length >= 2, 20_000, 'a second probe after the lease TTL');
    const second = probes()[1]!.worker;
    expect(second).not.toBe(first);
    // Between the two probes, nothing reached the server: the others kept rejecting while the dead prober's lease lived.
    const between = log.slice(log.indexOf(probes()[0]!) + 1, log.indexOf(probes()[1]!));
    expect(between).toEqual([]);
    for (const w of started) w.stop();
    const counts = await Promise.all(started.filter((w) => w !== prober).map((w) => w.done));
    expect(counts.every((c) => c !== undefined)).toBe(true);
    // The second probe succeeded: the shared circuit closed.
    expect(await watcher.exists(`${PREFIX}{probes}:breaker`)).toBe(0);
  }, 60_000);
});
