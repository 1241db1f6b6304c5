/**
 * SSE benchmark: statewire's `SSEConnection` against a raw `eventsource` 4
 * `EventSource` (the package statewire itself runs on), both reading the same
 * `node:http` event stream served from a CHILD process (bench/sseServer.ts), so
 * that the clients' `process.cpuUsage()` is theirs only.
 *
 * The clients run in a CHILD process too: this file, forked fresh with
 * BENCH_SSE_ROLE=client, runs one stream per request from the parent (which
 * orchestrates, reads the server's stats around each run and prints). In one
 * process with the earlier parts of `npm run bench`, the same comparison came
 * out ~0.98-1.00× instead of the ~0.86-0.90× of a fresh process (both clients
 * got slower, raw eventsource more): the figures must not depend on what ran
 * before them.
 *
 * One run: open a stream of N events (`id: <i>` + `data: {"n":<i>}`, ids
 * 0..N-1), count events until the N-th arrives, stop the clock and read the CPU
 * there, then close. The clock starts just before the subject is created, so
 * the figure includes opening the stream (each subject pays for its own
 * setup); "first event ms" shows that part. The server ends the response after
 * the last event, but the clock has stopped by then and the client closes at
 * once (statewire also runs with `autoReconnect: false`, otherwise defaults),
 * so neither the end of the stream nor a reconnect is ever timed. A run is
 * bounded by MAX_RUN_MS wall, and fails after STALL_MS without an event.
 *
 * Subjects (every handler checks each event: id in order, parsed `n` equal to
 * the id; a missing, duplicated or reordered event shows as a mismatch):
 * - statewire SSEConnection: `on('message', h)`, default `parse: 'auto'`, which
 *   JSON-parses the data (it starts with `{`): the handler gets `{ n }`.
 * - raw eventsource + JSON.parse: `onmessage = (e) => JSON.parse(e.data)`: the
 *   same parsed value. THE REFERENCE: the target compares these two.
 * - for information: raw eventsource without JSON.parse (the string), and
 *   statewire with `parse: 'text'` (the string).
 *
 * Method (like bench/websocket.ts): every subject gets unmeasured pre-warm runs,
 * then ROUNDS interleaved rounds of N events (round 2 in reverse order) for the
 * table, keeping the higher rate and the lower CPU per event. The target line
 * comes from PAIRS back-to-back statewire/raw+JSON.parse runs of N events
 * (order alternating; median of the per-pair events/s ratio), which is far less
 * sensitive to drift than two best-of-2 figures.
 *
 * CPU pinning: with `taskset` and 2+ CPUs the server is pinned to the last CPU
 * and the client process (all its threads) to CPU 0, as in bench/websocket.ts.
 *
 * Environment (optional): BENCH_SSE_PAIRS=15 (pairs for the target),
 * BENCH_SSE_EVENTS=100000 (events per measured run), BENCH_SSE_PIN=0 (no
 * pinning), BENCH_SSE_VERBOSE=1 (print every run), BENCH_SSE_NODE_ARGS="..."
 * (extra node flags for the client child, e.g. "--cpu-prof
 * --cpu-prof-dir=/tmp/sse-prof" to profile the clients only).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import { fmtOps, fmtRatio, printTable, versionOf, median, quartiles } from './format.js';
import { cpuOf, startChildServer } from './childServer.js';
import { affinityOf, pin } from './cpuAffinity.js';

const EVENTS = Math.max(1000, Math.min(2_000_000, Number(process.env.BENCH_SSE_EVENTS) || 100_000));
const PREWARM_EVENTS = 20_000;
const PREWARM_RUNS = 3;
const ROUNDS = 2;
const PAIRS = Math.max(1, Math.min(200, Number(process.env.BENCH_SSE_PAIRS) || 15));
const MAX_RUN_MS = 10_000;
/** A run that receives nothing for this long has lost the stream: fail instead of waiting out MAX_RUN_MS. */
const STALL_MS = 3_000;
/** The whole part stays under ~90 s: pairs stop being added past this. */
const PART_BUDGET_MS = 75_000;
const TARGET_RATIO = 0.95;
const VERBOSE = process.env.BENCH_SSE_VERBOSE === '1';

const SW = 'statewire SSEConnection';
const RAW = 'raw eventsource + JSON.parse';
/** Set in the client child's environment (see the header). */
const ROLE_ENV = 'BENCH_SSE_ROLE';
/** The repository root (bench/..). */
const ROOT = fileURLToPath(new URL('..', import.meta.url));

