/**
 * One worker process of the statewire/redis process tests (run with
 * `node --import tsx`): an ApiClient sharing its limiter and breaker through a
 * redis-server on 127.0.0.1, calling a local HTTP server in `loops` concurrent
 * loops from the parent's `go` (a line on stdin) until `ms` have passed or the
 * parent says `stop`. Prints `ready`, then one JSON line of counts, and exits.
 *
 * @example
 * ```ts
 * const w = startWorker({ redisUrl, serverUrl, prefix: 'p:', instanceId: 'w1', sharedKey: 'k', ms: 3000, loops: 4 });
 * await w.ready; w.go(); const counts = await w.done;
 * ```
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface WorkerConfig {
  redisUrl: string;
  serverUrl: string;
  prefix: string;
  instanceId: string;
  sharedKey: string;
  /** How long to call (ms) after `go`; the parent may `stop` it earlier. */
  ms: number;
  loops: number;
  /** Share through Redis (false: the local limiter alone). */
  shared: boolean;
  limits?: { tokensPerSecond: number; burstCapacity: number };
  breaker?: { threshold: number; volumeThreshold: number; timeout: number };
  /** Request timeout (ms). */
  timeout?: number;
  probeLease?: number;
  /** redisState's commandTimeout (ms); generous, so a loaded test machine does not look like an outage. */
  commandTimeout?: number;
  /** Pause between calls of one loop (ms). */
  pace?: number;
}

export interface WorkerCounts {
  sent: number;
  limited: number;
  rejected: number;
  failed: number;
}

export interface Worker {
  child: ChildProcess;
  ready: Promise<void>;
  done: Promise<WorkerCounts | undefined>;
  go(): void;
  stop(): void;
  kill(): void;
}

const self = fileURLToPath(import.meta.url);
const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const c of live) c.kill('SIGKILL');
});

/** Starts a worker; it is SIGKILLed after 60 s at the latest, and when the test process exits. */
export function startWorker(config: WorkerConfig): Worker {
  for (const url of [config.redisUrl, config.serverUrl]) if (!/^(redis|http):\/\/127\.0\.0\.1:/.test(url)) throw new Error(`workers talk to 127.0.0.1 only, not ${url}`);
  const child = spawn(process.execPath, ['--import', 'tsx', self, JSON.stringify(config)], { stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, NODE_NO_WARNINGS: '1' } });
  live.add(child);
  const guard = setTimeout(() => child.kill('SIGKILL'), 60_000);
  child.once('exit', () => {
    clearTimeout(guard);
    live.delete(child);
  });
  const lines = createInterface({ input: child.stdout! });
  let counts: WorkerCounts | undefined;
  const ready = new Promise<void>((resolve, reject) => {
    lines.on('line', (line) => {
      if (line === 'ready') resolve();
      else if (line.startsWith('{')) counts = JSON.parse(line) as WorkerCounts;
    });
    child.once('exit', (code) => reject(new Error(`worker ${config.instanceId} exited (${code}) before it was ready`)));
  });
  ready.catch(() => {});
  const done = new Promise<WorkerCounts | undefined>((resolve) => child.once('exit', () => resolve(counts)));
  const say = (line: string) => {
    if (child.exitCode === null && child.signalCode === null) child.stdin!.write(`${line}\n`);
  };
  return { child, ready, done, go: () => say('go'), stop: () => say('stop'), kill: () => child.kill('SIGKILL') };
}

async function run(config: WorkerConfig): Promise<void> {
  const src = (p: string) => pathToFileURL(fileURLToPath(new URL(p, import.meta.url))).href;
  const { ApiClient } = (await import(src('../../src/http/ApiClient.ts'))) as typeof import('../../src/http/ApiClient.js');
  const { RateLimitError, CircuitBreakerError } = (await import(src('../../src/errors.ts'))) as typeof import('../../src/errors.js');
  const { redisState } = (await import(src('../../src/redis/index.ts'))) as typeof import('../../src/redis/index.js');
  const { createClient } = await import('redis');
  const client = createClient({ url: config.redisUrl, socket: { reconnectStrategy: () => 50, connectTimeout: 500 } });
  client.on('error', () => {});
  await client.connect();
  const shared = config.shared ? redisState({ client: client as never, prefix: config.prefix, instanceId: config.instanceId, commandTimeout: config.commandTimeout ?? 2_000, probeLease: config.probeLease }) : undefined;
  if (shared) while (shared.state !== 'connected') await new Promise((r) => setTimeout(r, 10));
  const api = new ApiClient({
    baseURL: config.serverUrl,
    retries: 0,
    timeout: config.timeout ?? 5_000,
    headers: { 'x-worker': config.instanceId },
    rateLimiter: config.limits !== undefined,
    rateLimiterOptions: config.limits ? { limits: { api: config.limits } } : undefined,
    circuitBreakerOptions: config.breaker ?? { threshold: 1_000, volumeThreshold: 1_000, timeout: 60_000 },
    ...(shared ? { shared, sharedKey: config.sharedKey } : {}),
  });
  // Warm up (module loading, the first connection) outside the measured run and outside the shared quota.
  const warm = new ApiClient({ baseURL: config.serverUrl, retries: 0, circuitBreaker: false });
  await warm.get('/warm').catch(() => {});
  await warm.dispose();
  const counts: WorkerCounts = { sent: 0, limited: 0, rejected: 0, failed: 0 };
  let stopped = false;
  const input = createInterface({ input: process.stdin });
  const go = new Promise<void>((resolve) =>
    input.on('line', (line) => {
      if (line === 'go') resolve();
      if (line === 'stop') stopped = true;
    }),
  );
  process.stdout.write('ready\n');
  await go;
  const end = Date.now() + config.ms;
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const loop = async () => {
    while (!stopped && Date.now() < end) {
      try {
        await api.get('/w');
        counts.sent++;
      } catch (error) {
        if (error instanceof RateLimitError) {
          counts.limited++;
          await sleep(Math.min(error.retryAfter, 20));
          continue;
        }
        if (error instanceof CircuitBreakerError) counts.rejected++;
        else counts.failed++;
      }
      if (config.pace) await sleep(config.pace);
    }
  };
  await Promise.all(Array.from({ length: config.loops }, loop));
  process.stdout.write(`${JSON.stringify(counts)}\n`);
  await api.dispose();
  shared?.dispose();
  client.destroy();
  input.close();
  process.exit(0);
}

if (process.argv[1] === self && process.argv[2] !== undefined) void run(JSON.parse(process.argv[2]) as WorkerConfig);
