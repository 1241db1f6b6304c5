/**
 * `npm run bench`: two benchmarks, printed to stdout only.
 *
 * 1. resilience: statewire's breaker + rate limiter hot path side by side with
 *    cockatiel 3 and opossum 9, in one process (below).
 * 2. http: ApiClient vs fetch / undici / ky / cockatiel / opossum against a
 *    local server in a child process (bench/http.ts).
 * 3. ws: WebSocketConnection vs raw ws / partysocket / reconnecting-websocket
 *    against a ws echo server in a child process: throughput, latency and heap
 *    per connection (bench/websocket.ts).
 * 4. sse: SSEConnection vs raw eventsource (with and without JSON.parse) on one
 *    stream of 100,000 small events from a node:http server in a child process:
 *    events/s and client CPU per event (bench/sse.ts).
 *
 * 5. redis: statewire/redis's shared limiter and breaker vs rate-limiter-flexible's
 *    RateLimiterRedis against one local redis-server (bench/redis.ts): µs per
 *    take at p50/p99, Redis round trips per take, throughput of 1 and 4 processes.
 *
 * 6. pool: ConnectionPool vs generic-pool / tarn, zero-cost resources and real
 *    WebSocket connections: sequential, 50 borrowers, 500 waiters, churn (bench/pool.ts).
 *
 * 7. manager: 10,000 WebSocket connections under one ConnectionManager (and
 *    1,000 / 10,000 as roots): heap and RSS per connection, CPU per health-check
 *    round, getStatistics() time (bench/manager.ts).
 *
 * `npm run bench -- pool` runs only the pool part, `npm run bench -- redis` only the redis part,
 * `npm run bench -- manager` only the manager part (minutes: 10,000 sockets in each process);
 * `npm run bench -- http` (or `BENCH=http npm run bench`) runs only the HTTP
 * part; `npm run bench -- resilience` only the first; `npm run bench -- ws`
 * only the WebSocket part; `npm run bench -- sse` only the SSE part.
 *
 * Each tinybench sample runs a batch of calls (see bench/resilience.ts); the
 * figures below are per call: mean ns, calls/s, and ratios against the
 * statewire sync hot path and the statewire async `execute` path.
 */
import os from 'node:os';
import { Bench } from 'tinybench';
import { createSubjects, sink, ASYNC_BATCH, SYNC_BATCH, type Case, type Group } from './resilience.js';
import { fmtNs, fmtOps, fmtRatio, printTable, versionOf } from './format.js';

const TARGET_NS = 1000;
const SYNC_NAME = 'statewire sync: admit+take+success';
const ASYNC_NAME = 'statewire async: await execute(check)';

interface Row {
  name: string;
  group: Group;
  nsPerCall: number;
  opsPerSec: number;
  rmePct: number;
  samples: number;
}