// ---- CPU pinning (as bench/websocket.ts) -------------------------------------------

/** Client child on CPU 0, server on the last CPU, when possible (see the header); both go away after the part. */
function pinProcesses(serverPid: number | undefined, clientPid: number | undefined): string {
  if (process.env.BENCH_SSE_PIN === '0') return 'not pinned (BENCH_SSE_PIN=0)';
  const cpus = os.cpus().length;
  if (cpus < 2) return 'not pinned (1 CPU)';
  if (serverPid === undefined || clientPid === undefined) return 'not pinned (no pid)';
  if (affinityOf(clientPid) === undefined) return 'not pinned (no taskset)';
  const last = String(cpus - 1);
  if (!pin(serverPid, last) || !pin(clientPid, '0')) return 'not pinned (taskset failed)';
  return `client pinned to CPU 0, server to CPU ${last} (BENCH_SSE_PIN=0: off)`;
}

// ---- the server child -----------------------------------------------------------

interface ServerStats {
  streams: number;
  completed: number;
  aborted: number;
  open: number;
  events: number;
  bytes: number;
  cpuUs: number;
}

const startServer = () =>
  startChildServer<ServerStats>(new URL('./sseServer.ts', import.meta.url), 'sse server', (m) => ({
    streams: m.streams as number,
    completed: m.completed as number,
    aborted: m.aborted as number,
    open: m.open as number,
    events: m.events as number,
    bytes: m.bytes as number,
    cpuUs: cpuOf(m),
  }));

// ---- subjects -----------------------------------------------------------------------

/** What every subject's handler calls per event: the id as delivered and the data (parsed or not). */
type Tally = (id: string, data: unknown) => void;

interface SubjectInfo {
  key: string;
  name: string;
  /** Whether the handler gets the parsed `{ n }` (else the string). */
  parsed: boolean;
}

const SUBJECTS: SubjectInfo[] = [
  { key: 'statewire', name: SW, parsed: true },
  { key: 'raw', name: RAW, parsed: true },
  { key: 'rawtext', name: 'raw eventsource, no JSON.parse', parsed: false },
  { key: 'statewiretext', name: "statewire SSEConnection, parse: 'text'", parsed: false },
];

/** Opens a stream; `fail` reports a stream that could not open or broke. Returns the close function. */
type Opener = (url: string, tally: Tally, fail: (e: Error) => void) => () => void;

/** The subjects' openers, made in the client child only (the parent loads neither library). */
function openers(
  SSEConnection: typeof import('../src/index.js').SSEConnection,
  EventSource: typeof import('eventsource').EventSource,
): Record<string, Opener> {
  const statewire =
    (parse: 'auto' | 'text'): Opener =>
    (url, tally, fail) => {
      // Defaults (parse 'auto', idleTimeout 45 s, inboxSize 1000, ...) except: no reconnect when the server ends the stream.
      const sse = new SSEConnection(parse === 'auto' ? { url, autoReconnect: false } : { url, autoReconnect: false, parse });
      sse.on('message', (m) => tally(m.id, m.data));
      sse.connect().catch((e: unknown) => fail(e instanceof Error ? e : new Error(String(e))));
      return () => sse.dispose();
    };
  const raw =
    (parse: boolean): Opener =>
    (url, tally, fail) => {
      const es = new EventSource(url);
      es.onmessage = parse ? (e) => tally(e.lastEventId, JSON.parse(e.data as string)) : (e) => tally(e.lastEventId, e.data);
      es.onerror = (e) => fail(new Error(`eventsource error: ${(e as { message?: string }).message ?? 'unknown'}`));
      return () => es.close();
    };
  return { statewire: statewire('auto'), raw: raw(true), rawtext: raw(false), statewiretext: statewire('text') };
}

// ---- one run -------------------------------------------------------------------------

interface Run {
  events: number;
  wallMs: number;
  cpuUs: number;
  firstEventMs: number;
  /** Events whose id (or parsed n) was not the next one expected. */
  mismatches: number;
  firstMismatch: string | undefined;
  truncated: boolean;
}

