/**
 * Pool benchmark (`npm run bench -- pool`): statewire's ConnectionPool side by
 * side with generic-pool 3.9 and tarn 3.1, in one process, on two kinds of
 * resource:
 *
 * - zero-cost: a plain object (`{ open: true }`), validated on borrow by
 *   reading `open`: what is timed is the pool alone;
 * - ws: real WebSocket connections to a `ws` echo server in a CHILD process
 *   (bench/wsServer.ts), validated on borrow (`readyState === OPEN` for raw ws
 *   sockets; statewire's WebSocketConnectionPool checks `isConnected()`).
 *   statewire runs twice here: over the same raw ws sockets as the peers
 *   (like for like), and as WebSocketConnectionPool (each pooled connection a
 *   WebSocketConnection whose machine is its slot's child).
 *
 * Cases, each a pool of 10 with validation on borrow:
 * 1. sequential: `await acquire()` + release of an idle resource, ns/op;
 * 2. 50 concurrent borrowers on a pool of 10 (acquire, yield once, release), ops/s;
 * 3. 500 waiters on a pool of 10 (500 acquires at once, each released as it
 *    arrives), ops/s;
 * 4. churn: acquire + destroy (the pool creates the next one), ops/s.
 *
 * Every subject runs each case ROUNDS times, interleaved, and keeps its best
 * run; each run starts with a warm-up of the borrow and the churn paths. A last table times what a `LEASE` + `RELEASE` pair costs on a slot actor
 * (why the borrow path keeps leases itself and tells the slots in batches).
 * Every loop is bounded in count; the whole bench takes about a minute.
 */
import { createPool, type Pool as GenericPool } from 'generic-pool';
import { Pool as TarnPool } from 'tarn';
import { WebSocket } from 'ws';
import { createActor } from 'xstate';
import type * as Statewire from '../src/index.js';
import type * as Machines from '../machines/index.js';
import { fmtNs, fmtOps, fmtRatio, printTable, versionOf } from './format.js';
import { startChildServer } from './childServer.js';

const built = (await import(new URL('../dist/index.js', import.meta.url).href)) as typeof Statewire;
const machines = (await import(new URL('../dist/machines/index.js', import.meta.url).href)) as typeof Machines;

const SIZE = 10;
const ROUNDS = 3;

/** One pool under test, whatever its library: acquire / release / destroy and a way to stop it. */
interface Subject {
  name: string;
  acquire(): Promise<unknown>;
  release(r: unknown): unknown;
  destroy(r: unknown): unknown;
  stop(): Promise<void>;
}

interface Kind {
  name: string;
  create(): Promise<unknown>;
  valid(r: unknown): boolean;
  close(r: unknown): void;
  /** Ops per case: sequential, borrowers, waiter rounds (×500), churn; and the churn ops of the warm-up (the JIT takes ~3,000 cycles to settle on statewire's churn path). */
  ops: { sequential: number; borrowers: number; waiterRounds: number; churn: number; churnWarm: number };
}

const zeroCost: Kind = {
  name: 'zero-cost',
  create: async () => ({ open: true }),
  valid: (r) => (r as { open: boolean }).open,
  close: (r) => void ((r as { open: boolean }).open = false),
  ops: { sequential: 200_000, borrowers: 200_000, waiterRounds: 100, churn: 2_000, churnWarm: 3_000 },
};

function wsKind(url: string): Kind {
  return {
    name: 'ws',
    create: () =>
      new Promise((resolve, reject) => {
        const ws = new WebSocket(url, { perMessageDeflate: false });
        ws.once('open', () => resolve(ws));
        ws.once('error', reject);
      }),
    valid: (r) => (r as WebSocket).readyState === WebSocket.OPEN,
    close: (r) => (r as WebSocket).terminate(),
    ops: { sequential: 50_000, borrowers: 50_000, waiterRounds: 20, churn: 300, churnWarm: 50 },
  };
}

