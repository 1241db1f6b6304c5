/**
 * A throwaway `redis-server` (Debian's package, /usr/bin/redis-server) for the
 * statewire/redis suites: each test file starts its own on a free port of
 * 127.0.0.1 with no persistence (`--save '' --appendonly no`), can kill it
 * (SIGKILL, as a crash) and start it again on the same port (fresh: no keys,
 * no scripts), and stops it in `afterAll`. Every server started here is also
 * killed when the test process exits, so none outlives its suite; the system's
 * own redis-server is never touched (we only ever signal the pid we spawned).
 *
 * Without the binary the suites skip with a note naming what to install;
 * STATEWIRE_REQUIRE_REDIS=1 (set by .ci/run) makes a missing binary a failure.
 *
 * @example
 * ```ts
 * const redis = await startRedisServer();
 * const client = createClient({ url: redis.url });
 * await redis.kill();    // Redis "crashes"
 * await redis.restart(); // back, empty, same port
 * await redis.stop();
 * ```
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';

export const REDIS_SERVER = '/usr/bin/redis-server';
/** Whether the binary is there. */
export const redisAvailable = existsSync(REDIS_SERVER);
/** STATEWIRE_REQUIRE_REDIS=1: a missing binary fails the suites instead of skipping them. */
export const redisRequired = process.env.STATEWIRE_REQUIRE_REDIS === '1';

/** Whether a redis suite runs: call once per file, it prints the skip note. */
export function redisSuiteRuns(file: string): boolean {
  if (!redisAvailable && !redisRequired) {
    console.warn(`${file} skipped: no ${REDIS_SERVER} (install it: apt-get install -y redis-server; STATEWIRE_REQUIRE_REDIS=1 makes this a failure)`);
  }
  return redisAvailable || redisRequired;
}

export interface RedisTestServer {
  /** `redis://127.0.0.1:<port>` */
  url: string;
  port: number;
  /** SIGKILL: the server dies as in a crash (clients see the socket close). */
  kill(): Promise<void>;
  /** Starts a fresh server on the same port (after `kill`, or to replace a running one). */
  restart(): Promise<void>;
  /** SIGSTOP: the server hangs with its sockets open (commands get no reply) until `thaw`. */
  freeze(): void;
  /** SIGCONT after `freeze`. */
  thaw(): void;
  /** Stops it (SIGKILL; nothing is persisted anyway). Safe to call twice. */
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of running) child.kill('SIGKILL');
  });
}

/** A port the kernel just handed out on 127.0.0.1 (closed again at once). */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function spawnOn(port: number): Promise<ChildProcess> {
  if (!redisAvailable) throw new Error(`STATEWIRE_REQUIRE_REDIS=1 but there is no ${REDIS_SERVER}: apt-get install -y redis-server`);
  const child = spawn(
    REDIS_SERVER,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'yes', '--loglevel', 'notice', '--dir', '/tmp'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  running.add(child);
  installExitHook();
  child.once('exit', () => running.delete(child));
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => fail(new Error(`redis-server on port ${port} did not start in 5 s: ${out}`)), 5_000);
    const fail = (error: Error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(error);
    };
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('Ready to accept connections')) {
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        child.stdout!.resume();
        child.stderr!.resume();
        resolve(child);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
    child.once('exit', (code) => fail(new Error(`redis-server on port ${port} exited (${code}): ${out}`)));
  });
}

function killed(child: ChildProcess | undefined): Promise<void> {
  if (child === undefined || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

/** Starts a redis-server on a free port of 127.0.0.1 (retrying once if the port was taken meanwhile). */
export async function startRedisServer(): Promise<RedisTestServer> {
  let port = await freePort();
  let child: ChildProcess | undefined;
  try {
    child = await spawnOn(port);
  } catch (error) {
    if (!redisAvailable) throw error;
    port = await freePort();
    child = await spawnOn(port);
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    kill: async () => {
      await killed(child);
      child = undefined;
    },
    restart: async () => {
      await killed(child);
      child = await spawnOn(port);
    },
    freeze: () => void child?.kill('SIGSTOP'),
    thaw: () => void child?.kill('SIGCONT'),
    stop: async () => {
      child?.kill('SIGCONT');
      await killed(child);
      child = undefined;
    },
  };
}