/** One stream of `n` events through `subject`: resolves at the n-th event (or after `maxMs`, truncated). */
function runOnce(subject: SubjectInfo, open: Opener, url: string, n: number, maxMs: number): Promise<Run> {
  return new Promise<Run>((resolve, reject) => {
    let count = 0;
    let mismatches = 0;
    let firstMismatch: string | undefined;
    let firstEventAt = 0;
    let finished = false;
    let close: (() => void) | undefined;
    let deadline: NodeJS.Timeout | undefined;
    let watch: NodeJS.Timeout | undefined;

    const settle = (outcome: Run | Error) => {
      if (finished) return;
      finished = true;
      clearTimeout(deadline);
      clearInterval(watch);
      try {
        close?.();
      } catch (e) {
        if (!(outcome instanceof Error)) outcome = e instanceof Error ? e : new Error(String(e));
      }
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome);
    };

    const parsed = subject.parsed;
    const tally: Tally = (id, data) => {
      if (finished) return;
      const i = count++;
      if (i === 0) firstEventAt = performance.now();
      // ids 0..n-1 in order; with a parsed value, its n must match too.
      if (+id !== i || (parsed && (data as { n: number }).n !== i) || (!parsed && typeof data !== 'string')) {
        if (mismatches++ === 0) firstMismatch = `event #${i}: id ${JSON.stringify(id)}, data ${JSON.stringify(data)}`;
      }
      if (count === n) {
        const wallMs = performance.now() - t0;
        const cpu = process.cpuUsage(cpu0);
        settle({ events: count, wallMs, cpuUs: cpu.user + cpu.system, firstEventMs: firstEventAt - t0, mismatches, firstMismatch, truncated: false });
      }
    };
    const fail = (e: Error) => {
      if (!finished) settle(new Error(`${subject.name}: ${e.message} after ${count} of ${n} events`, { cause: e }));
    };
    const truncate = () => {
      const wallMs = performance.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      settle({ events: count, wallMs, cpuUs: cpu.user + cpu.system, firstEventMs: firstEventAt - t0, mismatches, firstMismatch, truncated: true });
    };

    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    close = open(`${url}?n=${n}`, tally, fail);
    deadline = setTimeout(truncate, maxMs);
    let last = -1;
    let since = t0;
    watch = setInterval(() => {
      if (count !== last) {
        last = count;
        since = performance.now();
      } else if (performance.now() - since > STALL_MS) {
        fail(new Error(`no event for ${STALL_MS / 1000} s`));
      }
    }, 250);
  });
}

// ---- the client child ---------------------------------------------------------------

type ToClient = { type: 'run'; id: number; key: string; url: string; n: number; maxMs: number } | { type: 'stop' };
type FromClient = { type: 'ready' } | { type: 'result'; id: number; run: Run } | { type: 'error'; id: number; message: string };

/** The client role: runs one stream per request, answers with the Run. */
async function serveAsClient(): Promise<void> {
  const { SSEConnection } = await import('./statewire.js');
  const { EventSource } = await import('eventsource');
  const open = openers(SSEConnection, EventSource);
  const send = (m: FromClient) => process.send!(m);
  process.on('message', (m: ToClient) => {
    if (m.type === 'stop') process.exit(0);
    const subject = SUBJECTS.find((s) => s.key === m.key);
    if (subject === undefined) return send({ type: 'error', id: m.id, message: `unknown subject ${m.key}` });
    runOnce(subject, open[m.key]!, m.url, m.n, m.maxMs).then(
      (run) => send({ type: 'result', id: m.id, run }),
      (error: unknown) => send({ type: 'error', id: m.id, message: String((error as Error)?.message ?? error) }),
    );
  });
  process.on('disconnect', () => process.exit(0));
  send({ type: 'ready' });
}

interface Client {
  pid: number | undefined;
  run(key: string, url: string, n: number): Promise<Run>;
  stop(): Promise<void>;
}

