/**
 * close() leaves no handle open: a separate Node process starts each
 * statewire/testing server, drives raw clients into every fault (a killed and
 * restarted WebSocket server with delayed frames pending, a hanging and a
 * delayed HTTP request, a stalled SSE stream), closes the servers and must exit
 * on its own. The clients are raw ws / fetch, destroyed by the servers' close.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runScript } from '../../helpers/runScript.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const kit = pathToFileURL(join(root, 'src/testing/index.ts')).href;
const wsUrl = pathToFileURL(join(dirname(createRequire(import.meta.url).resolve('ws/package.json')), 'wrapper.mjs')).href;
const dir = mkdtempSync(join(tmpdir(), 'statewire-testing-close-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('statewire/testing servers', () => {
  it('close() after every fault: the process exits on its own', async () => {
    const file = join(dir, 'servers.mts');
    writeFileSync(
      file,
      `const { default: WebSocket } = await import(${JSON.stringify(wsUrl)});
const { FaultWebSocketServer, FlakyHttpServer, FaultSseServer } = await import(${JSON.stringify(kit)});
const ws = new FaultWebSocketServer({ echo: true, autoPong: false });
await ws.start();
const open = (url) => new Promise((resolve, reject) => { const c = new WebSocket(url); c.on('error', () => {}); c.once('open', () => resolve(c)); c.once('unexpected-response', reject); });
await open(ws.url);
await ws.kill();
await ws.restart();
const c2 = await open(ws.url);
ws.delayOutgoing(10_000);
c2.send('echo me later');
await ws.waitForMessages(1);

const http = new FlakyHttpServer({ script: { '/hang': [{ hang: true }], '/slow': [{ delay: 10_000 }] } });
await http.start();
const hanging = fetch(http.url + '/hang').catch(() => 'ended');
const slow = fetch(http.url + '/slow').catch(() => 'ended');
await http.waitForRequests(2);

const sse = new FaultSseServer({ events: [{ data: 'a' }] });
await sse.start();
sse.stall();
const stream = await fetch(sse.url);
await sse.waitForRequests(1);

await Promise.all([ws.close(), http.close(), sse.close()]);
await Promise.all([hanging, slow, stream.body?.cancel().catch(() => {})]);
console.log('STOPPED');
`,
    );
    const run = await runScript(file, root);
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('STOPPED');
    expect(run.lingered).toBe(false);
    expect(run.code).toBe(0);
  }, 30_000);
});
