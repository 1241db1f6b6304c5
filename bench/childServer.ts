/**
 * Starts a bench server script in a child process (so `process.cpuUsage()` in
 * the parent is the client's CPU only) and talks to it over IPC: it reports
 * `{ type: 'listening', port }`, answers `{ type: 'stats' }` with its counters,
 * and exits on `{ type: 'stop' }` (or is killed 2 s later).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface ChildServer<S> {
  port: number;
  pid: number | undefined;
  stats: () => Promise<S>;
  stop: () => Promise<void>;
}

type StatsMessage = { type: string; cpu?: NodeJS.CpuUsage } & Record<string, unknown>;

export async function startChildServer<S>(
  script: URL,
  name: string,
  toStats: (message: StatsMessage) => S,
): Promise<ChildServer<S>> {
  const root = fileURLToPath(new URL('..', import.meta.url));
  // Explicit execArgv: do not pass the parent's flags (e.g. --cpu-prof) to the server.
  const child: ChildProcess = fork(fileURLToPath(script), [], { cwd: root, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${name} did not start within 15 s`));
    }, 15_000);
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`${name} exited early (code ${code})`)));
    child.on('message', function onMessage(m: { type: string; port?: number }) {
      if (m.type !== 'listening') return;
      clearTimeout(timer);
      child.off('message', onMessage);
      resolve(m.port!);
    });
  });
  child.removeAllListeners('exit');
  const stats = () =>
    new Promise<S>((resolve) => {
      child.on('message', function onMessage(m: StatsMessage) {
        if (m.type !== 'stats') return;
        child.off('message', onMessage);
        resolve(toStats(m));
      });
      child.send({ type: 'stats' });
    });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.send({ type: 'stop' });
    const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
    await exited;
    clearTimeout(timer);
  };
  return { port, pid: child.pid, stats, stop };
}

/** user + system CPU of a stats message, µs. */
export const cpuOf = (m: StatsMessage) => m.cpu!.user + m.cpu!.system;
