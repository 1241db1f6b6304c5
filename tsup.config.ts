import { defineConfig } from 'tsup';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Every `.ts` file under `dir` (recursive), as repo-relative paths. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [join(dir, e.name)] : [],
  );
}

/** Modules only a `.ts` file with a browser sibling reaches: left out of the browser build. */
const nodeOnly = ['src/http/transports/UndiciTransport.ts'];
/** Entry points that are Node only as a whole: no browser build. */
const nodeOnlyFolders = ['src/redis/', 'src/testing/', 'src/inspect/', 'src/cli/'];

/**
 * The browser build: every module of `src/` and `machines/` transpiled on its own
 * (no bundling, so an app's bundler drops whole modules it does not use:
 * `sideEffects: false`), and each `X.browser.ts` emitted in the place of `X.ts`.
 * Those few files are where Node-only modules (undici, ws, node:*) are reached;
 * their browser siblings never reach them.
 */
function browserEntries(): Record<string, string> {
  const files = [...sources('src'), ...sources('machines')];
  const entries: Record<string, string> = {};
  for (const file of files) {
    if (file.endsWith('.browser.ts') || nodeOnly.includes(file) || nodeOnlyFolders.some((f) => file.startsWith(f))) continue;
    const browser = file.replace(/\.ts$/, '.browser.ts');
    entries[file.replace(/\.ts$/, '')] = files.includes(browser) ? browser : file;
  }
  return entries;
}

export default defineConfig([
  // Node (and every non-browser runtime): two entry points, each as ESM + CJS with matching .d.ts / .d.cts files.
  {
    entry: {
      index: 'src/index.ts',
      'machines/index': 'machines/index.ts',
      // statewire/redis: Node only (a Redis client is a server-side thing); `redis` stays external (a peer).
      'redis/index': 'src/redis/index.ts',
      // statewire/testing and statewire/inspect: Node only (test servers, the inspector's HTTP server).
      'testing/index': 'src/testing/index.ts',
      'inspect/index': 'src/inspect/index.ts',
      // The `statewire` command (package.json `bin`).
      'cli/statewire': 'src/cli/statewire.ts',
    },
    format: ['esm', 'cjs'],
    // Members marked `@internal` (actor bodies such as `runSocket`, the `handleEvent` listener) are
    // public only so the runtime can call them; the published declarations leave them out.
    dts: { compilerOptions: { stripInternal: true } },
    sourcemap: true,
    clean: ['**/*', '!browser/**'],
    target: 'es2022',
    // Shared chunks: `statewire` and `statewire/machines` must hand out the same machine objects.
    splitting: true,
    treeshake: true,
    // Error classes keep their names (`ApiError`, not `_ApiError`) in messages and stacks.
    keepNames: true,
  },
  // Browsers (the `browser` export condition): dist/browser/src/index.js and dist/browser/machines/index.js.
  {
    entry: browserEntries(),
    outDir: 'dist/browser',
    format: ['esm'],
    platform: 'browser',
    bundle: false,
    dts: false,
    sourcemap: true,
    clean: true,
    target: 'es2022',
  },
]);
