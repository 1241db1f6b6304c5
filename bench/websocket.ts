/**
 * WebSocket benchmark: statewire's `WebSocketConnection` (defaults, healthUrl
 * false) against a raw `ws` client, partysocket and reconnecting-websocket
 * (both over ws's constructor: Node 20 has no global WebSocket), all talking
 * to a `ws` echo server in a CHILD process (bench/wsServer.ts), so that
 * `process.cpuUsage()` here is the clients' CPU only.
 *
 * Parts (BENCH_WS_PARTS=throughput,latency,memory picks; default all):
 * 1. throughput: 200,000 × 64-byte text messages on one connection with 128 in
 *    flight (send until 128 are outstanding; each echo received frees a slot),
 *    stopping early after ~10 s wall. msgs/s and client CPU µs per message.
 * 2. latency: 20,000 sequential ping-pongs (send one text message, await its
 *    echo): round trips/s and µs per round trip.
 *    For both, every subject first gets an unmeasured pre-warm, then runs twice
 *    in interleaved rounds (round 2 in reverse order); the better run is kept
 *    (higher rate, lower CPU per message), like bench/http.ts.
 *    The throughput target lines come from PAIRS (default 20) extra
 *    back-to-back statewire/raw ws runs of 25,000 messages each (order
 *    alternating; median of the per-pair ratio and CPU difference): on a small
 *    VM the CPU per message of one and the same client drifts by ±20% from one
 *    200k run to the next (loopback wake-ups, scheduling), far more than the
 *    0.25 µs being checked, and short alternating pairs see the same drift.
 * 3. memory: heap per open connection at 1,000 connections, measured in a
 *    child started with --expose-gc (bench/wsMemory.ts).
 *
 * CPU pinning: when `taskset` exists and there are 2+ CPUs, the echo server is
 * pinned to the last CPU and this process (all its threads) to CPU 0 for parts
 * 1 and 2 (restored afterwards), so client and server do not trade places
 * between runs; that roughly halves the pair-to-pair spread. BENCH_WS_PIN=0
 * turns it off.
 *
 * Environment (optional, for profiling): BENCH_WS_ONLY=statewire,partysocket
 * (raw ws is always kept), BENCH_WS_PARTS=throughput,latency,memory,
 * BENCH_WS_PAIRS=40, BENCH_WS_PIN=0, BENCH_WS_VERBOSE=1 prints every run.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import { fmtOps, fmtRatio, printTable, versionOf, median, quartiles } from './format.js';
import { cpuOf, startChildServer } from './childServer.js';
import { pickSubjects, socketsDown, openTcpSockets, RAW, SW, type WsClient, type WsSubject } from './wsClients.js';
import type { MemoryResult } from './wsMemory.js';
import { affinityOf, pin } from './cpuAffinity.js';

const MESSAGES = 200_000;
const WINDOW = 128;
const MAX_RUN_MS = 10_000;
const PING_PONGS = 20_000;
const MAX_LATENCY_MS = 10_000;
/** Unmeasured work per subject before anything is measured. */
const PREWARM_MESSAGES = 50_000;
const PREWARM_PING_PONGS = 2_000;
const ROUNDS = 2;
const PAIRS = Math.max(1, Math.min(200, Number(process.env.BENCH_WS_PAIRS) || 20));
const PAIR_MESSAGES = 25_000;
const MEMORY_CONNECTIONS = 1000;
const MEMORY_TIMEOUT_MS = 60_000;
/** A run that receives nothing for this long has lost a message: fail instead of hanging. */
const STALL_MS = 5_000;

const TARGET_RATIO = 0.97;
const TARGET_CPU_US = 0.25;
const TARGET_HEAP_KB = 12;
const VERBOSE = process.env.BENCH_WS_VERBOSE === '1';