async function runResilience(): Promise<void> {
  const started = performance.now();
  const { cases, checks, dispose } = createSubjects();

  try {
    const bench = new Bench({ time: 1000, warmupTime: 200, warmupIterations: 16, iterations: 16 });
    const byName = new Map<string, Case>();
    for (const c of cases) {
      byName.set(c.name, c);
      bench.add(c.name, c.fn);
    }
    await bench.run();

    const rows: Row[] = [];
    for (const task of bench.tasks) {
      const c = byName.get(task.name)!;
      const r = task.result;
      if (!r || r.error) throw new Error(`task "${task.name}" failed: ${String(r?.error ?? 'no result')}`);
      // latency.mean is ms per sample (one batch); a sample is `batch` calls.
      const nsPerCall = (r.latency.mean * 1e6) / c.batch;
      rows.push({
        name: task.name,
        group: c.group,
        nsPerCall,
        opsPerSec: 1e9 / nsPerCall,
        rmePct: r.latency.rme,
        samples: r.latency.samples.length,
      });
    }

    const ref = (name: string) => rows.find((r) => r.name === name)!.nsPerCall;
    const syncNs = ref(SYNC_NAME);
    const asyncNs = ref(ASYNC_NAME);

    const cpu = os.cpus()[0]?.model ?? 'unknown cpu';
    console.log(
      `\nstatewire resilience bench: node ${process.version}, ${cpu} | tinybench ${versionOf('tinybench')}, ` +
        `xstate ${versionOf('xstate')}, cockatiel ${versionOf('cockatiel')}, opossum ${versionOf('opossum')}`,
    );
    console.log(
      `time 1000 ms + warmup 200 ms per task; ${SYNC_BATCH} calls/sample (sync), ${ASYNC_BATCH} awaited calls/sample (async); ` +
        `figures are per call\n`,
    );

    const headers = ['task', 'ns/call', 'calls/s', '±rme', 'samples', 'vs sw sync', 'vs sw async'];
    const align = [false, true, true, true, true, true, true];
    const render = (r: Row) => [
      r.name,
      fmtNs(r.nsPerCall),
      fmtOps(r.opsPerSec),
      `${r.rmePct.toFixed(1)}%`,
      String(r.samples),
      fmtRatio(r.nsPerCall / syncNs),
      fmtRatio(r.nsPerCall / asyncNs),
    ];
    printTable(headers, rows.filter((r) => r.group === 'headline').map(render), align);

    console.log('\none-to-one and variants:\n');
    printTable(headers, rows.filter((r) => r.group === 'variant').map(render), align);

    console.log('\nbreakdown of the statewire sync path (separate instances, same config):\n');
    printTable(headers, rows.filter((r) => r.group === 'breakdown').map(render), align);

    const problems = checks();
    console.log(
      problems.length === 0
        ? '\nsanity: no rejection, rate limiting, trip, failure or timeout in any subject'
        : `\nsanity PROBLEMS (numbers above may time an unhappy path):\n  ${problems.join('\n  ')}`,
    );

    const us = syncNs / 1000;
    const pass = syncNs < TARGET_NS;
    console.log(
      `statewire admit+take+report: ${us.toFixed(3)} µs/call (target < ${TARGET_NS / 1000} µs): ${pass ? 'PASS' : 'FAIL'}`,
    );
    console.log(`(run took ${((performance.now() - started) / 1000).toFixed(1)} s; sink ${sink > 0 ? 'ok' : sink})`);
    if (!pass || problems.length > 0) process.exitCode = 1;
  } finally {
    dispose();
  }
}

const which = (process.argv[2] ?? process.env.BENCH ?? 'all').toLowerCase();
if (!['all', 'resilience', 'http', 'ws', 'sse', 'redis', 'pool', 'manager'].includes(which)) {
  console.error(`unknown bench "${which}": expected all, resilience, http, ws, sse, redis, pool or manager`);
  process.exit(2);
}
if (which === 'all' || which === 'resilience') await runResilience();
if (which === 'all' || which === 'http') {
  const { runHttpBench } = await import('./http.js');
  if (!(await runHttpBench())) process.exitCode = 1;
}
if (which === 'all' || which === 'ws') {
  const { runWebSocketBench } = await import('./websocket.js');
  if (!(await runWebSocketBench())) process.exitCode = 1;
}
if (which === 'all' || which === 'sse') {
  const { runSseBench } = await import('./sse.js');
  if (!(await runSseBench())) process.exitCode = 1;
}
if (which === 'all' || which === 'redis') {
  const { runRedisBench } = await import('./redis.js');
  if (!(await runRedisBench())) process.exitCode = 1;
}
if (which === 'all' || which === 'pool') {
  const { runPoolBench } = await import('./pool.js');
  if (!(await runPoolBench())) process.exitCode = 1;
}
if (which === 'all' || which === 'manager') {
  const { runManagerBench } = await import('./manager.js');
  if (!(await runManagerBench())) process.exitCode = 1;
}
