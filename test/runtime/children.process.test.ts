/**
 * Stopping a parent leaves nothing behind: a separate Node process whose
 * WebSocket connections and ApiClient run as children of one parent actor
 * connects, stops the parent, closes its servers, and must exit on its own.
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
const dir = mkdtempSync(join(tmpdir(), 'statewire-children-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const script = `
const { ApiClient, WebSocketConnection } = await import(${href('src/index.ts')});
const { startParentActor } = await import(${href('test/helpers/parentActor.ts')});
const { WebSocketServer } = await import(${wsUrl});
const http = await import('node:http');
const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
await new Promise((r) => wss.once('listening', r));
const api = http.createServer((req, res) => { res.setHeader('content-type', 'application/json'); res.end('{"ok":true}'); });
await new Promise((r) => api.listen(0, '127.0.0.1', r));
const parent = startParentActor();
const a = new WebSocketConnection({ url: 'ws://127.0.0.1:' + wss.address().port + '/ws', pingInterval: 50, pongTimeout: 50 });
const b = new WebSocketConnection({ url: 'ws://127.0.0.1:' + wss.address().port + '/ws', reconnectDelay: 10_000 });
const client = new ApiClient({ baseURL: 'http://127.0.0.1:' + api.address().port });
a.attachTo(parent, 'a');
b.attachTo(parent, 'b');
client.attachTo(parent, 'api');
await Promise.all([a.connect(), b.connect()]);
const got = await client.get('/x');
parent.stop();
while (wss.clients.size > 0) await new Promise((r) => setTimeout(r, 5));
await client.dispose(); // its keep-alive sockets: the transport is the client's, not the machine's
await new Promise((r) => wss.close(r));
await new Promise((r) => api.close(r));
console.log('STOPPED ' + JSON.stringify(got));
`;

describe('children in a separate process', () => {
  it('stop the parent, close the servers: the process exits on its own within 5 s', async () => {
    const file = join(dir, 'children.mts');
    writeFileSync(file, script);
    const run = await runScript(file, root);
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('STOPPED {"ok":true}');
    expect(run.lingered, 'still running 5 s after the parent stopped').toBe(false);
    expect(run.code).toBe(0);
  });
});
