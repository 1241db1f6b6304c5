/**
 * Bundles a small app for the browser as a user's bundler would: the app lives
 * in a temporary folder whose `node_modules/statewire` links to this package, so
 * `import … from 'statewire'` resolves through package.json's `exports` map with
 * esbuild's `browser` condition (dist/ must be built: `npm run build`).
 *
 * @example
 * ```ts
 * const app = await appDir({ 'main.js': "import { ApiClient } from 'statewire'; globalThis.c = ApiClient;" });
 * const { code, inputs } = await bundleForBrowser(app, 'main.js', { minify: true });
 * gzipSize(code); // bytes, gzip level 9
 * ```
 */
import { build } from 'esbuild';
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

export interface AppDir {
  readonly dir: string;
  remove(): void;
}

/** A temporary app folder with the given files and `node_modules/statewire` → this package. */
export function appDir(files: Record<string, string>): AppDir {
  const dir = mkdtempSync(join(tmpdir(), 'statewire-app-'));
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(process.cwd(), join(dir, 'node_modules', 'statewire'), 'dir');
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface BrowserBundle {
  code: string;
  /** Every module with code in the bundle (paths relative to the app folder; modules tree-shaken to nothing are left out). */
  inputs: string[];
}

/** `esbuild --bundle --platform=browser [--minify]` over `entry`; rejects with esbuild's errors. */
export async function bundleForBrowser(app: AppDir, entry: string, options: { minify: boolean }): Promise<BrowserBundle> {
  const result = await build({
    absWorkingDir: app.dir,
    entryPoints: [entry],
    bundle: true,
    minify: options.minify,
    platform: 'browser',
    format: 'esm',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const [output] = Object.values(result.metafile.outputs);
  const inputs = Object.entries(output!.inputs).flatMap(([path, { bytesInOutput }]) => (bytesInOutput > 0 ? [path] : []));
  return { code: result.outputFiles[0]!.text, inputs };
}

/** Size in bytes after gzip at level 9. */
export const gzipSize = (code: string): number => gzipSync(code, { level: 9 }).length;
