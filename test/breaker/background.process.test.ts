/**
 * Item 17: timers that only move a machine along while nobody awaits them (the
 * breaker's OPEN → HALF_OPEN, the end of a server pause) do not keep the process
 * alive, while a wait a caller awaits does. Each case runs in its own Node process
 * that never calls dispose(); it must exit on its own, long before the 60 s timers.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const srcUrl = pathToFileURL(join(root, 'src/index.ts')).href;
const dir = mkdtempSync(join(tmpdir(), 'statewire-background-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `body` as an ES module with statewire's exports in scope; killed (killed: true) after 15 s. */
function runScript(name: string, body: string): Promise<{ code: number | null; stdout: string; stderr: string; killed: boolean }> {
  const file = join(dir, `${name}.mts`);
  writeFileSync(file, `const statewire = await import(${JSON.stringify(srcUrl)});\n${body}`);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', file], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let killed = false;
    const safety = setTimeout(() => ((killed = true), child.kill('SIGKILL')), 15_000);
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('exit', (code) => {
      clearTimeout(safety);
      resolve({ code, stdout, stderr, killed });
    });
  });
}

describe('background timers do not keep the process alive', () => {
  it('an ApiClient whose breaker is OPEN (timeout 60 s), never disposed, exits on its own', async () => {
    const result = await runScript(
      'open-breaker',
      `
const { ApiClient } = statewire;
const { createServer } = await import('node:http');
const server = createServer((req, res) => { res.writeHead(500, { connection: 'close' }); res.end(); });
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const client = new ApiClient({
  baseURL: 'http://127.0.0.1:' + server.address().port,
  retries: 0,
  circuitBreakerOptions: { threshold: 1, volumeThreshold: 1, timeout: 60_000 },
});
await client.get('/x').catch(() => {});
console.log('STATE', client.circuitBreaker.state);
server.close();
server.closeAllConnections();
`,
    );
    expect(result.stdout).toContain('STATE OPEN');
    expect(result.killed).toBe(false);
    expect(result.code).toBe(0);
  });

  it('a CircuitBreaker and a RateLimiter left OPEN and paused for 60 s exit on their own', async () => {
    const result = await runScript(
      'open-and-paused',
      `
const { CircuitBreaker, RateLimiter } = statewire;
const breaker = new CircuitBreaker({ threshold: 1, volumeThreshold: 1, timeout: 60_000 });
breaker.failure(breaker.admit());
const limiter = new RateLimiter();
limiter.pause(60_000);
console.log('STATE', breaker.state, JSON.stringify(limiter.actor.getSnapshot().value));
`,
    );
    expect(result.stdout).toContain('STATE OPEN {"limiting":"enabled","server":"paused"}');
    expect(result.killed).toBe(false);
    expect(result.code).toBe(0);
  });

  it('a wait a caller awaits keeps the process alive until it ends', async () => {
    const result = await runScript(
      'awaited-wait',
      `
const { RateLimiter } = statewire;
const limiter = new RateLimiter();
limiter.pause(300, 'api');
await limiter.acquire('api');
console.log('ACQUIRED');
`,
    );
    expect(result.stdout).toContain('ACQUIRED');
    expect(result.killed).toBe(false);
    expect(result.code).toBe(0);
  });
});
