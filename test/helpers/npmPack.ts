/**
 * The package as npm would publish it: `npm pack` of the working tree (dist/
 * must be built: `npm run build`) into a folder of its own, offline, and a
 * runner for the tools the package tests drive, which tells the exit code
 * instead of throwing on it.
 *
 * @example
 * ```ts
 * const dir = mkdtempSync(join(tmpdir(), 'statewire-pack-'));
 * const tarball = await npmPack(dir); // dir/statewire-0.1.0.tgz
 * const { code, stdout } = await runTool(process.execPath, ['node_modules/size-limit/bin.js', '--json']);
 * ```
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';

export interface ToolRun {
  /** Exit code; null when it was killed (by `timeout`). */
  code: number | null;
  stdout: string;
  stderr: string;
}

/** npm without the registry: no update check, no audit, nothing fetched. */
export const offlineNpmEnv = (): NodeJS.ProcessEnv => ({
  ...process.env,
  npm_config_offline: 'true',
  npm_config_update_notifier: 'false',
  npm_config_audit: 'false',
  npm_config_fund: 'false',
});

/** Runs `file args` in `cwd` (default: the repo), killed after `timeout` ms; resolves with how it ended. */
export function runTool(file: string, args: string[], options: { cwd?: string; timeout?: number; env?: NodeJS.ProcessEnv } = {}): Promise<ToolRun> {
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      { cwd: options.cwd ?? process.cwd(), timeout: options.timeout ?? 60_000, env: options.env ?? offlineNpmEnv(), maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** `npm pack --pack-destination dest` of the repo; resolves with the tarball's path. */
export async function npmPack(dest: string): Promise<string> {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const run = await runTool(npm, ['pack', '--pack-destination', dest, '--json'], { timeout: 60_000 });
  if (run.code !== 0) throw new Error(`npm pack exited ${run.code}: ${run.stderr}`);
  const [packed] = JSON.parse(run.stdout) as Array<{ filename: string }>;
  return join(dest, packed!.filename);
}
