/**
 * A manager leaves nothing behind: in a separate Node process, the seed's
 * sequence (connectAll, healthCheckAll, disconnectAll, stop) and a dispose()
 * with connections still open must each let the process exit on its own.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runScript, type ScriptRun } from '../helpers/runScript.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const href = (path: string) => JSON.stringify(pathToFileURL(join(root, path)).href);
const wsUrl = JSON.stringify(pathToFileURL(join(dirname(createRequire(import.meta.url).resolve('ws/package.json')), 'wrapper.mjs')).href);
const dir = mkdtempSync(join(tmpdir(), 'statewire-manager-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const script = (ending: string) => `
const { ConnectionManager, HTTPConnection, WebSocketConnection } = await import(${href('src/index.ts')});
const { WebSocketServer } = await import(${wsUrl});
const http = await import('node:http');
const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
await new Promise((r) => wss.once('listening', r));
const api = http.createServer((req, res) => { res.setHeader('content-type', 'application/json'); res.end('{"ok":true}'); });
await new Promise((r) => api.listen(0, '127.0.0.1', r));
const manager = new ConnectionManager({ healthCheckInterval: 100 });
manager.addConnection(new HTTPConnection({ url: 'http://127.0.0.1:' + api.address().port }), 'api');
manager.addConnection(new WebSocketConnection({ url: 'ws://127.0.0.1:' + wss.address().port + '/ws', pingInterval: 50 }), 'realtime', {
  fallback: new WebSocketConnection({ url: 'ws://127.0.0.1:' + wss.address().port + '/ws' }),
});
await manager.start();
const connected = await manager.connectAll();
await new Promise((r) => setTimeout(r, 250)); // a few automatic rounds
${ending}
while (wss.clients.size > 0) await new Promise((r) => setTimeout(r, 5));
await new Promise((r) => wss.close(r));
api.closeAllConnections();
await new Promise((r) => api.close(r));
console.log('STOPPED ' + connected.map((c) => c.ok).join(','));
`;

async function run(source: string): Promise<ScriptRun> {
  const file = join(dir, `m${Math.random().toString(36).slice(2)}.mts`);
  writeFileSync(file, source);
  return runScript(file, root);
}

describe('ConnectionManager in a separate process', () => {
  it("the seed's sequence (disconnectAll, stop): the process exits on its own", async () => {
    const r = await run(script(`await manager.healthCheckAll();\nawait manager.disconnectAll();\nawait manager.stop();`));
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('STOPPED true,true,true');
    expect(r.lingered, 'still running 5 s after stop()').toBe(false);
    expect(r.code).toBe(0);
  });

  it('dispose() with connections open: the process exits on its own', async () => {
    const r = await run(script(`await manager.dispose();`));
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('STOPPED true,true,true');
    expect(r.lingered, 'still running 5 s after dispose()').toBe(false);
    expect(r.code).toBe(0);
  });
});
