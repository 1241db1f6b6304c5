/**
 * `npm run demo -- --inspect`: the demo starts the local inspector over its
 * client, prints the URL, serves the client's actors while it runs, and still
 * exits on its own (here after `--inspect-for=3`).
 */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { InspectorState } from '../../src/inspect/index.js';

describe('examples/demo.ts --inspect', () => {
  it('prints the inspector URL, serves the demo client and its breaker there, and exits 0', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'examples/demo.ts', '--inspect', '--inspect-for=3'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const printed = (pattern: RegExp) =>
      new Promise<RegExpExecArray>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`not printed: ${pattern} in ${stdout}`)), 30_000);
        const check = () => {
          const m = pattern.exec(stdout);
          if (!m) return;
          clearTimeout(timer);
          child.stdout.off('data', check);
          resolve(m);
        };
        child.stdout.on('data', check);
        check();
      });
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    const url = (await printed(/inspector on (http:\/\/127\.0\.0\.1:\d+\/)/))[1]!;
    // After the run, while the inspector stays open: the client, its breaker, and the states it went through.
    await printed(/inspector stays open/);
    const state = (await (await fetch(`${url}api/state`)).json()) as InspectorState;
    const root = state.actors.find((a) => a.machineId === 'http')!;
    expect(root).toBeDefined();
    const breaker = state.actors.find((a) => a.parentId === root.sessionId && a.id === 'breaker')!;
    expect(breaker.state).toBe('CLOSED');
    const went = state.events.filter((e) => e.sessionId === breaker.sessionId).map((e) => e.state);
    expect(went).toContain('OPEN');
    expect(went).toContain('HALF_OPEN');
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/inspector stays open on .* for 3 s/);
    expect(stdout).toContain('inspector closed');
  }, 60_000);
});
