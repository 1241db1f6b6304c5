/**
 * `npm run bench -- manager`: open WebSocket connections under one
 * ConnectionManager, against the `ws` echo server of bench/wsServer.ts in a
 * child process: heap and RSS per connection, total RSS, the manager's CPU per
 * health-check round, and the time of `getStatistics()`. The same figures for
 * connections as roots of their own, for the table.
 *
 * Each case runs in a fresh CHILD process with --expose-gc (this file, with
 * BENCH_MANAGER_CHILD=<case>), so one case's heap is not another's: full GC,
 * `memoryUsage()`, open N connections (batches of 100; `healthUrl: false`),
 * full GC, `memoryUsage()` again. Then, under a manager, one automatic round of
 * health checks (a ping each, `healthCheckInterval` 2000 ms, spread over it) is
 * timed with `process.cpuUsage()`, and the heap read again (a checked
 * connection keeps its latency sample). Everything is closed before the child
 * exits. The open-file limit here is 20,000 per process: 10,000 client sockets
 * in the child, 10,000 server sockets in the server.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startChildServer, cpuOf } from './childServer.js';
import { printTable, median } from './format.js';
import type * as Statewire from '../src/index.js';

interface CaseResult {
  name: string;
  connections: number;
  heapPerConn: number;
  rssPerConn: number;
  rssTotal: number;
  openMs: number;
  /** Client CPU of one automatic health-check round, ms (manager cases). */
  sweepCpuMs?: number;
  /** The same for the second round (connections checked before). */
  steadySweepCpuMs?: number;
  /** Server CPU during that round, ms (its pong answers). */
  sweepServerCpuMs?: number;
  heapPerConnAfterSweep?: number;
  /** manager.dispose() (its synchronous part: the root's stop with every child), ms. */
  disposeMs?: number;
  /** getStatistics(): median and max of 50 calls, ms. */
  statsMs?: { median: number; max: number };
  error?: string;
}

const CASES: Record<string, { name: string; connections: number; manager: boolean }> = {
  manager10k: { name: 'under one ConnectionManager', connections: 10_000, manager: true },
  manager1k: { name: 'under one ConnectionManager', connections: 1_000, manager: true },
  roots10k: { name: 'roots of their own', connections: 10_000, manager: false },
  roots1k: { name: 'roots of their own', connections: 1_000, manager: false },
};
const BATCH = 100;
const SWEEP_INTERVAL_MS = 2_000;
const CHILD_TIMEOUT_MS = 900_000;
const ROOT = fileURLToPath(new URL('..', import.meta.url));

// ---- the measuring child ------------------------------------------------------------

const tick = () => new Promise<void>((r) => setImmediate(r));
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function fullGc(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc!;
  for (let i = 0; i < 4; i++) {
    gc();
    await tick();
  }
}

