/**
 * Issue 14, done when: the packed package works where a user installs it. `npm
 * pack` (dist/ first: `npm run build`), the tarball unpacked into a scratch
 * project in the temp folder as `npm install` would (node_modules/statewire,
 * its `bin` linked into node_modules/.bin, its dependencies and peers linked
 * from this repo's node_modules: no network), and from there: every entry of
 * package.json `exports` loads with import() and require() and exports the same
 * names, `npx -- statewire --help` runs through the bin, and a TypeScript file that
 * imports every entry type-checks under moduleResolution node16 (ESM and CJS)
 * and bundler. Generic over `exports`: a new entry is covered without an edit here.
 *
 * SLOW: about 15 s of CPU (two TypeScript programs).
 */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { npmPack, offlineNpmEnv, runTool } from '../helpers/npmPack.js';

/**
 * Entries that export nothing yet (their helpers fill them). Held to exporting nothing, so this
 * list cannot go stale: when an entry here gains exports, this test fails until its line goes.
 */
const PLACEHOLDERS: string[] = [
];
/** `statewire --help`'s exit code. */
const HELP_EXIT_CODE = 0;

interface Manifest {
  name: string;
  exports: Record<string, unknown>;
  bin?: Record<string, string>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

const root = process.cwd();

/**
 * tsc over `files` of the scratch project `app`, strict, as a user compiles it: the diagnostics of
 * the project's own files and of the installed statewire declarations (`.d.ts` and `.d.cts`, lib
 * check on), not of the linked dependencies (xstate, @types/node: their real paths lie in this repo),
 * which would cost half a minute and are not ours.
 */
function typeCheck(app: string, files: string[], options: ts.CompilerOptions): string[] {
  const scratch = realpathSync(app);
  const program = ts.createProgram(
    files.map((f) => join(scratch, f)),
    { target: ts.ScriptTarget.ES2022, strict: true, noEmit: true, skipLibCheck: false, types: ['node'], typeRoots: [join(scratch, 'node_modules', '@types')], ...options },
  );
  const ours = program.getSourceFiles().filter((f) => f.fileName.startsWith(scratch));
  const diagnostics = [
    ...program.getOptionsDiagnostics(),
    ...program.getGlobalDiagnostics(),
    ...ours.flatMap((f) => [...program.getSyntacticDiagnostics(f), ...program.getSemanticDiagnostics(f)]),
  ];
  const checked = ours.map((f) => f.fileName.slice(scratch.length + 1));
  // The installed declarations were reached: .d.cts for the .cts file under node16, .d.ts otherwise.
  if (!checked.some((f) => f.startsWith('node_modules/statewire/dist/'))) return [`no statewire declarations among ${checked.join(', ')}`];
  return diagnostics.map((d) => `${d.file ? `${d.file.fileName.slice(scratch.length + 1)}: ` : ''}${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
}
const repoModules = realpathSync(join(root, 'node_modules'));

describe('the packed package, installed into a scratch project (offline)', () => {
  let dir: string;
  let app: string;
  let manifest: Manifest;
  let specifiers: string[];
  const inApp = (args: string[], timeout = 20_000) => runTool(process.execPath, args, { cwd: app, timeout });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'statewire-packed-'));
    const tarball = await npmPack(dir);
    app = join(dir, 'app');
    const installed = join(app, 'node_modules', 'statewire');
    mkdirSync(installed, { recursive: true });
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'scratch-app', private: true, version: '0.0.0' }));
    const untar = await runTool('tar', ['-xzf', tarball, '-C', installed, '--strip-components=1']);
    if (untar.code !== 0) throw new Error(`tar: ${untar.stderr}`);
    manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as Manifest;
    specifiers = Object.keys(manifest.exports)
      .filter((key) => key !== './package.json')
      .map((key) => (key === '.' ? manifest.name : `${manifest.name}/${key.slice(2)}`));
    // What npm would install next to it: the dependencies, the peers (a user of statewire/redis has redis, …), and @types/node.
    const linked = [...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.peerDependencies ?? {}), '@types/node'];
    for (const name of linked) {
      const target = join(repoModules, name);
      const link = join(app, 'node_modules', name);
      mkdirSync(dirname(link), { recursive: true });
      symlinkSync(target, link, 'dir');
    }
    // npm links each `bin` into node_modules/.bin and makes its file executable.
    mkdirSync(join(app, 'node_modules', '.bin'));
    for (const [name, file] of Object.entries(manifest.bin ?? {})) {
      chmodSync(join(installed, file), 0o755);
      symlinkSync(join('..', 'statewire', file), join(app, 'node_modules', '.bin', name));
    }
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('lists the entries the package is known for', () => {
    expect(specifiers).toEqual(expect.arrayContaining(['statewire', 'statewire/machines', 'statewire/redis', 'statewire/testing', 'statewire/inspect']));
  });

  it('every entry loads from the scratch copy with import() and require(), with the same export names; only placeholders export nothing', async () => {
    const list = JSON.stringify(specifiers);
    const esm = await inApp([
      '--input-type=module',
      '-e',
      `import { createRequire } from 'node:module';
       const require = createRequire(process.cwd() + '/');
       const out = {};
       for (const s of ${list}) out[s] = { from: require.resolve(s), names: Object.keys(await import(s)).sort() };
       console.log(JSON.stringify(out));`,
    ]);
    const cjs = await inApp(['-e', `const out = {}; for (const s of ${list}) out[s] = { from: require.resolve(s), names: Object.keys(require(s)).sort() }; console.log(JSON.stringify(out));`]);
    expect([esm.code, cjs.code], esm.stderr + cjs.stderr).toEqual([0, 0]);
    type Loaded = Record<string, { from: string; names: string[] }>;
    const [fromEsm, fromCjs] = [JSON.parse(esm.stdout) as Loaded, JSON.parse(cjs.stdout) as Loaded];
    const scratch = realpathSync(join(app, 'node_modules', 'statewire'));
    for (const s of specifiers) {
      expect(fromCjs[s]!.from.startsWith(scratch), `${s} resolves into the scratch project, not the repo`).toBe(true);
      expect(fromCjs[s]!.from, s).toMatch(/\.cjs$/);
      expect(fromEsm[s]!.names, `${s}: ESM and CJS export the same names`).toEqual(fromCjs[s]!.names);
    }
    const empty = specifiers.filter((s) => fromEsm[s]!.names.length === 0);
    expect(empty, 'entries exporting nothing are exactly PLACEHOLDERS (a filled one: delete its line there)').toEqual(specifiers.filter((s) => PLACEHOLDERS.includes(s)));
  });

  it('`npx -- statewire --help` runs the bin and exits by itself, with its usage', async () => {
    const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
    // `--`: npm 11's npx takes a `--help` after the command name as its own (it prints npm exec's help and exits 0).
    const run = await runTool(npx, ['--no', '--', 'statewire', '--help'], { cwd: app, timeout: 30_000, env: offlineNpmEnv() });
    expect(run.code, run.stderr).toBe(HELP_EXIT_CODE);
    expect(`${run.stdout}${run.stderr}`).toMatch(/Usage: statewire diagram/);
  });

  it('from the scratch project: the kit replays every covering path, the inspector serves a live client and mermaid, the command draws', async () => {
    const script = `
      import { ApiClient } from 'statewire';
      import { webSocketMachine } from 'statewire/machines';
      import { edgeCoveringPaths, runPath, FlakyHttpServer } from 'statewire/testing';
      import { startInspector, toMermaid } from 'statewire/inspect';
      const { paths, report } = edgeCoveringPaths(webSocketMachine);
      for (const path of paths) await runPath(webSocketMachine, path);
      const server = new FlakyHttpServer({ script: { '/x': [{ status: 503 }, { body: { ok: true } }] } });
      await server.start();
      const inspector = await startInspector();
      const api = new ApiClient({ baseURL: server.url, retryDelay: 1, inspect: inspector.inspect, headers: { Authorization: 'Bearer packed-secret' } });
      const answer = await api.get('/x');
      const state = await (await fetch(inspector.url + 'api/state')).text();
      const mermaid = await fetch(inspector.url + 'mermaid.js');
      await mermaid.arrayBuffer();
      const page = await fetch(inspector.url);
      console.log(JSON.stringify({
        transitions: report.transitions.covered + '/' + report.transitions.total, paths: paths.length, answer,
        machines: JSON.parse(state).actors.map((a) => a.machineId).filter(Boolean).sort(), secret: state.includes('packed-secret'),
        page: page.status, pageHtml: (await page.text()).includes('<html'), mermaid: mermaid.status, diagram: toMermaid(webSocketMachine).startsWith('stateDiagram-v2'),
      }));
      api.dispose(); await inspector.close(); await server.close();
    `;
    writeFileSync(join(app, 'tryout.mjs'), script);
    const run = await inApp(['tryout.mjs'], 30_000);
    expect(run.code, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(out).toMatchObject({ transitions: '40/40', answer: { ok: true }, secret: false, page: 200, pageHtml: true, mermaid: 200, diagram: true });
    expect(out.machines).toEqual(expect.arrayContaining(['circuitBreaker', 'http']));
    const dot = await runTool(join(app, 'node_modules', '.bin', 'statewire'), ['diagram', 'circuitBreaker', '--format', 'dot'], { cwd: app, timeout: 20_000 });
    expect(dot.code, dot.stderr).toBe(0);
    expect(dot.stdout).toMatch(/^digraph /);
  }, 60_000);

  it('a TypeScript file importing every entry type-checks under node16 (.mts and .cts) and bundler', async () => {
    const source = [
      ...specifiers.map((s, i) => `import * as entry${i} from '${s}';`),
      // A few real types, so an entry whose types fell back to `any` cannot pass unnoticed (strict: an untyped module is an error).
      `const client: entry0.ApiClient = new entry0.ApiClient({ baseURL: 'http://127.0.0.1:1' });`,
      `const id: string = entry1.circuitBreakerMachine.id;`,
      `export const entries = [${specifiers.map((_, i) => `entry${i}`).join(', ')}, client, id];`,
      '',
    ].join('\n');
    expect(specifiers.slice(0, 2)).toEqual(['statewire', 'statewire/machines']);
    for (const file of ['check.mts', 'check.cts', 'check.ts']) writeFileSync(join(app, file), source);
    const node16 = typeCheck(app, ['check.mts', 'check.cts'], { module: ts.ModuleKind.Node16, moduleResolution: ts.ModuleResolutionKind.Node16 });
    const bundler = typeCheck(app, ['check.ts'], { module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler });
    expect({ node16, bundler }).toEqual({ node16: [], bundler: [] });
  }, 120_000);
});
