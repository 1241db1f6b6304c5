/**
 * Automatic health checks, failover and the global handler, against real
 * servers on 127.0.0.1: a backend that dies and recovers flips
 * `onHealthChange`; a primary that drops is served by its backup until it is
 * back; a global handler sees a child's breaker trip and reconnect.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectionHealth, ConnectionManager, HTTPConnection, WebSocketConnection, type ManagedEvent } from '../../src/index.js';
import { startWsServer, tracker, waitFor } from '../helpers/wsServer.js';
import { json, startServer, type TestServer } from '../helpers/testServer.js';

const track = tracker();
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  await track.cleanup();
});

function manager(options: ConstructorParameters<typeof ConnectionManager>[0] = {}): ConnectionManager {
  const m = new ConnectionManager(options);
  cleanups.push(() => m.dispose());
  return m;
}

async function server(status: () => number): Promise<TestServer> {
  const s = await startServer((_req, res) => json(res, status(), { ok: status() < 400 }));
  cleanups.push(() => s.close());
  return s;
}

describe('ConnectionManager health checks', () => {
  it('start() checks every connection each interval: a backend that dies and recovers flips onHealthChange', async () => {
    let status = 200;
    const backend = await server(() => status);
    const api = new HTTPConnection({ url: backend.url, retryCount: 0 });
    const m = manager({ healthCheckInterval: 100 });
    m.addConnection(api, 'api');
    const seen: string[] = [];
    api.onHealthChange((h) => seen.push(h));
    await api.connect();
    await m.start();
    await waitFor(() => seen.includes(ConnectionHealth.HEALTHY));
    status = 503;
    await waitFor(() => seen.includes(ConnectionHealth.UNHEALTHY));
    expect(m.getStatistics()).toMatchObject({ healthyConnections: 0, unhealthyConnections: 1, running: true });
    status = 200;
    await waitFor(() => seen.lastIndexOf(ConnectionHealth.HEALTHY) > seen.indexOf(ConnectionHealth.UNHEALTHY));
    await waitFor(() => m.getStatistics().healthCheckRounds >= 3);
    expect(m.getStatistics().lastHealthCheckRound).toMatchObject({ checked: 1 });
    await m.stop();
    const checks = backend.count('/health');
    await new Promise((r) => setTimeout(r, 250));
    expect(backend.count('/health')).toBe(checks); // stopped: no more checks
    expect(m.getStatistics().running).toBe(false);
  });

  it('only connected connections are checked automatically', async () => {
    const backend = await server(() => 200);
    const m = manager({ healthCheckInterval: 50 });
    m.addConnection(new HTTPConnection({ url: backend.url }), 'idle');
    await m.start();
    await waitFor(() => m.getStatistics().healthCheckRounds >= 2);
    expect(backend.count('/health')).toBe(0);
    expect(m.getStatistics().lastHealthCheckRound).toEqual({ checked: 0, failed: 0 });
  });
});

describe('ConnectionManager failover', () => {
  it('while the primary is down its backup serves the name (failover), and the primary again once healthy (failback)', async () => {
    const main = track.server(await startWsServer());
    const spare = track.server(await startWsServer());
    const primary = track.conn(new WebSocketConnection({ url: main.url, reconnectDelay: 50, maxReconnectDelay: 100, healthUrl: false }));
    const backup = track.conn(new WebSocketConnection({ url: spare.url }));
    const m = manager();
    const events: Array<[string, ManagedEvent]> = [];
    m.addGlobalHandler((type, event) => {
      if (type === 'failover' || type === 'failback') events.push([type, event]);
    });
    m.addConnection(primary, 'api', { fallback: backup });
    expect(m.getConnectionNames()).toEqual(['api.fallback', 'api']);
    expect(m.actor.system.get('api.fallback')).toBe(backup.actor);
    await m.connectAll();
    expect(m.getConnection('api')).toBe(primary);
    await main.stop();
    await waitFor(() => m.getConnection('api') === backup);
    expect(events.map(([t, e]) => [t, e.name, e.data])).toEqual([['failover', 'api', { to: 'api.fallback', health: 'degraded' }]]);
    expect(m.getStatistics().failedOver).toEqual(['api']);
    await main.restart();
    await waitFor(() => m.getConnection('api') === primary);
    await waitFor(() => events.length === 2);
    expect(events[1]![0]).toBe('failback');
    expect(events[1]![1]).toMatchObject({ name: 'api', severity: 'info', data: { from: 'api.fallback' } });
    expect(m.getStatistics().failedOver).toEqual([]);
    // Removing the primary removes the backup added with it; both go on as roots.
    await m.removeConnection('api');
    expect(m.getConnectionNames()).toEqual([]);
    expect(backup.actor._parent).toBeUndefined();
  });

  it('a managed connection can be the backup; one backup backs one primary', async () => {
    const m = manager();
    const a = track.conn(new WebSocketConnection({ url: 'ws://127.0.0.1:1/ws' }));
    const b = track.conn(new WebSocketConnection({ url: 'ws://127.0.0.1:1/ws' }));
    const c = track.conn(new WebSocketConnection({ url: 'ws://127.0.0.1:1/ws' }));
    m.addConnection(b, 'backup').addConnection(a, 'api', { fallback: b });
    expect(() => m.addConnection(c, 'other', { fallback: b })).toThrow(/"fallback": already backs another connection/);
    expect(() => m.addConnection(c, 'self', { fallback: c })).toThrow(/"fallback"/);
    expect(m.getConnectionNames()).toEqual(['backup', 'api']);
    await m.removeConnection('api');
    expect(m.getConnectionNames()).toEqual(['backup']); // it was managed before: it stays
  });
});

describe('ConnectionManager global handler', () => {
  it("sees a child's breaker trip and a WebSocket's drop and reconnect, with the connection's name", async () => {
    const failing = await server(() => 500);
    const ws = track.server(await startWsServer());
    const api = new HTTPConnection({ url: failing.url, retryCount: 0, circuitBreakerThreshold: 2 });
    const realtime = track.conn(new WebSocketConnection({ url: ws.url, reconnectDelay: 20, maxReconnectDelay: 40, healthUrl: false }));
    const m = manager();
    m.addConnection(api, 'api').addConnection(realtime, 'realtime');
    const seen: Array<[string, string]> = [];
    const remove = m.addGlobalHandler((type, event) => seen.push([type, event.name]));
    m.addGlobalHandler(() => {
      throw new Error('a handler that throws');
    });
    await m.connectAll();
    for (let i = 0; i < 2; i++) await api.send({ url: '/x' }).catch(() => {});
    await waitFor(() => seen.some(([t]) => t === 'circuit_breaker_opened'));
    expect(seen).toContainEqual(['circuit_breaker_opened', 'api']);
    expect(seen).toContainEqual(['health_changed', 'api']);
    ws.terminateAll();
    await waitFor(() => seen.filter(([t, n]) => t === 'connected' && n === 'realtime').length === 2);
    expect(seen).toContainEqual(['connection_lost', 'realtime']);
    expect(seen).toContainEqual(['reconnecting', 'realtime']);
    const count = seen.length;
    remove();
    realtime.emitEvent('custom_event');
    expect(seen.length).toBe(count);
  });
});

describe('ConnectionManager: a WebSocket whose health check fails', () => {
  it('is counted unhealthy while its status says open, and healthy again after a check passes', async () => {
    let pong = false;
    const server = track.server(await startWsServer({ autoPong: false }));
    // The server's sockets answer pings only once `pong` is set.
    const answer = (socket: import('ws').WebSocket) => socket.on('ping', (data) => pong && socket.pong(data));
    const manager = new ConnectionManager({ healthCheckInterval: 0 });
    cleanups.push(() => manager.dispose());
    const conn = new WebSocketConnection({ url: server.url, healthUrl: false, timeout: 300, pingInterval: 0 });
    manager.addConnection(conn, 'rt');
    await conn.connect();
    for (const socket of server.clients) answer(socket);
    expect(manager.getStatistics().healthyConnections).toBe(1);
    const [failed] = await manager.healthCheckAll();
    expect(failed!.ok).toBe(false);
    expect(conn.getStats().status).not.toBe('waiting');
    expect(manager.getStatistics()).toMatchObject({ healthyConnections: 0, connectionsByHealth: { unhealthy: 1 } });
    pong = true;
    const [passed] = await manager.healthCheckAll();
    expect(passed!.ok).toBe(true);
    expect(manager.getStatistics().healthyConnections).toBe(1);
  });
});