/** Forks this file as the client (fresh process, explicit flags: not the parent's). */
async function startClient(): Promise<Client> {
  const extra = process.env.BENCH_SSE_NODE_ARGS?.split(/\s+/).filter(Boolean) ?? [];
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), [], {
    cwd: ROOT,
    env: { ...process.env, [ROLE_ENV]: 'client' },
    execArgv: ['--import', 'tsx', ...extra],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let nextId = 0;
  const pending = new Map<number, { resolve: (r: Run) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  let exited: Error | undefined;
  const exitedPromise = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exited = new Error(`the sse client child exited (code ${code}, signal ${signal})`);
      for (const p of pending.values()) {
        clearTimeout(p.timer);
        p.reject(exited);
      }
      pending.clear();
      resolve();
    }),
  );
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the sse client child was not ready within 15 s')), 15_000);
    child.once('error', reject);
    child.once('exit', () => reject(exited));
    child.on('message', function onReady(m: FromClient) {
      if (m.type !== 'ready') return;
      clearTimeout(timer);
      child.off('message', onReady);
      resolve();
    });
  }).catch((error: unknown) => {
    child.kill('SIGKILL');
    throw error;
  });
  child.on('message', (m: FromClient) => {
    if (m.type === 'ready') return;
    const p = pending.get(m.id);
    if (p === undefined) return;
    pending.delete(m.id);
    clearTimeout(p.timer);
    if (m.type === 'result') p.resolve(m.run);
    else p.reject(new Error(m.message));
  });
  return {
    pid: child.pid,
    run: (key, url, n) =>
      new Promise<Run>((resolve, reject) => {
        if (exited) return reject(exited);
        const id = nextId++;
        // The child bounds every run itself (MAX_RUN_MS, STALL_MS); this only catches a child that stopped answering.
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`the sse client child did not answer within ${(MAX_RUN_MS + 10_000) / 1000} s`));
        }, MAX_RUN_MS + 10_000);
        pending.set(id, { resolve, reject, timer });
        child.send({ type: 'run', id, key, url, n, maxMs: MAX_RUN_MS } satisfies ToClient);
      }),
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      if (child.connected) child.send({ type: 'stop' } satisfies ToClient);
      const killer = setTimeout(() => child.kill('SIGKILL'), 2000);
      await exitedPromise;
      clearTimeout(killer);
    },
  };
}

// ---- the run ----------------------------------------------------------------------

interface Measured extends Run {
  serverCpuUs: number;
}

interface Result {
  name: string;
  rate: number;
  cpuPer: number;
  firstEventMs: number;
  spreadPct: number;
  serverBusyPct: number;
  truncated: boolean;
}

