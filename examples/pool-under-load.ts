// In your app: import { WebSocketConnectionPool, type WebSocketConnection } from 'statewire';
/**
 * `npm run example:pool`: a `WebSocketConnectionPool` of 3 connections shared by
 * 8 workers with 4 jobs each (32 jobs, each a 50 ms round trip to a job server
 * started here on 127.0.0.1).
 *
 * It prints how long each `acquire()` waited (the pool never opens more than
 * `maxSize` sockets: the other workers queue, first come first served), the
 * slots' states as the pool's actors show them, a socket the server kills while
 * it is leased (the job is re-run; the pool destroys the dead connection and its
 * slot makes a new one), an `acquire()` that gives up after its timeout
 * (it resolves `null`), and the pool's statistics. It exits on its own (about 1 s).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { WebSocketConnectionPool, type WebSocketConnection } from '../src/index.js';

const WORKERS = 8;
const JOBS_EACH = 4;
const MAX_SIZE = 3;
const started = Date.now();
const t = () => `${String(Date.now() - started).padStart(5)} ms`;
const log = (line: string) => console.log(`${t()}  ${line}`);
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The job server: each socket gets a number; a job is answered after 50 ms; the socket serving job 12 is killed. */
async function startJobServer() {
  const http = createServer((_req, res) => res.writeHead(404).end());
  const wss = new WebSocketServer({ server: http, path: '/jobs' });
  let sockets = 0;
  let open = 0;
  let mostOpen = 0;
  let killed = false;
  wss.on('connection', (socket) => {
    const n = ++sockets;
    mostOpen = Math.max(mostOpen, ++open);
    socket.on('close', () => open--);
    socket.on('message', (data) => {
      const { job } = JSON.parse(String(data)) as { job: number };
      if (job === 12 && !killed) {
        killed = true;
        log(`  server: ✗ kills socket #${n} while it carries job 12`);
        return socket.terminate();
      }
      setTimeout(() => socket.readyState === socket.OPEN && socket.send(JSON.stringify({ job, socket: n })), 50);
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return {
    url: `ws://127.0.0.1:${(http.address() as AddressInfo).port}/jobs`,
    stats: () => ({ socketsOpened: sockets, mostOpenAtOnce: mostOpen }),
    close: () => new Promise<void>((resolve) => wss.close(() => http.close(() => resolve()))),
  };
}

async function main(): Promise<void> {
  const server = await startJobServer();
  // Pool times are in seconds, as in seed 000.
  const pool = new WebSocketConnectionPool(
    { maxSize: MAX_SIZE, minSize: 1, acquireTimeout: 5, createRetryDelay: 0.05 },
    { url: server.url, healthUrl: false },
  );
  pool.on('created', ({ slot }) => log(`  pool: ${slot} created a connection`));
  // A slot whose connection was destroyed stays empty until a caller needs it (above minSize).
  pool.on('destroyed', ({ slot, reason }) => log(`  pool: ${slot} destroyed its connection (${reason})`));
  pool.on('acquire_timeout', ({ timeout }) => log(`  pool: an acquire() gave up after ${timeout} ms`));
  await pool.start();
  log(`pool started (minSize 1, maxSize ${MAX_SIZE}): ${JSON.stringify(pool.getStats())}`);

  // What the slot actors say, sampled while the load runs.
  const slotNames = pool.actor!.getSnapshot().context.slots;
  const slotStates = () => slotNames.map((name) => `${name.replace(/^.*\./, '')} ${String(pool.actor!.system.get(name)?.getSnapshot().value)}`).join(', ');
  const sampler = setInterval(() => {
    const { leased, available, pending, creating } = pool.getStats();
    log(`  slots: ${slotStates()} | leased ${leased}, idle ${available}, creating ${creating}, waiting ${pending}`);
  }, 150);

  const waits: number[] = [];
  let nextJob = 1;
  const runJob = async (worker: number, job: number): Promise<void> => {
    for (let attempt = 1; attempt <= 2; attempt++) {
      const asked = Date.now();
      const conn: WebSocketConnection | null = await pool.acquire();
      if (conn === null) throw new Error(`worker ${worker}: no connection within acquireTimeout`);
      const waited = Date.now() - asked;
      waits.push(waited);
      try {
        conn.send({ job });
        // statewire 0.1: a receive() pending when a pooled (non-reconnecting) connection drops waits out its
        // timeout rather than rejecting at once (reported upstream), hence a short one here.
        const reply = (await conn.receive(1_000)) as { job: number; socket: number };
        log(`worker ${worker} job ${String(job).padStart(2)}: waited ${String(waited).padStart(3)} ms for a connection, served by socket #${reply.socket}`);
        await pool.release(conn);
        return;
      } catch (error) {
        log(`worker ${worker} job ${job}: the connection failed (${(error as Error).message}); destroying it and running the job again`);
        await pool.destroy(conn);
      }
    }
    throw new Error(`job ${job} failed twice`);
  };
  const worker = async (id: number) => {
    for (let i = 0; i < JOBS_EACH; i++) await runJob(id, nextJob++);
  };

  const load = async () => {
    const all = Promise.all(Array.from({ length: WORKERS }, (_, i) => worker(i + 1)));
    await sleep(100);
    // While every connection is busy, an impatient caller: it waits 50 ms at most.
    const impatient = await pool.acquire({ timeout: 0.05 });
    log(`an impatient acquire({ timeout: 0.05 }) resolved ${impatient === null ? 'null: nothing free within 50 ms' : 'a connection'}`);
    if (impatient) await pool.release(impatient);
    await all;
  };
  try {
    await load();
  } finally {
    clearInterval(sampler);
  }
  const sorted = [...waits].sort((a, b) => a - b);
  log(`all ${WORKERS * JOBS_EACH} jobs done; acquire waits: median ${sorted[Math.floor(sorted.length / 2)]} ms, max ${sorted[sorted.length - 1]} ms, ${waits.filter((w) => w < 5).length} of ${waits.length} under 5 ms`);
  log(`pool stats: ${JSON.stringify(pool.getStats())}`);
  await pool.stop({ deadline: 2 });
  log(`pool stopped, every connection closed: ${JSON.stringify(pool.getStats())}`);
  await server.close();
  const { socketsOpened, mostOpenAtOnce } = server.stats();
  log(`server: ${socketsOpened} sockets opened in all, at most ${mostOpenAtOnce} at once (maxSize ${MAX_SIZE}: ${mostOpenAtOnce <= MAX_SIZE ? 'never exceeded' : 'EXCEEDED'})`);
  if (mostOpenAtOnce > MAX_SIZE) process.exitCode = 1;
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
