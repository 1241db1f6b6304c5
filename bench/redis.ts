/**
 * `npm run bench -- redis`: statewire/redis against one local redis-server
 * (started here on 127.0.0.1, `--save '' --appendonly no`, stopped at the end),
 * node-redis 5 clients:
 *
 * 1. Latency per take, one caller, sequential, the subjects interleaved take by
 *    take (a load spike hits every row alike): the local limiter (`take`), the
 *    shared limiter (`reserve`, one EVALSHA per take), the shared limiter with
 *    leasing (10 tokens per round trip), rate-limiter-flexible 11's
 *    `RateLimiterRedis.consume()`, and a bare EVALSHA (`return 1`) as the floor:
 *    p50 / p99 µs, µs added over the local take, Redis round trips per take
 *    (EVAL/EVALSHA calls counted by the server's INFO commandstats).
 * 2. Throughput with 64 concurrent callers, in 1 process (the subjects taking
 *    turns in 4 slices each; with the round trips per take there: concurrent
 *    shared takes go together) and in 4 processes.
 * 3. The shared breaker on successful calls: Redis commands per call (must be 0).
 *
 * Every loop is bounded in count and time; only 127.0.0.1 is contacted.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { createClient } from 'redis';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import { RateLimiter } from '../src/rateLimiter/RateLimiter.js';
import { CircuitBreaker } from '../src/breaker/CircuitBreaker.js';
import { redisState, type RedisState } from '../src/redis/index.js';
import { startRedisServer, redisAvailable } from '../test/helpers/redisServer.js';
import { fmtOps, printTable, versionOf } from './format.js';

type Client = ReturnType<typeof createClient>;
type Take = () => unknown;

const TAKES = 5_000;
const CALLERS = 64;
const THROUGHPUT_MS = 2_000;
const THROUGHPUT_SLICES = 4;
const ROUND_TRIP_TAKES = 1_000;
const PROCESSES = 4;
const BIG = { tokensPerSecond: 1_000_000, burstCapacity: 1_000_000 };
const ONE = "return 1";
const ONE_SHA = createHash('sha1').update(ONE).digest('hex');

async function connect(url: string): Promise<Client> {
  const client = createClient({ url, socket: { reconnectStrategy: () => 50 } });
  client.on('error', () => {});
  await client.connect();
  return client;
}

/** The subjects, each a function doing one take (awaitable). */
async function subjects(url: string, prefix: string) {
  const client = await connect(url);
  const states: RedisState[] = [];
  const shared = (lease: number) => {
    const state = redisState({ client: client as never, prefix: `${prefix}l${lease}:`, lease, commandTimeout: 1_000 });
    states.push(state);
    return new RateLimiter({ shared: state, sharedKey: 'bench', limits: { api: BIG } });
  };
  const local = new RateLimiter({ limits: { api: BIG } });
  const shared1 = shared(1);
  const shared10 = shared(10);
  const rlf = new RateLimiterRedis({ storeClient: client, useRedisPackage: true, keyPrefix: `${prefix}rlf`, points: 1e9, duration: 60 });
  await client.scriptLoad(ONE);
  for (const s of states) while (s.state !== 'connected') await new Promise((r) => setTimeout(r, 5));
  const subjectsByName: Record<string, Take> = {
    'statewire local take()': () => local.take('api'),
    'statewire shared reserve()': () => shared1.reserve('api'),
    'statewire shared reserve(), lease 10': () => shared10.reserve('api'),
    [`rate-limiter-flexible ${versionOf('rate-limiter-flexible')} consume()`]: () => rlf.consume('bench'),
    'bare EVALSHA (return 1)': () => client.sendCommand(['EVALSHA', ONE_SHA, '0']),
  };
  const dispose = () => {
    for (const l of [local, shared1, shared10]) l.dispose();
    for (const s of states) s.dispose();
    client.destroy();
  };
  return { client, subjectsByName, dispose };
}

