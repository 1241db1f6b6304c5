/**
 * Heap per open WebSocket connection, run as a CHILD process of
 * bench/websocket.ts with `--expose-gc` (`global.gc` is needed for a stable
 * `heapUsed`):
 *
 *   node --expose-gc --import tsx bench/wsMemory.ts <port> [connections]
 *
 * For each subject (bench/wsClients.ts; BENCH_WS_ONLY filters): a warm-up of a
 * few connections opened and closed (lazy imports, JIT), then per round: full
 * GC, `heapUsed`, open `connections` (default 1000) to the echo server in
 * batches of 100, full GC, `heapUsed` again; the difference divided by the
 * connections is the heap per connection. Then every client is closed and the
 * process waits until its TCP sockets are gone. Two rounds when the time budget
 * (~20 s) allows, interleaved, the lower figure kept.
 *
 * Result: `{ type: 'result', results, ... }` over IPC when forked, else JSON on stdout.
 */
import { pickSubjects, socketsDown, openTcpSockets, type WsClient, type WsSubject } from './wsClients.js';

export interface MemoryResult {
  key: string;
  name: string;
  connections: number;
  /** Bytes of heapUsed per open connection, per round. */
  heapPerConn: number[];
  /** Bytes of external memory (Buffers etc., outside the JS heap) per open connection, per round. */
  externalPerConn: number[];
  /** ms to open all the connections, per round. */
  openMs: number[];
  /** heapUsed after closing everything minus before opening, bytes (≈0 unless something is retained). */
  leftAfterClose: number[];
  error?: string;
}

const port = Number(process.argv[2]);
const CONNECTIONS = Math.max(1, Number(process.argv[3]) || 1000);
const BATCH = 100;
const WARMUP = 20;
const BUDGET_MS = 20_000;
const ROUNDS = 2;

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) {
  console.error('wsMemory: run with --expose-gc');
  process.exit(2);
}
if (!Number.isInteger(port) || port <= 0) {
  console.error('wsMemory: usage: wsMemory.ts <port> [connections]');
  process.exit(2);
}

const tick = () => new Promise<void>((r) => setImmediate(r));
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function fullGc(): Promise<void> {
  for (let i = 0; i < 4; i++) {
    gc!();
    await tick();
  }
}

const url = `ws://127.0.0.1:${port}/`;
const noop = () => {};

async function openMany(subject: WsSubject, n: number): Promise<WsClient[]> {
  const clients: WsClient[] = [];
  try {
    for (let i = 0; i < n; i += BATCH) {
      const batch = await Promise.allSettled(Array.from({ length: Math.min(BATCH, n - i) }, () => subject.open(url, noop)));
      for (const r of batch) if (r.status === 'fulfilled') clients.push(r.value);
      const failed = batch.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    }
    return clients;
  } catch (error) {
    closeAll(clients);
    throw error;
  }
}

function closeAll(clients: WsClient[]): void {
  for (const c of clients) c.close();
  clients.length = 0;
}

async function measure(subject: WsSubject, result: MemoryResult): Promise<void> {
  await fullGc();
  const before = process.memoryUsage();
  const t0 = performance.now();
  let clients: WsClient[] | undefined = await openMany(subject, CONNECTIONS);
  const openMs = performance.now() - t0;
  await sleep(100); // let what runs after 'open' (flushes, events, timers armed) settle
  await fullGc();
  const after = process.memoryUsage();
  closeAll(clients);
  clients = undefined;
  if (!(await socketsDown(0, 10_000))) throw new Error(`${openTcpSockets()} sockets still open 10 s after closing`);
  await sleep(50);
  await fullGc();
  const closed = process.memoryUsage();
  result.heapPerConn.push((after.heapUsed - before.heapUsed) / CONNECTIONS);
  result.externalPerConn.push((after.external - before.external) / CONNECTIONS);
  result.openMs.push(openMs);
  result.leftAfterClose.push(closed.heapUsed - before.heapUsed);
}

async function main(): Promise<void> {
  const started = performance.now();
  const subjects = pickSubjects();
  const results: MemoryResult[] = subjects.map((s) => ({
    key: s.key,
    name: s.name,
    connections: CONNECTIONS,
    heapPerConn: [],
    externalPerConn: [],
    openMs: [],
    leftAfterClose: [],
  }));

  // Warm-up: every subject's code paths (and lazy imports) run before anything is measured.
  for (const s of subjects) {
    const clients = await openMany(s, WARMUP);
    closeAll(clients);
  }
  await socketsDown(0, 10_000);

  let lastRoundMs = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const elapsed = performance.now() - started;
    // A second round only when it fits in the budget at the pace of the first.
    if (round > 0 && elapsed + lastRoundMs > BUDGET_MS) break;
    const roundStart = performance.now();
    const order = round % 2 === 0 ? subjects : [...subjects].reverse();
    for (const s of order) {
      const r = results.find((x) => x.key === s.key)!;
      if (r.error) continue;
      try {
        await measure(s, r);
      } catch (error) {
        r.error = String((error as Error)?.message ?? error);
        await socketsDown(0, 10_000);
      }
    }
    lastRoundMs = performance.now() - roundStart;
  }

  const message = { type: 'result', results, tookMs: performance.now() - started, node: process.version };
  if (process.send) process.send(message, () => process.disconnect());
  else console.log(JSON.stringify(message));
}

main().catch((error: unknown) => {
  const message = { type: 'error', error: String((error as Error)?.stack ?? error) };
  if (process.send) process.send(message, () => process.disconnect());
  else console.error(message.error);
  process.exitCode = 1;
});
