/**
 * Runs one ApiClient call in a separate Node process, for failures that would
 * take the test runner down with them (an uncaught exception, a hang).
 *
 * The child (this file, run with `--import tsx`) reads `{ options, path }` as JSON
 * from argv, makes `client.get(path)`, prints one JSON line with the outcome,
 * stays alive 300 ms so a late uncaught error still surfaces, disposes and exits 0.
 *
 * @example
 * ```ts
 * const r = await runClientInChild({ baseURL: server.url, maxResponseBytes: 1024 }, '/big');
 * r.code; // 0 unless the child crashed
 * r.outcome; // { ok: false, name: 'ApiError', message: '…' }
 * ```
 */
import { execFile } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface ChildOutcome {
  ok: boolean;
  name?: string;
  message?: string;
  data?: unknown;
}

export interface ChildResult {
  /** Exit code (null when killed). */
  code: number | null;
  stdout: string;
  stderr: string;
  /** The printed outcome, when the call settled before anything went wrong. */
  outcome: ChildOutcome | undefined;
}

const self = fileURLToPath(import.meta.url);

/** Starts the child and resolves when it exits (killed after `timeoutMs`). */
export function runClientInChild(options: Record<string, unknown>, path: string, timeoutMs = 15_000): Promise<ChildResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', self, JSON.stringify({ options, path })],
      { timeout: timeoutMs, killSignal: 'SIGKILL', env: { ...process.env, NODE_NO_WARNINGS: '1' } },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        const line = stdout.split('\n').find((l) => l.startsWith('{'));
        let outcome: ChildOutcome | undefined;
        try {
          outcome = line === undefined ? undefined : (JSON.parse(line) as ChildOutcome);
        } catch {
          outcome = undefined;
        }
        resolve({ code, stdout, stderr, outcome });
      },
    );
  });
}

async function child(arg: string): Promise<void> {
  const { options, path } = JSON.parse(arg) as { options: Record<string, unknown>; path: string };
  const { ApiClient } = (await import(pathToFileURL(fileURLToPath(new URL('../../src/http/ApiClient.ts', import.meta.url))).href)) as typeof import('../../src/http/ApiClient.js');
  const client = new ApiClient(options as never);
  let outcome: ChildOutcome;
  try {
    outcome = { ok: true, data: await client.get(path) };
  } catch (error) {
    outcome = { ok: false, name: (error as Error).name, message: (error as Error).message };
  }
  process.stdout.write(`${JSON.stringify(outcome)}\n`);
  await new Promise((r) => setTimeout(r, 300));
  await client.dispose();
  process.exit(0);
}

if (process.argv[1] === self && process.argv[2] !== undefined) void child(process.argv[2]);