async function measureCase(key: string, port: number, server: { cpu(): Promise<number> }): Promise<CaseResult> {
  const spec = CASES[key]!;
  const sw = (await import(new URL('../dist/index.js', import.meta.url).href)) as typeof Statewire;
  const url = `ws://127.0.0.1:${port}/`;
  const n = spec.connections;
  // Warm-up: the code paths (and lazy imports) run before anything is measured.
  {
    const warm = new sw.ConnectionManager({ healthCheckInterval: 0 });
    for (let i = 0; i < 20; i++) warm.addConnection(new sw.WebSocketConnection({ url, healthUrl: false }), `w${i}`);
    await warm.connectAll();
    warm.getStatistics();
    await warm.healthCheckAll();
    await warm.dispose();
    await sleep(200);
  }
  await fullGc();
  const before = process.memoryUsage();
  const t0 = performance.now();
  const manager = spec.manager ? new sw.ConnectionManager({ healthCheckInterval: SWEEP_INTERVAL_MS }) : undefined;
  const conns: Statewire.WebSocketConnection[] = [];
  for (let i = 0; i < n; i += BATCH) {
    const batch: Promise<void>[] = [];
    for (let j = i; j < Math.min(n, i + BATCH); j++) {
      const conn = new sw.WebSocketConnection({ url, healthUrl: false });
      manager?.addConnection(conn, `c${j}`);
      conns.push(conn);
      batch.push(conn.connect());
    }
    await Promise.all(batch);
  }
  const openMs = performance.now() - t0;
  await sleep(200);
  await fullGc();
  const after = process.memoryUsage();
  const result: CaseResult = {
    name: spec.name,
    connections: n,
    heapPerConn: (after.heapUsed - before.heapUsed) / n,
    rssPerConn: (after.rss - before.rss) / n,
    rssTotal: after.rss,
    openMs,
  };
  if (manager !== undefined) {
    const times: number[] = [];
    for (let i = 0; i < 50; i++) {
      const s = performance.now();
      const stats = manager.getStatistics();
      times.push(performance.now() - s);
      if (stats.totalConnections !== n || stats.healthyConnections !== n) throw new Error(`statistics: ${stats.healthyConnections}/${stats.totalConnections} healthy of ${n}`);
    }
    result.statsMs = { median: median(times), max: Math.max(...times) };
    // One automatic round: start, wait for the manager's SWEPT, CPU in between.
    const rounds = () => manager.actor.getSnapshot().context.sweeps;
    const serverBefore = await server.cpu();
    const cpu0 = process.cpuUsage();
    await manager.start();
    const deadline = performance.now() + SWEEP_INTERVAL_MS * 5;
    while (rounds() < 1 && performance.now() < deadline) await sleep(20);
    const cpu = process.cpuUsage(cpu0);
    const serverCpu = (await server.cpu()) - serverBefore;
    // A second round: connections checked before (their metrics exist), the steady state.
    const cpu1 = process.cpuUsage();
    while (rounds() < 2 && performance.now() < deadline + SWEEP_INTERVAL_MS * 5) await sleep(20);
    const steady = process.cpuUsage(cpu1);
    await manager.stop();
    result.steadySweepCpuMs = (steady.user + steady.system) / 1000;
    const last = manager.actor.getSnapshot().context.lastSweep;
    if (rounds() < 1 || last === null || last.checked !== n || last.failed !== 0) throw new Error(`health round: ${JSON.stringify(last)} of ${n}`);
    result.sweepCpuMs = (cpu.user + cpu.system) / 1000;
    result.sweepServerCpuMs = serverCpu / 1000;
    await fullGc();
    result.heapPerConnAfterSweep = (process.memoryUsage().heapUsed - before.heapUsed) / n;
    // XState stops a parent's children one by one, each stop copying the children record
    // (quadratic): timed at 1,000; at 10,000 the process exits with the sockets instead.
    if (n <= 1_000) {
      const d0 = performance.now();
      await manager.dispose();
      result.disposeMs = performance.now() - d0;
    }
  } else {
    for (const c of conns) c.dispose();
  }
  return result;
}

if (process.env.BENCH_MANAGER_CHILD !== undefined) {
  const key = process.env.BENCH_MANAGER_CHILD;
  const port = Number(process.argv[2]);
  let asked = 0;
  const waiting = new Map<number, (cpu: number) => void>();
  process.on('message', (m: { type: string; id: number; cpu: number }) => {
    if (m.type === 'server-cpu') waiting.get(m.id)?.(m.cpu);
  });
  const server = {
    cpu: () =>
      new Promise<number>((resolve) => {
        const id = ++asked;
        waiting.set(id, resolve);
        process.send!({ type: 'server-cpu', id });
      }),
  };
  measureCase(key, port, server).then(
    // Exits at once: the sockets go with the process (see disposeMs).
    (result) => process.send!({ type: 'result', result }, () => process.exit(0)),
    (error: unknown) => process.send!({ type: 'result', result: { name: key, connections: 0, error: String((error as Error)?.stack ?? error) } }, () => process.disconnect()),
  );
}

// ---- the parent -----------------------------------------------------------------------

