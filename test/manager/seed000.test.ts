/**
 * Seed 000's ConnectionManager snippets ("Quick Start: WebSocket Connection",
 * "Connection Management", "Metrics and Analytics"), run with only the import
 * changed and the URLs pointing at servers started here on 127.0.0.1.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConnectionManager, HTTPConnection, WebSocketConnection } from '../../src/index.js';
import { startWsServer, tracker } from '../helpers/wsServer.js';
import { json, routes, startServer, type TestServer } from '../helpers/testServer.js';

const track = tracker();
const managers: ConnectionManager[] = [];
const servers: TestServer[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const m of managers.splice(0)) await m.dispose();
  for (const s of servers.splice(0)) await s.close();
  await track.cleanup();
});

const healthyApi = () => routes({ '/health': (_req, res) => json(res, 200, { ok: true }), '/users': (_req, res) => json(res, 200, [{ id: 1 }]) });

describe('seed 000: Quick Start, WebSocket Connection', () => {
  it('runs as written: the connection is the manager\'s child, opens, echoes', async () => {
    const server = track.server(await startWsServer({ echo: true }));
    // ---- seed 000 (URL changed) ----
    const wsConn = new WebSocketConnection({
      url: server.url,
      timeout: 10000,
      retryCount: 3,
    });

    const manager = new ConnectionManager();
    managers.push(manager);
    manager.addConnection(wsConn, "realtime");

    await manager.start();
    await wsConn.connect();

    // Send and receive messages
    await wsConn.send({ type: "ping" });
    const message = await wsConn.receive();
    // ---- end of seed ----
    expect(message).toEqual({ type: 'ping' });
    expect(manager.actor.system.get('realtime')).toBe(wsConn.actor);
    expect(wsConn.actor._parent).toBe(manager.actor);
    expect(server.connections).toBe(1);
    expect(manager.getConnection('realtime')).toBe(wsConn);
    await Promise.resolve();
    expect(manager.actor.getSnapshot().context.connections).toMatchObject([{ name: 'realtime', type: 'websocket', health: 'healthy' }]);
  });
});

describe('seed 000: Connection Management, ConnectionManager', () => {
  it('runs as written: bulk operations, statistics, stop', async () => {
    const api = await startServer(healthyApi());
    servers.push(api);
    const ws = track.server(await startWsServer({ echo: true }));
    const httpConn = new HTTPConnection({ url: api.url, timeout: 5000 });
    const wsConn = new WebSocketConnection({ url: ws.url });
    const logs: unknown[][] = [];
    vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void logs.push(args));
    let manager!: ConnectionManager;
    const run = async () => {
      // ---- seed 000, "ConnectionManager" (import changed) ----
      manager = new ConnectionManager();

      // Add connections
      manager.addConnection(httpConn, "api");
      manager.addConnection(wsConn, "realtime");

      // Start management (begins health checks)
      await manager.start();

      // Bulk operations
      await manager.connectAll();
      await manager.healthCheckAll();
      await manager.disconnectAll();

      // Get statistics
      const stats = manager.getStatistics();
      console.log(stats.totalConnections, stats.healthyConnections);

      // Stop management
      await manager.stop();
      // ---- end of seed ----
    };
    await run();
    managers.push(manager);
    expect(logs).toEqual([[2, 0]]); // both disconnected: neither is healthy
    expect(api.count('/health')).toBe(1);
    expect(ws.connections).toBe(1);
    expect(manager.actor.getSnapshot().value).toBe('stopped');
    expect(manager.actor.system.get('api')).toBe(httpConn.actor);
    expect(manager.actor.system.get('api.breaker')).toBe(httpConn.circuitBreaker.actor);
  });

  it('bulk results are per connection, in order', async () => {
    const api = await startServer(healthyApi());
    servers.push(api);
    const ws = track.server(await startWsServer({ echo: true }));
    const manager = new ConnectionManager();
    managers.push(manager);
    manager.addConnection(new HTTPConnection({ url: api.url }), 'api').addConnection(new WebSocketConnection({ url: ws.url }), 'realtime');
    expect(await manager.connectAll()).toEqual([
      { name: 'api', ok: true, value: undefined },
      { name: 'realtime', ok: true, value: undefined },
    ]);
    const checks = await manager.healthCheckAll();
    expect(checks.map((r) => [r.name, r.ok, r.value?.isHealthy])).toEqual([
      ['api', true, true],
      ['realtime', true, true],
    ]);
    const stats = manager.getStatistics();
    expect(stats).toMatchObject({
      totalConnections: 2,
      healthyConnections: 2,
      unhealthyConnections: 0,
      connectionsByType: { http: 1, websocket: 1 },
      connectionsByHealth: { healthy: 2, degraded: 0, unhealthy: 0, unknown: 0 },
      totalRequests: 1, // the WebSocket's ping (an HTTPConnection counts requests, not health checks)
      totalErrors: 0,
    });
    expect(stats.averageResponseTime).toBeGreaterThanOrEqual(0);
  });
});

describe('seed 000: Metrics and Analytics', () => {
  it('getMetrics, getStatistics, emitEvent and addGlobalHandler run as written', async () => {
    const api = await startServer(healthyApi());
    servers.push(api);
    const connection = new HTTPConnection({ url: api.url });
    const manager = new ConnectionManager();
    managers.push(manager);
    manager.addConnection(connection, 'api');
    await connection.send({ method: 'GET', url: '/users' });
    const logs: unknown[][] = [];
    vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void logs.push(args));
    // ---- seed 000, "Connection Metrics" ----
    // Get connection metrics
    const metrics = connection.getMetrics();
    console.log({
      requestCount: metrics.requestCount,
      errorCount: metrics.errorCount,
      errorRate: metrics.errorRate,
      averageResponseTime: metrics.averageResponseTime,
      throughput: metrics.throughput,
      uptime: metrics.uptime,
    });

    // Get aggregated metrics from manager
    const stats = manager.getStatistics();
    console.log(stats);
    // ---- seed 000, "Event Tracking" ----
    // Track custom events
    connection.emitEvent("custom_event", {
      data: { userId: 123, action: "login" },
      severity: "info",
    });

    // Listen to all events
    manager.addGlobalHandler((type, event) => {
      console.log(`Event: ${type}`, event);
    });
    // ---- end of seed ----
    expect(logs[0]![0]).toMatchObject({ requestCount: 1, errorCount: 0, errorRate: 0 });
    expect(logs[1]![0]).toMatchObject({ totalConnections: 1, totalRequests: 1, totalErrors: 0 });
    expect(stats.averageResponseTime).toBe(metrics.averageResponseTime);
    // The handler was added after that emit; the next custom event reaches it, with the connection's name.
    connection.emitEvent('custom_event', { data: { userId: 123, action: 'logout' }, severity: 'info' });
    expect(logs[2]).toEqual(['Event: custom_event', expect.objectContaining({ eventType: 'custom_event', name: 'api', data: { userId: 123, action: 'logout' }, severity: 'info' })]);
  });
});
