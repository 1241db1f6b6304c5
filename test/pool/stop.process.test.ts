/**
 * `stop()` leaves nothing behind: a separate Node process runs a
 * WebSocketConnectionPool (pre-warmed, health checks and eviction rounds
 * armed, one lease never returned), stops it, closes its server, and must exit
 * on its own.
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
const dir = mkdtempSync(join(tmpdir(), 'statewire-pool-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const script = `
const { WebSocketConnectionPool } = await import(${href('src/index.ts')});
const { WebSocketServer } = await import(${wsUrl});
const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
await new Promise((r) => wss.once('listening', r));
const pool = new WebSocketConnectionPool({ maxSize: 3, minSize: 2, healthCheckInterval: 60, cleanupInterval: 120, maxLeaseTime: 30 }, { url: 'ws://127.0.0.1:' + wss.address().port + '/ws', healthUrl: false });
const forced = [];
pool.on('drain_forced', ({ slots }) => forced.push(...slots));
await pool.start();
const a = await pool.acquire();
await pool.release(a);
const leaked = await pool.acquire(); // never given back
await pool.stop({ deadline: 0.2 });
while (wss.clients.size > 0) await new Promise((r) => setTimeout(r, 5));
await new Promise((r) => wss.close(r));
console.log('STOPPED ' + JSON.stringify({ forced, stats: pool.getStats(), after: await pool.acquire() }));
`;

describe('ConnectionPool in a separate process', () => {
  it('stop() with a lease never returned: the deadline force-closes it and the process exits on its own', async () => {
    const file = join(dir, 'pool.mts');
    writeFileSync(file, script);
    const run = await runScript(file, root);
    expect(run.stderr).toBe('');
    const line = run.stdout.split('\n').find((l) => l.startsWith('STOPPED '));
    expect(line).toBeDefined();
    const outcome = JSON.parse(line!.slice('STOPPED '.length)) as { forced: string[]; stats: Record<string, number>; after: unknown };
    expect(outcome.forced).toHaveLength(1);
    expect(outcome.stats).toMatchObject({ size: 0, leased: 0, available: 0, pending: 0 });
    expect(outcome.after).toBeNull();
    expect(run.lingered, 'still running 5 s after the pool stopped').toBe(false);
    expect(run.code).toBe(0);
  });
});