async function runCase(key: string, port: number, serverCpu: () => Promise<number>): Promise<CaseResult> {
  const child = fork(fileURLToPath(import.meta.url), [String(port)], {
    cwd: ROOT,
    env: { ...process.env, BENCH_MANAGER_CHILD: key },
    execArgv: ['--expose-gc', '--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  try {
    return await new Promise<CaseResult>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${key}: more than ${CHILD_TIMEOUT_MS / 1000} s`)), CHILD_TIMEOUT_MS);
      child.on('message', (m: { type: string; id?: number; result?: CaseResult }) => {
        if (m.type === 'server-cpu') void serverCpu().then((cpu) => child.send({ type: 'server-cpu', id: m.id, cpu }));
        if (m.type === 'result') {
          clearTimeout(timer);
          resolve(m.result!);
        }
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`${key}: exited (code ${code}, signal ${signal}) without a result`));
      });
    });
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(killer);
    }
  }
}

const kb = (bytes: number | undefined) => (bytes === undefined ? '—' : `${(bytes / 1024).toFixed(1)} KB`);
const ms = (x: number | undefined, digits = 1) => (x === undefined ? '—' : `${x.toFixed(digits)} ms`);

/** Runs every case (BENCH_MANAGER_CASES=manager10k,roots1k filters), prints the table; false when one failed or missed its target. */
export async function runManagerBench(): Promise<boolean> {
  const only = process.env.BENCH_MANAGER_CASES?.split(',');
  const keys = Object.keys(CASES).filter((k) => only === undefined || only.includes(k));
  const server = await startChildServer(new URL('./wsServer.ts', import.meta.url), 'ws echo server', (m) => ({ cpuUs: cpuOf(m) }));
  const results: CaseResult[] = [];
  try {
    for (const key of keys) {
      try {
        results.push(await runCase(key, server.port, async () => (await server.stats()).cpuUs));
      } catch (error) {
        results.push({ name: CASES[key]!.name, connections: CASES[key]!.connections, heapPerConn: NaN, rssPerConn: NaN, rssTotal: NaN, openMs: NaN, error: String(error) });
      }
    }
  } finally {
    await server.stop();
  }
  console.log(`\nstatewire ConnectionManager bench: node ${process.version}; open WebSocket connections to a ws echo server in a child process\n`);
  printTable(
    ['connections', 'as', 'heap/conn', 'RSS/conn', 'RSS total', 'open all', 'CPU/health round (1st / 2nd)', 'server CPU/round', 'heap/conn after round', 'getStatistics() median / max', 'dispose()'],
    results.map((r) =>
      r.error !== undefined
        ? [String(r.connections), r.name, `FAILED: ${r.error.split('\n')[0]}`, '', '', '', '', '', '', '', '']
        : [
            r.connections.toLocaleString('en'),
            r.name,
            kb(r.heapPerConn),
            kb(r.rssPerConn),
            `${(r.rssTotal / 1024 / 1024).toFixed(0)} MB`,
            ms(r.openMs, 0),
            r.sweepCpuMs === undefined ? '—' : `${ms(r.sweepCpuMs, 0)} / ${ms(r.steadySweepCpuMs, 0)}`,
            ms(r.sweepServerCpuMs),
            kb(r.heapPerConnAfterSweep),
            r.statsMs === undefined ? '—' : `${r.statsMs.median.toFixed(2)} / ${r.statsMs.max.toFixed(2)} ms`,
            ms(r.disposeMs, 0),
          ],
    ),
    [true, false, true, true, true, true, true, true, true, true, true],
  );
  const big = results.find((r) => r.connections === 10_000 && r.statsMs !== undefined);
  const statsOk = big === undefined || big.statsMs!.median < 5;
  console.log(`\ntargets at 10,000 under a manager: heap/conn <= 10 KB, RSS total < 300 MB, getStatistics() < 5 ms${big ? `: ${big.heapPerConn <= 10_240 ? 'heap PASS' : 'heap FAIL'}, ${big.rssTotal < 300 * 1024 * 1024 ? 'RSS PASS' : 'RSS FAIL'}, ${statsOk ? 'statistics PASS' : 'statistics FAIL'}` : ''}`);
  return results.every((r) => r.error === undefined) && statsOk;
}
