/**
 * The `statewire` command as a user runs it: the built dist/cli/statewire.js (`npm run build`
 * first) in a child process, and through the package's `bin` link in a scratch project that
 * installs this package (`npm install --offline <this folder>`, then `npm exec -- statewire`).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as machines from '../../machines/index.js';
import { toDot, toMermaid } from '../../src/inspect/index.js';

const root = process.cwd();
const bin = join(root, 'dist/cli/statewire.js');
const run = promisify(execFile);

interface Run { code: number; stdout: string; stderr: string }

/** Runs the built command; resolves with its exit code and output (never rejects on a non-zero exit). */
async function statewire(...args: string[]): Promise<Run> {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], { timeout: 15_000, env: { ...process.env, NODE_NO_WARNINGS: '1' } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

const ALL = ['backoff', 'circuitBreaker', 'endpoint', 'httpClient', 'manager', 'pool', 'poolSlot', 'rateLimiter', 'reconnectLoop', 'sharedState', 'sse', 'webSocket'];

describe('dist/cli/statewire.js', () => {
  beforeAll(() => {
    if (!existsSync(bin)) throw new Error(`no ${bin}: run \`npm run build\` first`);
  });

  it('keeps its shebang and is executable, so the bin link runs it', () => {
    expect(readFileSync(bin, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
  });

  it('prints the circuit breaker as Mermaid by its short name and by its export name', async () => {
    const short = await statewire('diagram', 'circuitBreaker');
    expect(short).toEqual({ code: 0, stdout: toMermaid(machines.circuitBreakerMachine), stderr: '' });
    expect(short.stdout).toContain('OPEN --> HALF_OPEN : after retryIn [notIsolated]');
    const long = await statewire('diagram', 'circuitBreakerMachine', '--format', 'mermaid');
    expect(long.stdout).toBe(short.stdout);
  });

  it('prints DOT with --format dot (and --format=dot, -f dot), highlights --active states', async () => {
    const dot = await statewire('diagram', 'reconnectLoop', '--format', 'dot');
    expect(dot).toEqual({ code: 0, stdout: toDot(machines.reconnectLoop), stderr: '' });
    expect(dot.stdout).toContain('"reconnectLoop.down" -> "reconnectLoop.exhausted" [label="always [else]", style=dashed];');
    expect((await statewire('diagram', 'reconnectLoop', '--format=dot')).stdout).toBe(dot.stdout);
    expect((await statewire('diagram', 'reconnectLoop', '-f', 'dot')).stdout).toBe(dot.stdout);
    const lit = await statewire('diagram', 'circuitBreaker', '--active', 'circuitBreaker,circuitBreaker.OPEN');
    expect(lit.stdout).toBe(toMermaid(machines.circuitBreakerMachine, { active: ['circuitBreaker', 'circuitBreaker.OPEN'] }));
  });

  it('draws every machine statewire/machines exports, each the same as toMermaid draws it', async () => {
    const byShortName = new Map(Object.entries(machines).map(([name, value]) => [name.replace(/Machine$/, ''), value]));
    for (const name of ALL) {
      const r = await statewire('diagram', name);
      expect(r.code, `${name}: ${r.stderr}`).toBe(0);
      expect(r.stdout).toBe(toMermaid(byShortName.get(name) as typeof machines.circuitBreakerMachine));
    }
  }, 60_000);

  it('an unknown machine: exit code 2, its name and every valid one on stderr, nothing on stdout', async () => {
    const r = await statewire('diagram', 'circuitBreakr');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('unknown machine "circuitBreakr"');
    for (const name of ALL) expect(r.stderr).toContain(name);
  });

  it('an unknown format: exit code 2, naming it and the valid ones', async () => {
    const r = await statewire('diagram', 'circuitBreaker', '--format', 'svg');
    expect(r).toMatchObject({ code: 2, stdout: '' });
    expect(r.stderr).toContain('unknown format "svg"; valid formats: mermaid, dot');
  });

  it('other usage errors exit 2 with a message: no command, another command, no machine, an unknown option, a bad --active id', async () => {
    const cases: Array<[string[], RegExp]> = [
      [[], /missing command/],
      [['draw', 'circuitBreaker'], /unknown command "draw"/],
      [['diagram'], /missing machine name; valid machines:[\s\S]*circuitBreaker/],
      [['diagram', 'circuitBreaker', '--colour'], /unknown option "--colour"; options: --format, --active, --help, --version/],
      [['diagram', 'circuitBreaker', 'extra'], /unexpected argument "extra"/],
      [['diagram', 'circuitBreaker', '--active', 'circuitBreaker.SHUT'], /"active".*"circuitBreaker\.SHUT"/],
    ];
    for (const [args, message] of cases) {
      const r = await statewire(...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stdout, args.join(' ')).toBe('');
      expect(r.stderr, args.join(' ')).toMatch(message);
    }
  });

  it('--help prints the usage and the machines, exit code 0', async () => {
    for (const flag of ['--help', '-h']) {
      const r = await statewire(flag);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('Usage: statewire diagram <machine> [--format mermaid|dot]');
      for (const name of ALL) expect(r.stdout).toContain(name);
    }
    expect((await statewire('diagram', '--help')).code).toBe(0);
  });

  it('--version prints the package version, exit code 0', async () => {
    const { version } = JSON.parse(readFileSync(join(process.cwd(), 'package.json'), 'utf8')) as { version: string };
    for (const flag of ['--version', '-v']) expect(await statewire(flag)).toMatchObject({ code: 0, stdout: `${version}\n` });
  });
});

describe('npm exec -- statewire, in a project that installed the package', () => {
  let project: string;
  let installed = false;

  beforeAll(async () => {
    if (!existsSync(bin)) throw new Error(`no ${bin}: run \`npm run build\` first`);
    project = mkdtempSync(join(tmpdir(), 'statewire-cli-'));
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'scratch', version: '1.0.0', private: true }));
    // A folder install links the package and its `bin`; --offline: nothing leaves this machine.
    await run('npm', ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', root], { cwd: project, timeout: 60_000 });
    installed = existsSync(join(project, 'node_modules/.bin/statewire'));
  }, 90_000);

  afterAll(() => {
    if (project) rmSync(project, { recursive: true, force: true });
  });

  it('links the statewire command and runs it', async () => {
    expect(installed).toBe(true);
    const { stdout } = await run('npm', ['exec', '--offline', '--', 'statewire', 'diagram', 'circuitBreaker', '--format', 'dot'], { cwd: project, timeout: 30_000 });
    expect(stdout).toBe(toDot(machines.circuitBreakerMachine));
  }, 40_000);

  it('exits 2 through npm exec on an unknown machine', async () => {
    const failed = await run('npm', ['exec', '--offline', '--', 'statewire', 'diagram', 'nope'], { cwd: project, timeout: 30_000 }).then(
      () => undefined,
      (error: { code?: number; stderr?: string }) => error,
    );
    expect(failed?.code).toBe(2);
    expect(failed?.stderr).toContain('unknown machine "nope"');
  }, 40_000);
});