function genericPool(kind: Kind): Subject {
  const pool: GenericPool<unknown> = createPool(
    { create: kind.create, destroy: async (r) => kind.close(r), validate: async (r) => kind.valid(r) },
    { max: SIZE, min: SIZE, testOnBorrow: true, acquireTimeoutMillis: 10_000 },
  );
  return {
    name: `generic-pool ${versionOf('generic-pool')}`,
    acquire: () => pool.acquire(),
    release: (r) => pool.release(r),
    destroy: (r) => pool.destroy(r),
    stop: async () => {
      await pool.drain();
      await pool.clear();
    },
  };
}

function tarnPool(kind: Kind): Subject {
  const pool = new TarnPool<unknown>({ create: kind.create, destroy: (r) => kind.close(r), validate: (r) => kind.valid(r), min: SIZE, max: SIZE, acquireTimeoutMillis: 10_000 });
  return {
    name: `tarn ${versionOf('tarn')}`,
    acquire: () => pool.acquire().promise,
    release: (r) => pool.release(r),
    // tarn has no destroy(r): a resource released after it failed validation is replaced.
    destroy: (r) => {
      kind.close(r);
      pool.release(r);
    },
    stop: async () => void (await pool.destroy()),
  };
}

function statewirePool(kind: Kind): Subject {
  const pool = new built.ConnectionPool<unknown>({ maxSize: SIZE, minSize: SIZE, validate: kind.valid, destroy: kind.close }, kind.create);
  return { name: 'statewire ConnectionPool', acquire: () => pool.acquire(), release: (r) => pool.release(r), destroy: (r) => pool.destroy(r), stop: () => pool.stop() };
}

function statewireWsPool(url: string): Subject {
  const pool = new built.WebSocketConnectionPool({ maxSize: SIZE, minSize: SIZE }, { url, healthUrl: false });
  return {
    name: 'statewire WebSocketConnectionPool',
    acquire: () => pool.acquire(),
    release: (r) => pool.release(r as Statewire.WebSocketConnection),
    destroy: (r) => pool.destroy(r as Statewire.WebSocketConnection),
    stop: () => pool.stop(),
  };
}

/** Fills the pool (tarn does not pre-create `min`) and warms the JIT, the churn path too (else case 4 times the JIT more than the pool). */
async function warm(s: Subject, n: number, churnOps: number): Promise<void> {
  const held = await Promise.all(Array.from({ length: SIZE }, () => s.acquire()));
  for (const r of held) await s.release(r);
  for (let i = 0; i < n; i++) await s.release(await s.acquire());
  for (let i = 0; i < churnOps; i++) await s.destroy(await s.acquire());
}

async function sequential(s: Subject, n: number): Promise<number> {
  const t = performance.now();
  for (let i = 0; i < n; i++) {
    const r = await s.acquire();
    await s.release(r);
  }
  return ((performance.now() - t) * 1e6) / n;
}

async function borrowers(s: Subject, n: number): Promise<number> {
  const per = n / 50;
  const t = performance.now();
  await Promise.all(
    Array.from({ length: 50 }, async () => {
      for (let i = 0; i < per; i++) {
        const r = await s.acquire();
        await null;
        await s.release(r);
      }
    }),
  );
  return ((performance.now() - t) * 1e6) / n;
}

async function waiters(s: Subject, rounds: number): Promise<number> {
  const t = performance.now();
  for (let k = 0; k < rounds; k++) {
    await Promise.all(Array.from({ length: 500 }, () => s.acquire().then((r) => s.release(r))));
  }
  return ((performance.now() - t) * 1e6) / (rounds * 500);
}

async function churn(s: Subject, n: number): Promise<number> {
  const t = performance.now();
  for (let i = 0; i < n; i++) await s.destroy(await s.acquire());
  return ((performance.now() - t) * 1e6) / n;
}

const CASES = ['1. sequential acquire+release', '2. 50 borrowers, pool of 10', '3. 500 waiters, pool of 10', '4. create/destroy churn'] as const;