const range = (xs: number[], digits: number) => `${Math.min(...xs).toFixed(digits)}..${Math.max(...xs).toFixed(digits)}`;
const rateOf = (r: Run) => (r.events / r.wallMs) * 1000;
const cpuPerOf = (r: Run) => r.cpuUs / r.events;
const signed = (x: number, digits: number) => `${x >= 0 ? '+' : ''}${x.toFixed(digits)}`;
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs the SSE benchmark and prints it; resolves false when the target fails or a subject misbehaved. */
export async function runSseBench(): Promise<boolean> {
  const started = performance.now();
  const problems: string[] = [];
  const server = await startServer();
  const url = `http://127.0.0.1:${server.port}/events`;
  let client: Client | undefined;
  let table: Result[] | undefined;
  const pairs = { ratios: [] as number[], cpuDeltas: [] as number[], swRates: [] as number[], rawRates: [] as number[], swCpu: [] as number[], rawCpu: [] as number[] };
  let clientEvents = 0;
  let serverAtStart: ServerStats | undefined;
  let serverAtEnd: ServerStats | undefined;
  let pinning: string | undefined;
  let runs = 0;

  /** One measured run with the server's CPU over it; problems are noted, never thrown past the part. */
  const measure = async (s: SubjectInfo, n: number, label: string): Promise<Measured> => {
    const before = await server.stats();
    const run = await client!.run(s.key, url, n);
    const after = await server.stats();
    runs++;
    clientEvents += run.events;
    if (run.truncated) problems.push(`${s.name} ${label}: stopped after ${MAX_RUN_MS / 1000} s with ${run.events} of ${n} events`);
    if (run.mismatches > 0) problems.push(`${s.name} ${label}: ${run.mismatches} events out of order, missing or wrong (first: ${run.firstMismatch})`);
    if (VERBOSE) {
      console.log(
        `  ${label} ${s.name}: ${fmtOps(rateOf(run))} events/s, ${cpuPerOf(run).toFixed(3)} µs CPU/event, ` +
          `${run.events} in ${run.wallMs.toFixed(1)} ms (first event ${run.firstEventMs.toFixed(1)} ms)`,
      );
    }
    // Let the closed stream's socket go before the next run starts its clock.
    await pause(5);
    return { ...run, serverCpuUs: after.cpuUs - before.cpuUs };
  };

  try {
    // Have the server build (and cache) both bodies now: the first stream of a size must not wait for it.
    for (const n of new Set([PREWARM_EVENTS, EVENTS])) {
      const r = await fetch(`http://127.0.0.1:${server.port}/prepare?n=${n}`);
      await r.arrayBuffer();
      if (r.status !== 204) throw new Error(`sse server: /prepare?n=${n} answered ${r.status}`);
    }
    client = await startClient();
    serverAtStart = await server.stats();
    pinning = pinProcesses(server.pid, client.pid);

    // Pre-warm every subject (JIT, the server's cached body), unmeasured.
    for (let i = 0; i < PREWARM_RUNS; i++) for (const s of SUBJECTS) await measure(s, PREWARM_EVENTS, 'pre-warm');

    // The table: ROUNDS interleaved rounds, round 2 in reverse order.
    const runsOf = new Map<SubjectInfo, Measured[]>(SUBJECTS.map((s) => [s, []]));
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? SUBJECTS : [...SUBJECTS].reverse();
      for (const s of order) runsOf.get(s)!.push(await measure(s, EVENTS, `round ${round + 1}`));
    }
    table = SUBJECTS.map((s) => {
      const rs = runsOf.get(s)!;
      const rates = rs.map(rateOf);
      const best = Math.max(...rates);
      const bestRun = rs[rates.indexOf(best)]!;
      return {
        name: s.name,
        rate: best,
        cpuPer: Math.min(...rs.map(cpuPerOf)),
        firstEventMs: Math.min(...rs.map((r) => r.firstEventMs)),
        spreadPct: ((best - Math.min(...rates)) / best) * 100,
        serverBusyPct: (bestRun.serverCpuUs / (bestRun.wallMs * 1000)) * 100,
        truncated: rs.some((r) => r.truncated),
      };
    });

    // The target: back-to-back statewire / raw+JSON.parse pairs, order alternating.
    const sw = SUBJECTS.find((s) => s.name === SW)!;
    const raw = SUBJECTS.find((s) => s.name === RAW)!;
    for (let i = 0; i < PAIRS; i++) {
      if (performance.now() - started > PART_BUDGET_MS) {
        problems.push(`time budget: only ${i} of ${PAIRS} pairs ran (the part passed ${PART_BUDGET_MS / 1000} s)`);
        break;
      }
      const swFirst = i % 2 === 0;
      const first = await measure(swFirst ? sw : raw, EVENTS, `pair ${i + 1}`);
      const second = await measure(swFirst ? raw : sw, EVENTS, `pair ${i + 1}`);
      const [a, b] = swFirst ? [first, second] : [second, first];
      pairs.ratios.push(rateOf(a) / rateOf(b));
      pairs.cpuDeltas.push(cpuPerOf(a) - cpuPerOf(b));
      pairs.swRates.push(rateOf(a));
      pairs.rawRates.push(rateOf(b));
      pairs.swCpu.push(cpuPerOf(a));
      pairs.rawCpu.push(cpuPerOf(b));
    }
  } catch (error) {
    problems.push(`run failed: ${String((error as Error)?.message ?? error)}`);
  } finally {
    await client?.stop();
    // Every stream is closed: give the server a moment to see it.
    for (let i = 0; i < 100; i++) {
      serverAtEnd = await server.stats();
      if (serverAtEnd.open === 0) break;
      await pause(20);
    }
    await server.stop();
  }

  if (serverAtStart && serverAtEnd) {
    const streams = serverAtEnd.streams - serverAtStart.streams;
    if (streams !== runs) problems.push(`the server served ${streams} streams for ${runs} runs (a reconnect or a second request?)`);
    if (serverAtEnd.open !== 0) problems.push(`the server still holds ${serverAtEnd.open} streams at the end`);
  }

  // ---- print ----
  const cpu = os.cpus()[0]?.model ?? 'unknown cpu';
  const sample = 'id: 12345\\ndata: {"n":12345}\\n\\n';
  console.log(
    `\nstatewire SSE bench: node ${process.version}, ${cpu} x${os.cpus().length} | eventsource ${versionOf('eventsource')}, ` +
      `undici (Node's fetch) ${process.versions.undici ?? '?'}, xstate ${versionOf('xstate')}`,
  );
  console.log(
    `server: node:http in a child process on 127.0.0.1, ${EVENTS} events per stream like "${sample}" (${Buffer.byteLength(sample.replaceAll('\\n', '\n'))} bytes), ` +
      `written as cached ~64 KB chunks with backpressure, then the response ends.\n` +
      `both target subjects hand the application the SAME parsed value { n }: statewire JSON-parses (parse 'auto', the data starts with '{'), ` +
      `the raw eventsource handler calls JSON.parse(e.data) itself; the two "no JSON.parse" / "parse: 'text'" rows hand over the string, for information.\n` +
      `statewire: new SSEConnection({ url, autoReconnect: false }) + on('message'); raw: new EventSource(url) + onmessage. ` +
      `every handler checks each event (id in order, parsed n = id).\n` +
      `a run: clock and CPU from just before the subject is created (opening the stream included) to the ${EVENTS}th event, then close ` +
      `(the server's end of stream is never timed); stops after ${MAX_RUN_MS / 1000} s wall.\n` +
      `pre-warm: ${PREWARM_RUNS} × ${PREWARM_EVENTS} events per subject; then ${ROUNDS} interleaved rounds (round 2 in reverse order), ` +
      `kept: the higher rate and the lower CPU. CPU = client process user+system (server excluded).\n` +
      `round Δ = rate difference between the rounds; server busy = server CPU / wall in the kept run.` +
      `\nthe clients run in a fresh child process (this file as BENCH_SSE_ROLE=client), one stream at a time` +
      (pinning ? `; ${pinning}.` : '.'),
  );

  if (table) {
    const ref = table.find((r) => r.name === RAW)!;
    console.log(`\n${EVENTS} events per run, one stream per run:\n`);
    printTable(
      ['subject', 'events/s', 'CPU µs/event', 'events/s vs raw+parse', 'CPU vs raw+parse', 'CPU Δ µs', 'first event ms', 'round Δ', 'server busy'],
      table.map((r) => [
        r.truncated ? `${r.name} (time-bounded)` : r.name,
        fmtOps(r.rate),
        r.cpuPer.toFixed(3),
        fmtRatio(r.rate / ref.rate),
        fmtRatio(r.cpuPer / ref.cpuPer),
        signed(r.cpuPer - ref.cpuPer, 3),
        r.firstEventMs.toFixed(1),
        `${r.spreadPct.toFixed(1)}%`,
        `${r.serverBusyPct.toFixed(0)}%`,
      ]),
      [false, true, true, true, true, true, true, true, true],
    );
  }

  console.log(
    problems.length === 0
      ? `\nsanity: every event of every run arrived, ids in order, none duplicated, parsed values right; the server served one stream per run and all are closed`
      : `\nsanity PROBLEMS (numbers above may time an unhappy path):\n  ${problems.join('\n  ')}`,
  );

  let pass = problems.length === 0;
  if (pairs.ratios.length > 0) {
    const ratio = median(pairs.ratios);
    console.log(
      `target: median of ${pairs.ratios.length} back-to-back statewire / raw eventsource + JSON.parse pairs of ${EVENTS} events (order alternating), ` +
        `after the table: ratio [${range(pairs.ratios, 3)}] (quartiles ${quartiles(pairs.ratios, 3)}); ` +
        `statewire ${fmtOps(median(pairs.swRates))} events/s, ${median(pairs.swCpu).toFixed(3)} µs CPU/event; ` +
        `raw ${fmtOps(median(pairs.rawRates))} events/s, ${median(pairs.rawCpu).toFixed(3)} µs CPU/event; ` +
        `CPU Δ µs/event ${signed(median(pairs.cpuDeltas), 3)} (quartiles ${quartiles(pairs.cpuDeltas, 3)})`,
    );
    const ratioPass = ratio >= TARGET_RATIO;
    console.log(`statewire events/s vs raw eventsource + JSON.parse: ${ratio.toFixed(3)}× (target ≥ ${TARGET_RATIO}×): ${ratioPass ? 'PASS' : 'FAIL'}`);
    pass &&= ratioPass;
  } else {
    console.log('target line: no pair ran: FAIL');
    pass = false;
  }
  console.log(`(SSE run took ${((performance.now() - started) / 1000).toFixed(1)} s, ${clientEvents} events received)`);
  return pass;
}

if (process.env[ROLE_ENV] === 'client') await serveAsClient();
