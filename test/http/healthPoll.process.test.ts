/**
 * The automatic health checks of an HTTPConnection (`healthCheckInterval`) do
 * not keep a process alive: nobody awaits them. A separate Node process that
 * lets its connection poll twice, then closes its server without disposing the
 * connection, must exit on its own.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const srcUrl = pathToFileURL(join(root, 'src/index.ts')).href;
const dir = mkdtempSync(join(tmpdir(), 'statewire-health-poll-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const script = `
const { HTTPConnection } = await import(${JSON.stringify(srcUrl)});
const { createServer } = await import('node:http');
let checks = 0;
let twice;
const polled = new Promise((r) => (twice = r));
const server = createServer((req, res) => {
  if (req.url === '/health' && ++checks === 2) twice();
  res.writeHead(200, { 'content-type': 'text/plain', connection: 'close' });
  res.end('ok');
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const conn = new HTTPConnection({ url: 'http://127.0.0.1:' + server.address().port, healthCheckInterval: 100, keepAlive: 0 });
await conn.connect();
await polled;
server.close();
server.closeAllConnections();
console.log('POLLED', checks, conn.isConnected());
`;

describe('HTTPConnection health polling', () => {
  it('polls while connected and does not keep the process alive', async () => {
    const file = join(dir, 'health-poll.mts');
    writeFileSync(file, script);
    const result = await new Promise<{ code: number | null; stdout: string; stderr: string; killed: boolean }>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', file], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      let killed = false;
      let budget: NodeJS.Timeout | undefined;
      const safety = setTimeout(() => ((killed = true), child.kill('SIGKILL')), 20_000);
      child.stdout.on('data', (c: Buffer) => {
        stdout += c.toString();
        if (!budget && stdout.includes('POLLED')) budget = setTimeout(() => ((killed = true), child.kill('SIGKILL')), 5_000);
      });
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      child.on('exit', (code) => {
        clearTimeout(safety);
        clearTimeout(budget);
        resolve({ code, stdout, stderr, killed });
      });
    });
    expect(result.stdout).toContain('POLLED 2 true');
    expect(result.killed).toBe(false);
    expect(result.code).toBe(0);
  }, 30_000);
});