async function runKind(kind: Kind, make: Array<() => Subject>): Promise<void> {
  const best = new Map<string, number[]>();
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? make : [...make].reverse();
    for (const factory of order) {
      const s = factory();
      try {
        await warm(s, Math.min(5_000, kind.ops.sequential / 10), kind.ops.churnWarm);
        const times = [
          await sequential(s, kind.ops.sequential),
          await borrowers(s, kind.ops.borrowers),
          await waiters(s, kind.ops.waiterRounds),
          await churn(s, kind.ops.churn),
        ];
        const prev = best.get(s.name);
        best.set(s.name, prev ? prev.map((p, i) => Math.min(p, times[i]!)) : times);
      } finally {
        await s.stop();
      }
    }
  }
  const names = [...best.keys()];
  console.log(`\n${kind.name} resources, pool of ${SIZE}, validation on borrow (best of ${ROUNDS}; ns/op and ops/s, ratio = statewire ConnectionPool / subject):\n`);
  const rows: string[][] = [];
  CASES.forEach((label, i) => {
    const sw = best.get('statewire ConnectionPool')![i]!;
    for (const name of names) {
      const ns = best.get(name)![i]!;
      rows.push([label, name, fmtNs(ns), fmtOps(1e9 / ns), fmtRatio(sw / ns)]);
    }
  });
  printTable(['case', 'subject', 'ns/op', 'ops/s', 'sw/subject'], rows, [false, false, true, true, true]);
  const fastestPeer = Math.min(...names.filter((n) => !n.startsWith('statewire')).map((n) => best.get(n)![0]!));
  const sw = best.get('statewire ConnectionPool')![0]!;
  console.log(`sequential: statewire ${fmtNs(sw)} ns/op vs fastest peer ${fmtNs(fastestPeer)} ns/op: ${fmtRatio(sw / fastestPeer)} (target <= 1.5x): ${sw <= 1.5 * fastestPeer ? 'PASS' : 'FAIL'}`);
}

/** What the slot actors would cost on the borrow path: a LEASE + RELEASE pair sent to a slot actor. */
function slotEventCost(): void {
  const slot = createActor(machines.poolSlotMachine, {
    input: { name: 'bench.slot0', createTimeout: 1000, validateTimeout: 1000, destroyTimeout: 1000, backoff: { base: 1000, maxDelay: 30_000, maxAttempts: null, minUptime: 0, jitter: 'equal' }, seed: 1 },
  });
  slot.subscribe({ error: () => {} });
  slot.start();
  slot.send({ type: 'CREATE' });
  const n = 50_000;
  let best = Infinity;
  for (let round = 0; round < 3; round++) {
    const t = performance.now();
    for (let i = 0; i < n; i++) {
      slot.send({ type: 'LEASE', leases: i });
      slot.send({ type: 'RELEASE' });
    }
    best = Math.min(best, ((performance.now() - t) * 1e6) / n);
  }
  slot.stop();
  console.log(`\nwhere the time goes: one LEASE + RELEASE pair sent to a slot actor costs ${fmtNs(best)} ns (best of 3 × ${n});`);
  console.log('statewire keeps leases on the borrow path and tells each slot its net change once per event-loop turn.');
}

export async function runPoolBench(): Promise<boolean> {
  const started = performance.now();
  console.log(`\nstatewire pool bench: node ${process.version} | xstate ${versionOf('xstate')}, generic-pool ${versionOf('generic-pool')}, tarn ${versionOf('tarn')}, ws ${versionOf('ws')}`);
  await runKind(zeroCost, [() => statewirePool(zeroCost), () => genericPool(zeroCost), () => tarnPool(zeroCost)]);
  const server = await startChildServer(new URL('./wsServer.ts', import.meta.url), 'ws echo server', () => ({}));
  try {
    const url = `ws://127.0.0.1:${server.port}/`;
    const ws = wsKind(url);
    await runKind(ws, [() => statewirePool(ws), () => statewireWsPool(url), () => genericPool(ws), () => tarnPool(ws)]);
  } finally {
    await server.stop();
  }
  slotEventCost();
  console.log(`(run took ${((performance.now() - started) / 1000).toFixed(1)} s)`);
  return true;
}
