/**
 * CPU pinning for the benches, with `taskset` (Linux): a client and its server
 * on different CPUs roughly halves the spread between runs on a small machine.
 */
import { spawnSync } from 'node:child_process';

/** The CPU list a process may run on (`taskset -c -p`), or undefined without taskset. */
export function affinityOf(pid: number): string | undefined {
  const r = spawnSync('taskset', ['-c', '-p', String(pid)], { encoding: 'utf8' });
  if (r.status !== 0) return undefined;
  return /:\s*([\d,-]+)\s*$/.exec(r.stdout)?.[1];
}

/** Sets the CPU list of every thread of `pid`; false when it could not. */
export function pin(pid: number, cpus: string): boolean {
  return spawnSync('taskset', ['-a', '-c', '-p', cpus, String(pid)], { stdio: 'ignore' }).status === 0;
}