async function evalCalls(client: Client): Promise<number> {
  const info = await client.info('commandstats');
  return [...info.matchAll(/cmdstat_(?:evalsha|eval):calls=(\d+)/g)].reduce((n, m) => n + Number(m[1]), 0);
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;

/**
 * Sequential takes, the subjects interleaved (each round takes once from every
 * subject, in a shuffled order), so a load spike on the machine hits every row
 * alike: per-take latency in µs, sorted, by subject.
 */
async function latencies(takes: Record<string, Take>): Promise<Record<string, number[]>> {
  const entries = Object.entries(takes);
  for (let i = 0; i < 200; i++) for (const [, take] of entries) await take(); // warm-up
  const out: Record<string, number[]> = Object.fromEntries(entries.map(([name]) => [name, []]));
  const order = [...entries];
  for (let i = 0; i < TAKES; i++) {
    for (let j = order.length - 1; j > 0; j--) {
      const k = Math.floor(Math.random() * (j + 1));
      [order[j], order[k]] = [order[k]!, order[j]!];
    }
    for (const [name, take] of order) {
      const t = performance.now();
      await take();
      out[name]!.push((performance.now() - t) * 1000);
    }
  }
  for (const list of Object.values(out)) list.sort((a, b) => a - b);
  return out;
}

/** Redis round trips (EVAL/EVALSHA calls counted by the server) per take of `take`. */
async function roundTrips(client: Client, take: Take): Promise<number> {
  const before = await evalCalls(client);
  for (let i = 0; i < ROUND_TRIP_TAKES; i++) await take();
  return ((await evalCalls(client)) - before) / ROUND_TRIP_TAKES;
}

/** `callers` concurrent loops for `ms`: takes per second. */
async function throughput(take: Take, callers: number, ms: number): Promise<number> {
  let n = 0;
  const end = performance.now() + ms;
  const loop = async () => {
    while (performance.now() < end) {
      await take();
      n++;
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: callers }, loop));
  return (n * 1000) / (performance.now() - start);
}

/**
 * Throughput of every subject in `THROUGHPUT_SLICES` short slices each, the
 * subjects taking turns (a load spike spreads over all): mean takes/s, and
 * Redis round trips per take (EVAL/EVALSHA calls the server counted), by subject.
 */
async function throughputs(client: Client, takes: Record<string, Take>): Promise<Record<string, { perSecond: number; trips: number }>> {
  const sums: Record<string, { perSecond: number; calls: number; takes: number }> = {};
  for (let round = 0; round < THROUGHPUT_SLICES; round++) {
    for (const [name, take] of Object.entries(takes)) {
      const sum = (sums[name] ??= { perSecond: 0, calls: 0, takes: 0 });
      const before = await evalCalls(client);
      let n = 0;
      sum.perSecond += await throughput(
        () => {
          n++;
          return take();
        },
        CALLERS,
        THROUGHPUT_MS / THROUGHPUT_SLICES,
      );
      sum.calls += (await evalCalls(client)) - before;
      sum.takes += n;
    }
  }
  return Object.fromEntries(Object.entries(sums).map(([name, s]) => [name, { perSecond: s.perSecond / THROUGHPUT_SLICES, trips: s.calls / s.takes }]));
}

/** Child mode: one subject's throughput in this process, printed as JSON. */
async function child(arg: string): Promise<void> {
  const { url, prefix, name } = JSON.parse(arg) as { url: string; prefix: string; name: string };
  const { subjectsByName, dispose } = await subjects(url, prefix);
  const take = subjectsByName[name]!;
  for (let i = 0; i < 200; i++) await take();
  // Start together: the parent says go.
  await new Promise<void>((resolve) => process.stdin.once('data', () => resolve()));
  const perSecond = await throughput(take, CALLERS, THROUGHPUT_MS);
  process.stdout.write(`${JSON.stringify({ perSecond })}\n`);
  dispose();
  process.exit(0);
}

async function inProcesses(url: string, prefix: string, name: string): Promise<number> {
  const self = fileURLToPath(import.meta.url);
  const children = Array.from({ length: PROCESSES }, () =>
    spawn(process.execPath, ['--import', 'tsx', self, '--child', JSON.stringify({ url, prefix, name })], { stdio: ['pipe', 'pipe', 'inherit'] }),
  );
  const guard = setTimeout(() => children.forEach((c) => c.kill('SIGKILL')), 60_000);
  const results = children.map(
    (c) =>
      new Promise<number>((resolve) => {
        let out = '';
        c.stdout!.on('data', (d: Buffer) => (out += d.toString()));
        c.once('exit', () => resolve((JSON.parse(out.trim().split('\n').pop() || '{"perSecond":0}') as { perSecond: number }).perSecond));
      }),
  );
  // Each child needs a moment to load and warm up; then go.
  await new Promise((r) => setTimeout(r, 3_000));
  for (const c of children) c.stdin!.write('go\n');
  const all = await Promise.all(results);
  clearTimeout(guard);
  return all.reduce((a, b) => a + b, 0);
}

