/**
 * Runs a TypeScript file in a separate Node process (`--import tsx`) and tells
 * whether the process exits on its own once it has printed `STOPPED`: the
 * check that `dispose()` / `stop()` leave nothing behind (no timer, socket or
 * listener keeps Node alive).
 *
 * @example
 * ```ts
 * writeFileSync(file, "…; await pool.stop(); console.log('STOPPED ' + JSON.stringify(x));");
 * const run = await runScript(file, root);
 * run.lingered; // true when still running 5 s after STOPPED (then killed)
 * ```
 */
import { spawn } from 'node:child_process';

export interface ScriptRun {
  /** Exit code (null when killed). */
  code: number | null;
  stdout: string;
  stderr: string;
  /** Still running `lingerMs` after it printed `STOPPED`: something kept it alive. */
  lingered: boolean;
}

/** Starts `file` in `cwd`; kills it `lingerMs` after `STOPPED`, or after `safetyMs` in any case. */
export function runScript(file: string, cwd: string, lingerMs = 5_000, safetyMs = 20_000): Promise<ScriptRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', file], { cwd, env: { ...process.env, NODE_NO_WARNINGS: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let lingered = false;
    let budget: NodeJS.Timeout | undefined;
    const safety = setTimeout(() => child.kill('SIGKILL'), safetyMs);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (budget === undefined && stdout.includes('STOPPED')) budget = setTimeout(() => ((lingered = true), child.kill('SIGKILL')), lingerMs);
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => {
      clearTimeout(safety);
      clearTimeout(budget);
      resolve({ code, stdout, stderr, lingered });
    });
  });
}
