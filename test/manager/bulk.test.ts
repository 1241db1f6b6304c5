/**
 * Bulk operations with one dead and one hanging backend: every connection
 * gets its own result, a failure or a hang never stops the rest, each is
 * bounded by the connection's `timeout`, at most `concurrency` run at once.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectionManager, HTTPConnection, TimeoutError, WebSocketConnection } from '../../src/index.js';
import { startWsServer, tracker } from '../helpers/wsServer.js';
import { closedPort, json, never, routes, startServer, type TestServer } from '../helpers/testServer.js';

const track = tracker();
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  await track.cleanup();
});

/** A TCP server that accepts and never answers (a WebSocket upgrade that hangs). */
async function silentServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((s) => void sockets.add(s));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return { port, close: () => new Promise<void>((r) => (sockets.forEach((s) => s.destroy()), server.close(() => r()))) };
}

async function http(handler: Parameters<typeof startServer>[0]): Promise<TestServer> {
  const server = await startServer(handler);
  cleanups.push(() => server.close());
  return server;
}

describe('ConnectionManager bulk operations', () => {
  it('connectAll: the good one connects, the dead one fails, the hanging one times out after its timeout', async () => {
    const good = track.server(await startWsServer());
    const silent = await silentServer();
    cleanups.push(() => silent.close());
    const manager = new ConnectionManager({ concurrency: 1 });
    cleanups.push(() => manager.dispose());
    manager
      .addConnection(new WebSocketConnection({ url: `ws://127.0.0.1:${silent.port}/ws`, timeout: 300, retryCount: 5, reconnectDelay: 5000 }), 'hanging')
      .addConnection(new WebSocketConnection({ url: `ws://127.0.0.1:${await closedPort()}/ws`, retryCount: 0 }), 'dead')
      .addConnection(new WebSocketConnection({ url: good.url }), 'good');
    const results = await manager.connectAll();
    expect(results.map((r) => [r.name, r.ok])).toEqual([
      ['hanging', false],
      ['dead', false],
      ['good', true],
    ]);
    expect(results[0]!.error).toBeInstanceOf(TimeoutError);
    // Still retrying when its bound ran out: the bound's TimeoutError carries the connection's own last failure.
    expect(results[0]!.error!.message).toMatch(/timed out after 300 ms \("hanging"; its last failure: .*handshake phase/);
    expect(results[0]!.error!.cause).toMatchObject({ phase: 'handshake' });
    expect(results[1]!.error).toBeInstanceOf(Error);
    expect(results[1]!.error).not.toBeInstanceOf(TimeoutError);
    expect((manager.getConnection('good') as WebSocketConnection).isConnected()).toBe(true);
    expect(good.connections).toBe(1);
  });

  it("connectAll: a connection that times out on its own (no retry left) reports its own error, with its phase", async () => {
    const silent = await silentServer();
    cleanups.push(() => silent.close());
    const manager = new ConnectionManager({ healthCheckInterval: 0 });
    cleanups.push(() => manager.dispose());
    const conn = new WebSocketConnection({ url: `ws://127.0.0.1:${silent.port}/ws`, timeout: 300, retryCount: 0 });
    manager.addConnection(conn, 'h0');
    const [result] = await manager.connectAll();
    expect(result!.ok).toBe(false);
    expect(result!.error).toBeInstanceOf(TimeoutError);
    expect((result!.error as TimeoutError).phase).toBe('handshake');
    expect(result!.error!.message).toMatch(/handshake phase/);
    expect(conn.getStats().status).not.toBe('connecting');
  });

  it('healthCheckAll: healthy, dead (unhealthy, with its message) and hanging (bounded) each get a result', async () => {
    const ok = await http(routes({ '/health': (_req, res) => json(res, 200, { ok: true }) }));
    const hang = await http(never);
    const manager = new ConnectionManager({ concurrency: 1 });
    cleanups.push(() => manager.dispose());
    manager
      .addConnection(new HTTPConnection({ url: hang.url, timeout: 300, healthCheckTimeout: 60_000 }), 'hanging')
      .addConnection(new HTTPConnection({ url: `http://127.0.0.1:${await closedPort()}`, retryCount: 0 }), 'dead')
      .addConnection(new HTTPConnection({ url: ok.url }), 'good');
    await manager.connectAll();
    const results = await manager.healthCheckAll();
    expect(results.map((r) => [r.name, r.ok])).toEqual([
      ['hanging', false],
      ['dead', false],
      ['good', true],
    ]);
    expect(results[0]!.error).toBeInstanceOf(TimeoutError);
    expect(results[1]!.value).toMatchObject({ isHealthy: false });
    expect(results[1]!.error!.message).toBe(results[1]!.value!.errorMessage);
    expect(results[2]!.value).toMatchObject({ isHealthy: true });
    expect(hang.count('/health')).toBe(1);
    // The hanging one's check was given its connection's timeout and ended its own request; a request
    // still in flight would not hold its disconnect up either (aborted at once).
    expect(results[0]!.error!.message).toMatch(/300 ms/);
    const disconnected = await manager.disconnectAll();
    expect(disconnected.map((r) => [r.name, r.ok, r.error?.name])).toEqual([
      ['hanging', true, undefined],
      ['dead', true, undefined],
      ['good', true, undefined],
    ]);
    expect(manager.getStatistics().healthyConnections).toBe(0);
  });

  it('runs at most `concurrency` at once', async () => {
    let open = 0;
    let most = 0;
    const slowHealth = await http((_req, res) => {
      open++;
      most = Math.max(most, open);
      setTimeout(() => {
        open--;
        json(res, 200, { ok: true });
      }, 30);
    });
    const manager = new ConnectionManager({ concurrency: 2 });
    cleanups.push(() => manager.dispose());
    for (let i = 0; i < 6; i++) manager.addConnection(new HTTPConnection({ url: slowHealth.url }), `api${i}`);
    const results = await manager.healthCheckAll();
    expect(results.map((r) => r.ok)).toEqual([true, true, true, true, true, true]);
    expect(most).toBe(2);
    expect(slowHealth.count()).toBe(6);
  });
});