/** Redis commands per successful call through a shared breaker. */
async function breakerCommands(url: string, client: Client): Promise<number> {
  const bClient = await connect(url);
  const state = redisState({ client: bClient as never, prefix: 'bench-breaker:' });
  while (state.state !== 'connected') await new Promise((r) => setTimeout(r, 5));
  const breaker = new CircuitBreaker({ shared: state, sharedKey: 'bench' });
  const total = async () => {
    const info = await client.info('commandstats');
    return [...info.matchAll(/cmdstat_(?!info|ping)[a-z|]+:calls=(\d+)/g)].reduce((n, m) => n + Number(m[1]), 0);
  };
  // Past its start (the one read of the shared state): what a success costs from then on.
  for (let i = 0; i < 100; i++) await breaker.execute(() => 1);
  await new Promise((r) => setTimeout(r, 50));
  const before = await total();
  for (let i = 0; i < 1_000; i++) await breaker.execute(() => 1);
  const after = await total();
  breaker.dispose();
  state.dispose();
  bClient.destroy();
  // The two INFO calls themselves are excluded by the pattern.
  return (after - before) / 1_000;
}

export async function runRedisBench(): Promise<boolean> {
  if (!redisAvailable) {
    console.log('\nredis bench skipped: no /usr/bin/redis-server (apt-get install -y redis-server)');
    return true;
  }
  const redis = await startRedisServer();
  try {
    console.log(`\n## statewire/redis vs rate-limiter-flexible (one local redis-server, node-redis ${versionOf('redis')})\n`);
    const { client, subjectsByName, dispose } = await subjects(redis.url, 'bench:');
    const rows: string[][] = [];
    let localP50 = 0;
    let localP99 = 0;
    const results: Record<string, { p50: number; p99: number; trips: number; one: number; busyTrips: number }> = {};
    const lat = await latencies(subjectsByName);
    const one = await throughputs(client, subjectsByName);
    for (const [name, take] of Object.entries(subjectsByName)) {
      const sorted = lat[name]!;
      results[name] = { p50: pct(sorted, 0.5), p99: pct(sorted, 0.99), trips: await roundTrips(client, take), one: one[name]!.perSecond, busyTrips: one[name]!.trips };
      if (name.includes('local')) {
        localP50 = pct(sorted, 0.5);
        localP99 = pct(sorted, 0.99);
      }
    }
    for (const [name, r] of Object.entries(results)) {
      const procs = name.includes('local') || name.startsWith('bare') ? undefined : await inProcesses(redis.url, `bench-p${rows.length}:`, name);
      rows.push([
        name,
        r.p50.toFixed(1),
        r.p99.toFixed(1),
        (r.p50 - localP50).toFixed(1),
        (r.p99 - localP99).toFixed(1),
        r.trips.toFixed(2),
        r.busyTrips.toFixed(2),
        fmtOps(r.one),
        procs === undefined ? '-' : fmtOps(procs),
      ]);
    }
    printTable(
      ['per take', 'p50 µs', 'p99 µs', '+p50 µs', '+p99 µs', 'round trips', `round trips, ${CALLERS} callers`, `takes/s, ${CALLERS} callers`, `takes/s, ${PROCESSES} procs × ${CALLERS}`],
      rows,
      [false, true, true, true, true, true, true, true, true],
    );
    const perCall = await breakerCommands(redis.url, client);
    dispose();
    console.log(`\nshared breaker, successful calls: ${perCall.toFixed(3)} Redis commands per call`);
    const sharedP50 = results['statewire shared reserve()']!.p50;
    const bareP50 = results['bare EVALSHA (return 1)']!.p50;
    console.log(`shared reserve() p50 ${sharedP50.toFixed(1)} µs vs bare EVALSHA ${bareP50.toFixed(1)} µs: +${(sharedP50 - bareP50).toFixed(1)} µs (target ≤ 10)`);
    return true;
  } finally {
    await redis.stop();
  }
}

if (process.argv[2] === '--child' && process.argv[3] !== undefined) void child(process.argv[3]);
else if (process.argv[1] === fileURLToPath(import.meta.url)) void runRedisBench().then((ok) => process.exit(ok ? 0 : 1));
