/**
 * Issue 14, package quality, on the package as `npm pack` makes it (dist/ first:
 * `npm run build`): publint finds nothing; attw (are the types wrong) finds no
 * problem and resolves types for every entry of package.json `exports` under
 * node10, node16 from CJS (`.d.cts`), node16 from ESM and bundler; typedoc
 * builds the API reference of every entry without a warning; size-limit keeps
 * the browser bundles within the budgets of .size-limit.json (which
 * test/browser/bundleSize.test.ts reads too). All offline.
 * The same checks by hand: `npm run lint:package`, `npm run docs`, `npm run size`.
 *
 * SLOW: about 45 s of CPU in all, typedoc 30 s of it (it expands xstate's
 * machine types); each step has a bounded timeout.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { npmPack, runTool } from '../helpers/npmPack.js';

const root = process.cwd();
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { exports: Record<string, unknown>; name: string };
/** Every entry a user can import (`statewire`, `statewire/machines`, …): the `exports` keys but package.json. */
const entries = Object.keys(pkg.exports).filter((key) => key !== './package.json');
const specifier = (key: string) => (key === '.' ? pkg.name : `${pkg.name}/${key.slice(2)}`);
const bin = (name: string) => join(root, 'node_modules', name);

/**
 * publint messages kept on purpose, each with why. `USE_EXPORTS_OR_IMPORTS_BROWSER`: the
 * object `browser` field stays, so that a bundler reaching dist/index.js by path (where no
 * export condition applies) still leaves undici, ws and Node's modules out
 * (test/browser/bundle.test.ts holds that); the `exports` map has its `browser` condition too.
 */
const KEPT_PUBLINT = ['USE_EXPORTS_OR_IMPORTS_BROWSER'];

describe('package quality (npm pack of dist/)', () => {
  let dir: string;
  let tarball: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'statewire-quality-'));
    tarball = await npmPack(dir);
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('publint: no error, warning or suggestion (but those kept on purpose)', async () => {
    const { publint } = await import('publint');
    const { formatMessage } = await import('publint/utils');
    // `pack: 'npm'`: publint lists the files `npm pack` would publish, so it also sees files that exist but are not published.
    const { messages, pkg: manifest } = await publint({ pkgDir: root, level: 'suggestion', strict: true, pack: 'npm' });
    const found = messages.filter((m) => !KEPT_PUBLINT.includes(m.code)).map((m) => `${m.type} ${m.code}: ${formatMessage(m, manifest, { color: false })}`);
    expect(found).toEqual([]);
  }, 60_000);

  it('attw: no problem, and every entry has types under node10, node16 (CJS: .d.cts, ESM: .d.ts) and bundler', async () => {
    const run = await runTool(process.execPath, [join(bin('@arethetypeswrong/cli'), 'dist', 'index.js'), tarball, '--format', 'json'], { timeout: 90_000 });
    expect(run.stdout, run.stderr).toMatch(/^\s*\{/);
    const { analysis } = JSON.parse(run.stdout) as {
      analysis: {
        problems: unknown[];
        entrypoints: Record<string, { resolutions: Record<string, { resolution?: { fileName: string; isTypeScript: boolean } }> }>;
      };
    };
    expect(analysis.problems).toEqual([]);
    const types = Object.fromEntries(
      entries.map((key) => {
        const resolutions = analysis.entrypoints[key]?.resolutions ?? {};
        const kinds = ['node10', 'node16-cjs', 'node16-esm', 'bundler'];
        return [key, kinds.map((kind) => `${kind}: ${resolutions[kind]?.resolution?.isTypeScript ? /\.d\.[cm]?ts$/.exec(resolutions[kind]!.resolution!.fileName)?.[0] : 'none'}`)];
      }),
    );
    const expected = Object.fromEntries(entries.map((key) => [key, ['node10: .d.ts', 'node16-cjs: .d.cts', 'node16-esm: .d.ts', 'bundler: .d.ts']]));
    expect(types).toEqual(expected);
    expect(run.code).toBe(0);
  }, 120_000);

  it('typedoc: `npm run docs` documents every entry, with no warning', async () => {
    const out = join(dir, 'api');
    const run = await runTool(process.execPath, [join(bin('typedoc'), 'bin', 'typedoc'), '--out', out, '--json', join(dir, 'api.json')], { timeout: 300_000 });
    const log = `${run.stdout}\n${run.stderr}`;
    expect(log.split('\n').filter((line) => /\[(warning|error)\]/.test(line))).toEqual([]);
    expect(run.code).toBe(0);
    // One module per entry, named as users import it (each index.ts's `@module` tag): typedoc.json's entryPoints cover `exports`.
    const project = JSON.parse(readFileSync(join(dir, 'api.json'), 'utf8')) as { children: Array<{ name: string }> };
    expect(project.children.map((c) => c.name).sort()).toEqual(entries.map(specifier).sort());
    expect(readFileSync(join(out, 'index.html'), 'utf8')).toContain(pkg.name);
  }, 310_000);

  it('size-limit: every check of .size-limit.json within its limit (the browser bundles of issue 6)', async () => {
    const checks = JSON.parse(readFileSync(join(root, '.size-limit.json'), 'utf8')) as Array<{ name: string; gzip?: boolean }>;
    // gzip -9, as test/browser/bundleSize.test.ts measures (size-limit's default would be brotli).
    expect(checks.filter((c) => c.gzip !== true).map((c) => c.name)).toEqual([]);
    const run = await runTool(process.execPath, [join(bin('size-limit'), 'bin.js'), '--json'], { timeout: 90_000 });
    const results = JSON.parse(run.stdout) as Array<{ name: string; passed: boolean; size: number; sizeLimit: number }>;
    for (const r of results) console.info(`size-limit: ${r.name}: ${r.size} B (limit ${r.sizeLimit} B) gzip -9`);
    expect(results.map((r) => r.name)).toEqual(checks.map((c) => c.name));
    expect(results.filter((r) => !r.passed)).toEqual([]);
    expect(run.code).toBe(0);
  }, 120_000);
});
