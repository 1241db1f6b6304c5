/**
 * dispose() leaves nothing behind for the HTTP clients: a separate Node process
 * that makes requests (one still in flight, one in a retry wait, an HTTPConnection
 * request and health check in flight), disposes (or disconnects) its
 * clients and closes its server must exit on its own.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const srcUrl = pathToFileURL(join(root, 'src/index.ts')).href;
const dir = mkdtempSync(join(tmpdir(), 'statewire-http-dispose-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const script = `
const { ApiClient, HTTPConnection } = await import(${JSON.stringify(srcUrl)});
const { createServer } = await import('node:http');
const server = createServer((req, res) => {
  if (req.url === '/slow') return; // never answers: stays in flight
  if (req.url === '/busy') { res.writeHead(503); return res.end(); }
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end('{"ok":true}');
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const base = 'http://127.0.0.1:' + server.address().port;
const client = new ApiClient({ baseURL: base, retries: 3, retryDelay: 60_000, timeout: 60_000 });
const conn = new HTTPConnection({ url: base, timeout: 60_000 });
await client.get('/ok');
await conn.send({ url: '/ok' });
const inFlight = client.get('/slow').catch((e) => e.name);
const waiting = client.get('/busy').catch((e) => e.name);
const connInFlight = conn.send({ url: '/slow' }).catch((e) => e.message);
const connCheck = new HTTPConnection({ url: base, timeout: 60_000, healthCheckTimeout: 60_000, healthPath: '/slow' });
const checking = connCheck.healthCheck().catch((e) => e.message);
await new Promise((r) => setTimeout(r, 100));
await client.dispose();
await conn.dispose();
await connCheck.disconnect();
console.log('settled', await inFlight, await waiting);
console.log('conn:', await connInFlight, '|', await checking);
server.close();
server.closeAllConnections();
console.log('DISPOSED');
`;

describe('HTTP clients: dispose()', () => {
  it('lets the process exit on its own with a request in flight and one in a retry wait', async () => {
    const file = join(dir, 'http-dispose.mts');
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
        if (!budget && stdout.includes('DISPOSED')) budget = setTimeout(() => ((killed = true), child.kill('SIGKILL')), 5_000);
      });
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      child.on('exit', (code) => {
        clearTimeout(safety);
        clearTimeout(budget);
        resolve({ code, stdout, stderr, killed });
      });
    });
    expect(result.stderr.replace(/.*nodedir.*\n?/g, '')).toBe('');
    expect(result.stdout).toContain('settled StatewireError StatewireError');
    expect(result.stdout).toContain('conn: HTTPConnection was disposed | HTTPConnection was disconnected during the health check');
    expect(result.killed).toBe(false);
    expect(result.code).toBe(0);
  });
});
