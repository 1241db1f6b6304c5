/**
 * dispose() leaves nothing behind: a separate Node process builds an Endpoint
 * against its own ws and HTTP servers (a keep-alive HTTP socket, an open
 * WebSocket with its heartbeat, a breaker that opened on a timer), disposes it,
 * closes its servers, and must exit on its own.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runScript } from '../helpers/runScript.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const href = (path: string) => JSON.stringify(pathToFileURL(join(root, path)).href);
const wsUrl = JSON.stringify(pathToFileURL(join(dirname(createRequire(import.meta.url).resolve('ws/package.json')), 'wrapper.mjs')).href);
const dir = mkdtempSync(join(tmpdir(), 'statewire-endpoint-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const script = `
const { Endpoint } = await import(${href('src/index.ts')});
const { WebSocketServer } = await import(${wsUrl});
const http = await import('node:http');
const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
await new Promise((r) => wss.once('listening', r));
wss.on('connection', (s) => s.on('message', (m) => s.send(String(m))));
const api = http.createServer((req, res) => {
  res.statusCode = req.url === '/api/models' ? 503 : 200;
  res.setHeader('content-type', 'application/json');
  res.end('{"ok":true}');
});
await new Promise((r) => api.listen(0, '127.0.0.1', r));
const endpoint = new Endpoint({
  WS_URL: 'ws://127.0.0.1:' + wss.address().port + '/ws',
  API_BASE_URL: 'http://127.0.0.1:' + api.address().port,
  NODE_ENV: 'production',
  websocket: { pingInterval: 50, pongTimeout: 50 },
  http: { retries: 0, circuitBreakerOptions: { threshold: 1, volumeThreshold: 1 } },
});
const echoed = new Promise((r) => endpoint.on('message', r));
endpoint.sendUserMessage('hello', 'req-1');
const echo = await echoed;
const settings = await endpoint.getSettings();
await endpoint.getModels().catch(() => {}); // opens the breaker: its OPEN timer runs
const breaker = endpoint.api.getCircuitBreakerState().state;
await endpoint.dispose();
await new Promise((r) => wss.close(r));
await new Promise((r) => api.close(r));
console.log('STOPPED ' + JSON.stringify({ echo, settings, breaker, status: endpoint.status }));
`;

describe('Endpoint in a separate process', () => {
  it('dispose(), close the servers: the process exits on its own within 5 s', async () => {
    const file = join(dir, 'endpoint.mts');
    writeFileSync(file, script);
    const run = await runScript(file, root);
    expect(run.stderr).toBe('');
    const line = run.stdout.split('\n').find((l) => l.startsWith('STOPPED '));
    expect(JSON.parse(line!.slice('STOPPED '.length))).toEqual({
      echo: { type: 'user_message', requestId: 'req-1', content: 'hello' },
      settings: { ok: true },
      breaker: 'OPEN',
      status: 'disposed',
    });
    expect(run.lingered, 'still running 5 s after dispose()').toBe(false);
    expect(run.code).toBe(0);
  });
});