/** The repository root (bench/..). */
const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** 64 ASCII bytes of text that does not look like JSON (statewire's 'auto' parse leaves it a string). */
const PAYLOAD = 'statewire-bench:0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKL'.slice(0, 64);
if (Buffer.byteLength(PAYLOAD) !== 64) throw new Error('payload must be 64 bytes');

// ---- CPU pinning ----------------------------------------------------------------

interface Pinning {
  note: string;
  restore: () => void;
}

/** Client on CPU 0, server on the last CPU, when possible (see the header). */
function pinProcesses(serverPid: number | undefined): Pinning {
  const none = (why: string): Pinning => ({ note: `not pinned (${why})`, restore: () => {} });
  if (process.env.BENCH_WS_PIN === '0') return none('BENCH_WS_PIN=0');
  const cpus = os.cpus().length;
  if (cpus < 2) return none('1 CPU');
  if (serverPid === undefined) return none('no server pid');
  const original = affinityOf(process.pid);
  if (original === undefined) return none('no taskset');
  const last = String(cpus - 1);
  if (!pin(serverPid, last) || !pin(process.pid, '0')) {
    pin(process.pid, original);
    return none('taskset failed');
  }
  return { note: `client pinned to CPU 0, server to CPU ${last} (BENCH_WS_PIN=0: off)`, restore: () => void pin(process.pid, original) };
}

// ---- the server child -----------------------------------------------------------

interface ServerStats {
  messages: number;
  accepted: number;
  open: number;
  cpuUs: number;
}


const startServer = () =>
  startChildServer(new URL('./wsServer.ts', import.meta.url), 'ws echo server', (m) => ({
    messages: m.messages as number,
    accepted: m.accepted as number,
    open: m.open as number,
    cpuUs: cpuOf(m),
  }));

// ---- the memory child -----------------------------------------------------------

async function runMemoryChild(port: number): Promise<{ results: MemoryResult[]; tookMs: number }> {
  const script = fileURLToPath(new URL('./wsMemory.ts', import.meta.url));
  const child = fork(script, [String(port), String(MEMORY_CONNECTIONS)], {
    cwd: ROOT,
    execArgv: ['--expose-gc', '--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  try {
    return await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`memory child took more than ${MEMORY_TIMEOUT_MS / 1000} s`)), MEMORY_TIMEOUT_MS);
      child.once('error', reject);
      child.on('message', (m: { type: string; results?: MemoryResult[]; tookMs?: number; error?: string }) => {
        clearTimeout(timer);
        if (m.type === 'result') resolve({ results: m.results!, tookMs: m.tookMs! });
        else reject(new Error(`memory child failed: ${m.error}`));
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`memory child exited (code ${code}, signal ${signal}) without a result`));
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

// ---- the load loops -----------------------------------------------------------------

interface Conn {
  subject: WsSubject;
  client: WsClient;
  /** Where this connection's messages go now (swapped per run). */
  handler: (data: unknown) => void;
}

interface Run {
  messages: number;
  wallMs: number;
  cpuUs: number;
  invalid: number;
  refused: number;
}

/** A 64-byte echo: a string, or a Buffer for the subject that does not decode. */
const isEcho = (data: unknown) => (typeof data === 'string' || Buffer.isBuffer(data)) && data.length === 64;

function watchdog(progress: () => number, fail: (e: Error) => void): () => void {
  let last = -1;
  let since = performance.now();
  const timer = setInterval(() => {
    const now = progress();
    if (now !== last) {
      last = now;
      since = performance.now();
    } else if (performance.now() - since > STALL_MS) {
      clearInterval(timer);
      fail(new Error(`no echo for ${STALL_MS / 1000} s (${now} received): a message was lost`));
    }
  }, 500);
  return () => clearInterval(timer);
}

/** `total` messages with `window` in flight; stops sending after `maxMs` and waits for the outstanding echoes. */
function throughput(conn: Conn, total: number, window: number, maxMs: number): Promise<Run> {
  return new Promise<Run>((resolve, reject) => {
    const client = conn.client;
    let sent = 0;
    let received = 0;
    let invalid = 0;
    let refused = 0;
    let stopped = false;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const deadline = t0 + maxMs;
    const stopWatch = watchdog(() => received, (e) => {
      conn.handler = () => {};
      reject(e);
    });
    conn.handler = (data) => {
      received++;
      if (!isEcho(data)) invalid++;
      if ((received & 1023) === 0 && performance.now() > deadline) stopped = true;
      if (!stopped && sent < total) {
        sent++;
        if (!client.send(PAYLOAD)) refused++;
      } else if (received === sent) {
        const wallMs = performance.now() - t0;
        const cpu = process.cpuUsage(cpu0);
        stopWatch();
        conn.handler = () => {};
        resolve({ messages: received, wallMs, cpuUs: cpu.user + cpu.system, invalid, refused });
      }
    };
    while (sent < Math.min(window, total)) {
      sent++;
      if (!client.send(PAYLOAD)) refused++;
    }
  });
}

/** `n` sequential round trips: send one message, await its echo, repeat; stops after `maxMs`. */
async function latency(conn: Conn, n: number, maxMs: number): Promise<Run> {
  let invalid = 0;
  let refused = 0;
  let done = 0;
  let wake: ((data: unknown) => void) | undefined;
  let failed: Error | undefined;
  conn.handler = (data) => {
    const w = wake;
    wake = undefined;
    w?.(data);
  };
  const stopWatch = watchdog(
    () => done,
    (e) => {
      failed = e;
      wake?.(undefined);
    },
  );
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const deadline = t0 + maxMs;
  try {
    while (done < n) {
      const echo = new Promise<unknown>((resolve) => (wake = resolve));
      if (!conn.client.send(PAYLOAD)) refused++;
      const data = await echo;
      if (failed) throw failed;
      if (!isEcho(data)) invalid++;
      done++;
      if ((done & 255) === 0 && performance.now() > deadline) break;
    }
  } finally {
    stopWatch();
    conn.handler = () => {};
  }
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { messages: done, wallMs, cpuUs: cpu.user + cpu.system, invalid, refused };
}

// ---- the run ----------------------------------------------------------------------

interface Result {
  name: string;
  rate: number;
  cpuPer: number;
  /** rate difference between the rounds, relative to the better one. */
  spreadPct: number;
  serverBusyPct: number;
  truncated: boolean;
}

const rateOf = (r: Run) => (r.messages / r.wallMs) * 1000;
const cpuPerOf = (r: Run) => r.cpuUs / r.messages;
const kb = (bytes: number) => (bytes / 1024).toFixed(1);

function pickParts(): Set<string> {
  const parts = process.env.BENCH_WS_PARTS?.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  return new Set(parts?.length ? parts : ['throughput', 'latency', 'memory']);
}

/** Runs the WebSocket benchmark and prints it; resolves false when a target fails or a subject misbehaved. */
export async function runWebSocketBench(): Promise<boolean> {
  const started = performance.now();
  const parts = pickParts();
  const subjects = pickSubjects();
  const problems: string[] = [];
  const server = await startServer();
  const url = `ws://127.0.0.1:${server.port}/`;
  const conns: Conn[] = [];
  let throughputTable: Result[] | undefined;
  let latencyTable: Result[] | undefined;
  let pairs: { ratios: number[]; overheads: number[] } | undefined;
  let memory: { results: MemoryResult[]; tookMs: number } | undefined;
  let clientMessages = 0;
  let serverAtStart: ServerStats | undefined;
  let accepted: number | undefined;

  const note = (c: Conn, label: string, r: Run) => {
    clientMessages += r.messages;
    if (r.invalid || r.refused) problems.push(`${c.subject.name} ${label}: ${r.invalid} bad echoes, ${r.refused} sends refused/queued`);
  };

  /** One measured run with the server's CPU over it. */
  const measure = async (c: Conn, kind: 'throughput' | 'latency', label: string, messages?: number): Promise<Run & { serverCpuUs: number }> => {
    const before = await server.stats();
    const run =
      kind === 'throughput' ? await throughput(c, messages ?? MESSAGES, WINDOW, MAX_RUN_MS) : await latency(c, messages ?? PING_PONGS, MAX_LATENCY_MS);
    const after = await server.stats();
    note(c, `${kind} ${label}`, run);
    if (VERBOSE) {
      console.log(
        `  ${kind} ${label} ${c.subject.name}: ${fmtOps(rateOf(run))} msgs/s, ${cpuPerOf(run).toFixed(2)} µs CPU/msg, ` +
          `${run.messages} in ${run.wallMs.toFixed(0)} ms`,
      );
    }
    return { ...run, serverCpuUs: after.cpuUs - before.cpuUs };
  };

  const table = async (kind: 'throughput' | 'latency', total: number): Promise<Result[]> => {
    const runs = new Map<Conn, Array<Run & { serverCpuUs: number }>>(conns.map((c) => [c, []]));
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? conns : [...conns].reverse();
      for (const c of order) runs.get(c)!.push(await measure(c, kind, `round ${round + 1}`));
    }
    return conns.map((c) => {
      const rs = runs.get(c)!;
      const rates = rs.map(rateOf);
      const best = Math.max(...rates);
      const bestRun = rs[rates.indexOf(best)]!;
      return {
        name: c.subject.name,
        rate: best,
        cpuPer: Math.min(...rs.map(cpuPerOf)),
        spreadPct: ((best - Math.min(...rates)) / best) * 100,
        serverBusyPct: (bestRun.serverCpuUs / (bestRun.wallMs * 1000)) * 100,
        truncated: rs.some((r) => r.messages < total),
      };
    });
  };

  let pinning: Pinning | undefined;
  try {
    serverAtStart = await server.stats();
    if (parts.has('throughput') || parts.has('latency')) {
      pinning = pinProcesses(server.pid);
      for (const s of subjects) {
        const conn: Conn = { subject: s, client: undefined as unknown as WsClient, handler: () => {} };
        conn.client = await s.open(url, (data) => conn.handler(data));
        conns.push(conn);
      }
      // Pre-warm every subject (JIT, buffers) before anything is measured.
      for (const c of conns) {
        note(c, 'pre-warm', await throughput(c, PREWARM_MESSAGES, WINDOW, MAX_RUN_MS));
        note(c, 'pre-warm', await latency(c, PREWARM_PING_PONGS, MAX_LATENCY_MS));
      }
      if (parts.has('throughput')) {
        throughputTable = await table('throughput', MESSAGES);
        // The targets compare statewire with raw ws: back to back, alternating which goes first.
        const sw = conns.find((c) => c.subject.name === SW);
        const raw = conns.find((c) => c.subject.name === RAW);
        if (sw && raw) {
          pairs = { ratios: [], overheads: [] };
          for (let i = 0; i < PAIRS; i++) {
            const swFirst = i % 2 === 0;
            const first = await measure(swFirst ? sw : raw, 'throughput', `pair ${i + 1}`, PAIR_MESSAGES);
            const second = await measure(swFirst ? raw : sw, 'throughput', `pair ${i + 1}`, PAIR_MESSAGES);
            const [a, b] = swFirst ? [first, second] : [second, first];
            pairs.ratios.push(rateOf(a) / rateOf(b));
            pairs.overheads.push(cpuPerOf(a) - cpuPerOf(b));
          }
        }
      }
      if (parts.has('latency')) latencyTable = await table('latency', PING_PONGS);
      const echoed = (await server.stats()).messages - serverAtStart.messages;
      if (echoed !== clientMessages) problems.push(`server echoed ${echoed} messages for ${clientMessages} received by the clients`);
      for (const c of conns.splice(0)) c.client.close();
      if (!(await socketsDown(0, 10_000))) problems.push(`${openTcpSockets()} client sockets still open 10 s after closing`);
      pinning.restore();
    }
    if (parts.has('memory')) {
      try {
        memory = await runMemoryChild(server.port);
        for (const r of memory.results) if (r.error) problems.push(`memory ${r.name}: ${r.error}`);
      } catch (error) {
        problems.push(`memory part: ${String((error as Error)?.message ?? error)}`);
      }
    }
  } finally {
    pinning?.restore();
    for (const c of conns) c.client.close();
    await socketsDown(0, 10_000);
    const last = await server.stats();
    accepted = last.accepted - (serverAtStart?.accepted ?? 0);
    if (last.open !== 0) problems.push(`the server still holds ${last.open} connections at the end`);
    await server.stop();
  }

  // ---- print ----
  const cpu = os.cpus()[0]?.model ?? 'unknown cpu';
  console.log(
    `\nstatewire WebSocket bench: node ${process.version}, ${cpu} x${os.cpus().length} | ws ${versionOf('ws')}, ` +
      `partysocket ${versionOf('partysocket')}, reconnecting-websocket ${versionOf('reconnecting-websocket')}, xstate ${versionOf('xstate')}`,
  );
  console.log(
    `echo: ws WebSocketServer (perMessageDeflate off) in a child process on 127.0.0.1; ${accepted ?? '?'} connections accepted over the run.\n` +
      `every subject receives text frames as strings (raw ws: data.toString(); "raw ws, Buffer" skips even that, for information).\n` +
      `pre-warm: ${PREWARM_MESSAGES} messages + ${PREWARM_PING_PONGS} ping-pongs per subject; then ${ROUNDS} interleaved rounds ` +
      `(round 2 in reverse order), kept: the higher rate and the lower CPU of the two. CPU = client process user+system (server excluded).\n` +
      `round Δ = rate difference between the rounds; server busy = server CPU / wall in the kept run (≈100% means the server was the limit).` +
      (pinning ? `\nthroughput and latency: ${pinning.note}.` : ''),
  );

  const ratioRows = (results: Result[], unit: (r: Result) => string[]) => {
    const ref = results.find((r) => r.name === RAW);
    return results.map((r) => [
      r.truncated ? `${r.name} (time-bounded)` : r.name,
      ...unit(r),
      ref ? fmtRatio(r.rate / ref.rate) : '-',
      ref ? fmtRatio(r.cpuPer / ref.cpuPer) : '-',
      ref ? `${r.cpuPer - ref.cpuPer >= 0 ? '+' : ''}${(r.cpuPer - ref.cpuPer).toFixed(2)}` : '-',
      `${r.spreadPct.toFixed(1)}%`,
      `${r.serverBusyPct.toFixed(0)}%`,
    ]);
  };

  if (throughputTable) {
    console.log(`\nthroughput: ${MESSAGES} × 64-byte text messages, ${WINDOW} in flight, one connection (stops after ${MAX_RUN_MS / 1000} s wall):\n`);
    printTable(
      ['subject', 'msgs/s', 'CPU µs/msg', 'msgs/s vs ws', 'CPU vs ws', 'CPU Δ µs', 'round Δ', 'server busy'],
      ratioRows(throughputTable, (r) => [fmtOps(r.rate), r.cpuPer.toFixed(2)]),
      [false, true, true, true, true, true, true, true],
    );
  }
  if (latencyTable) {
    console.log(`\nlatency: ${PING_PONGS} sequential ping-pongs (send one 64-byte text message, await its echo) (stops after ${MAX_LATENCY_MS / 1000} s wall):\n`);
    printTable(
      ['subject', 'round trips/s', 'µs/round trip', 'CPU µs/rt', 'rt/s vs ws', 'CPU vs ws', 'CPU Δ µs', 'round Δ', 'server busy'],
      ratioRows(latencyTable, (r) => [fmtOps(r.rate), (1e6 / r.rate).toFixed(1), r.cpuPer.toFixed(2)]),
      [false, true, true, true, true, true, true, true, true],
    );
  }
  let heapPerConnSw: number | undefined;
  if (memory) {
    const rows = memory.results.filter((r) => r.heapPerConn.length > 0);
    const best = (r: MemoryResult) => Math.min(...r.heapPerConn);
    const ref = rows.find((r) => r.name === RAW);
    heapPerConnSw = rows.find((r) => r.name === SW) && best(rows.find((r) => r.name === SW)!);
    const rounds = Math.max(0, ...rows.map((r) => r.heapPerConn.length));
    console.log(
      `\nmemory: ${MEMORY_CONNECTIONS} open connections per subject, in a child with --expose-gc (batches of 100, full GC before and after); ` +
        `${rounds} round(s), kept: the lower; the child took ${(memory.tookMs / 1000).toFixed(1)} s.\n` +
        `heap = heapUsed delta / connections (all of it: the subject's objects and the ws socket under it); external = Buffers etc. outside the heap.\n`,
    );
    printTable(
      ['subject', 'heap KB/conn', 'vs ws', 'Δ vs ws KB', 'rounds KB', 'external KB/conn', 'open 1000 ms', 'heap left after closing all'],
      rows.map((r) => [
        r.name,
        kb(best(r)),
        ref ? fmtRatio(best(r) / best(ref)) : '-',
        ref ? `${best(r) - best(ref) >= 0 ? '+' : ''}${kb(best(r) - best(ref))}` : '-',
        r.heapPerConn.map(kb).join(' / '),
        kb(Math.min(...r.externalPerConn)),
        Math.min(...r.openMs).toFixed(0),
        `${kb(Math.max(...r.leftAfterClose))} KB`,
      ]),
      [false, true, true, true, true, true, true, true],
    );
  }

  console.log(
    problems.length === 0
      ? '\nsanity: every echo arrived intact, no send refused or queued, server count matches, every socket closed'
      : `\nsanity PROBLEMS (numbers above may time an unhappy path):\n  ${problems.join('\n  ')}`,
  );

  let pass = problems.length === 0;
  if (pairs) {
    const range = (xs: number[], digits: number) => `${Math.min(...xs).toFixed(digits)}..${Math.max(...xs).toFixed(digits)}`;
    const ratio = median(pairs.ratios);
    const overhead = median(pairs.overheads);
    console.log(
      `targets: median of ${PAIRS} back-to-back statewire/raw ws throughput pairs of ${PAIR_MESSAGES} messages (order alternating), ` +
        `after the tables: ratio [${range(pairs.ratios, 3)}] (quartiles ${quartiles(pairs.ratios, 3)}), ` +
        `CPU Δ µs/msg [${range(pairs.overheads, 2)}] (quartiles ${quartiles(pairs.overheads, 2)})`,
    );
    const ratioPass = ratio >= TARGET_RATIO;
    const cpuPass = overhead <= TARGET_CPU_US;
    // Three decimals: "0.97× FAIL" (a rounded 0.966) would read as a contradiction.
    console.log(`statewire msgs/s vs raw ws: ${ratio.toFixed(3)}× (target ≥ ${TARGET_RATIO}×): ${ratioPass ? 'PASS' : 'FAIL'}`);
    console.log(
      `statewire CPU per message over raw ws: ${overhead >= 0 ? '+' : ''}${overhead.toFixed(2)} µs (target ≤ +${TARGET_CPU_US} µs): ${cpuPass ? 'PASS' : 'FAIL'}`,
    );
    pass &&= ratioPass && cpuPass;
  } else if (parts.has('throughput')) {
    console.log('throughput target lines: skipped (they need statewire and raw ws)');
  }
  if (heapPerConnSw !== undefined) {
    const heapKb = heapPerConnSw / 1024;
    const heapPass = heapKb <= TARGET_HEAP_KB;
    console.log(`statewire heap per connection: ${heapKb.toFixed(1)} KB (target ≤ ${TARGET_HEAP_KB} KB): ${heapPass ? 'PASS' : 'FAIL'}`);
    pass &&= heapPass;
  } else if (parts.has('memory')) {
    console.log('heap target line: skipped (no statewire memory figure)');
    pass = false;
  }
  console.log(`(WebSocket run took ${((performance.now() - started) / 1000).toFixed(1)} s)`);
  return pass;
}
