/**
 * dispose() leaves nothing behind: a separate Node process that connects, sends,
 * disposes and closes its server must exit on its own (no socket, timer or
 * listener keeping the event loop alive).
 *
 * The script is written to a temp `.mts` file and run with `node --import tsx`,
 * importing statewire from `src/` (so it does not depend on a built `dist/`) and
 * `ws` by absolute path.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const srcUrl = pathToFileURL(join(root, 'src/index.ts')).href;
const wsUrl = pathToFileURL(join(dirname(createRequire(import.meta.url).resolve('ws/package.json')), 'wrapper.mjs')).href;
const dir = mkdtempSync(join(tmpdir(), 'statewire-dispose-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface ChildRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Killed because it did not exit within the budget after printing DISPOSED. */
  timedOut: boolean;
  /** ms from the DISPOSED line to the exit. */
  exitAfterDispose: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `body` (top-level-await ESM) in a child; it must exit within `budget` ms of printing `DISPOSED`. */
function runScript(name: string, body: string, budget = 5_000): Promise<ChildRun> {
  const file = join(dir, `${name}.mts`);
  writeFileSync(file, `const { WebSocketConnection, GuruConnection } = await import(${JSON.stringify(srcUrl)});\nconst { WebSocketServer } = await import(${JSON.stringify(wsUrl)});\n${body}\n`);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', file], { cwd: root, env: { ...process.env, NODE_NO_WARNINGS: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let disposedAt: number | undefined;
    let timedOut = false;
    let budgetTimer: NodeJS.Timeout | undefined;
    // Startup (tsx) is not part of the budget; a script that never gets to DISPOSED is killed after 20 s.
    const safety = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, 20_000);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (disposedAt === undefined && stdout.includes('DISPOSED')) {
        disposedAt = Date.now();
        budgetTimer = setTimeout(() => {
          timedOut = true;
          child.kill('SIGKILL');
        }, budget);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code, signal) => {
      clearTimeout(safety);
      clearTimeout(budgetTimer);
      resolve({ code, signal, timedOut, exitAfterDispose: disposedAt === undefined ? null : Date.now() - disposedAt, stdout, stderr });
    });
  });
}

const startServer = `
async function startServer() {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((r) => wss.once('listening', r));
  const got = [];
  wss.on('connection', (s) => s.on('message', (d) => got.push(String(d))));
  return { wss, got, url: 'ws://127.0.0.1:' + wss.address().port + '/ws' };
}
const until = async (f) => { while (!f()) await new Promise((r) => setTimeout(r, 5)); };
`;

describe('dispose() in a separate process', () => {
  it('(harness check) a script that leaves a timer running is caught as not exiting', async () => {
    const run = await runScript('leaky', `setInterval(() => {}, 1000);\nconsole.log('DISPOSED');`, 300);
    expect(run.timedOut).toBe(true);
    expect(run.signal).toBe('SIGKILL');
  });

  it('connect, send, dispose, close the server: the process exits on its own within 5 s', async () => {
    const run = await runScript(
      'connected',
      `${startServer}
const server = await startServer();
const conn = new WebSocketConnection({ url: server.url, pingInterval: 50, pongTimeout: 50 });
await conn.connect();
conn.send({ hello: 'world' });
await until(() => server.got.length === 1);
conn.dispose();
await new Promise((r) => server.wss.close(r));
console.log('DISPOSED ' + JSON.stringify(server.got));
`,
    );
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('DISPOSED ["{\\"hello\\":\\"world\\"}"]');
    expect(run.exitAfterDispose).toBeLessThan(5_000);
    expect(run.timedOut, `did not exit within 5 s of dispose()\n${run.stdout}`).toBe(false);
    expect(run.signal).toBeNull();
    expect(run.code).toBe(0);
  });

  it('disposing while waiting (backoff timer, health poll, unacknowledged message, pending receive) and a GuruConnection: exits on its own', async () => {
    const run = await runScript(
      'waiting',
      `${startServer}
const server = await startServer();
const delivery = { messageId: (m) => m?.id, ackId: (m) => m?.ack };
const conn = new WebSocketConnection({ url: server.url, reconnectDelay: 10_000, healthInterval: 50, delivery });
await conn.connect();
conn.send({ id: 1 });                 // never acknowledged: the ack timer is armed
await until(() => server.got.length === 1);
const pending = conn.receive().catch((e) => 'receive rejected: ' + e.message);
const guru = new GuruConnection({ url: server.url, pingInterval: 50, pongTimeout: 50 });
await new Promise((r) => guru.on('open', r));
for (const c of server.wss.clients) c.terminate();
await new Promise((r) => server.wss.close(r));
await until(() => conn.getStats().status === 'waiting' && guru.getStats().status === 'waiting');
conn.send({ id: 2 });                 // queued while down
const reported = [];
conn.on('disposed', (e) => reported.push(e));
conn.dispose();
guru.dispose();
console.log('DISPOSED ' + JSON.stringify(reported) + ' ' + (await pending));
`,
    );
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('DISPOSED [{"queued":[{"id":2}],"unacknowledged":[{"id":1}]}] receive rejected:');
    expect(run.timedOut, `did not exit within 5 s of dispose()\n${run.stdout}`).toBe(false);
    expect(run.signal).toBeNull();
    expect(run.code).toBe(0);
  });
});
