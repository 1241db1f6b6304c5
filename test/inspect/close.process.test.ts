/**
 * close() leaves no handle behind: a separate Node process starts the
 * inspector, runs a WebSocketConnection and an ApiClient into it, follows its
 * live stream and an ingest socket, then disposes, closes, and must exit on
 * its own.
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
const dir = mkdtempSync(join(tmpdir(), 'statewire-inspect-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const script = `
const { ApiClient, WebSocketConnection } = await import(${href('src/index.ts')});
const { startInspector } = await import(${href('src/inspect/index.ts')});
const { WebSocketServer, WebSocket } = await import(${wsUrl});
const http = await import('node:http');
const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
await new Promise((r) => wss.once('listening', r));
const api = http.createServer((req, res) => { res.setHeader('content-type', 'application/json'); res.end('{"ok":true}'); });
await new Promise((r) => api.listen(0, '127.0.0.1', r));
const inspector = await startInspector();
// A page following the stream (kept open), and a browser app's ingest socket (kept open).
const stream = await new Promise((resolve) => http.get(inspector.url + 'api/stream', resolve));
stream.on('data', () => {});
const ingest = new WebSocket(inspector.ingestUrl);
await new Promise((r) => ingest.once('open', r));
ingest.on('error', () => {});
const ws = new WebSocketConnection({ url: 'ws://127.0.0.1:' + wss.address().port + '/ws', inspect: inspector.inspect });
const client = new ApiClient({ baseURL: 'http://127.0.0.1:' + api.address().port, inspect: inspector.inspect });
await ws.connect();
const got = await client.get('/x');
const mermaid = await fetch(inspector.url + 'mermaid.js').then((r) => r.status);
const actors = inspector.state().actors.length;
ws.dispose();
await client.dispose();
await inspector.close();
await new Promise((r) => wss.close(r));
await new Promise((r) => api.close(r));
console.log('STOPPED ' + JSON.stringify({ got, mermaid, actors: actors > 3 }));
`;

describe('the inspector in a separate process', () => {
  it('close() ends the stream, the ingest socket and the server: the process exits on its own within 5 s', async () => {
    const file = join(dir, 'inspector.mts');
    writeFileSync(file, script);
    const run = await runScript(file, root);
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('STOPPED {"got":{"ok":true},"mermaid":200,"actors":true}');
    expect(run.lingered, 'still running 5 s after close()').toBe(false);
    expect(run.code).toBe(0);
  });
});
