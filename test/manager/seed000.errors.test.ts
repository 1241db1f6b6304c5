/**
 * Seed 000's "Health Monitoring", "Error Handling" and "Best Practices"
 * snippets (1–3) on connections under a ConnectionManager, run with only the
 * import changed, against servers started here on 127.0.0.1; the Error
 * Handling ones also through `manager.addGlobalHandler`.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConnectionHealth, ConnectionManager, HTTPConnection, WebSocketConnection } from '../../src/index.js';
import { startWsServer, tracker, waitFor } from '../helpers/wsServer.js';
import { closedPort, json, routes, startServer, type TestServer } from '../helpers/testServer.js';

const track = tracker();
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  vi.useRealTimers();
  vi.restoreAllMocks();
  for (const c of cleanups.splice(0).reverse()) await c();
  await track.cleanup();
});

async function backend(health: () => number, extra: Parameters<typeof routes>[0] = {}): Promise<TestServer> {
  const s = await startServer(routes({ '/health': (_req, res) => json(res, health(), { ok: health() < 400 }), ...extra }));
  cleanups.push(() => s.close());
  return s;
}

function managed(connection: HTTPConnection | WebSocketConnection, options: ConstructorParameters<typeof ConnectionManager>[0] = {}): ConnectionManager {
  const manager = new ConnectionManager(options);
  cleanups.push(() => manager.dispose());
  manager.addConnection(connection, 'api');
  return manager;
}

function capture(method: 'log' | 'warn' | 'error'): unknown[][] {
  const lines: unknown[][] = [];
  vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void lines.push(args));
  return lines;
}

describe('seed 000: Health Monitoring', () => {
  it('Health Checks run as written', async () => {
    const server = await backend(() => 200);
    const connection = new HTTPConnection({ url: server.url });
    managed(connection);
    const logs = capture('log');
    {
      // ---- seed 000, "Health Checks" (first block) ----
      // Automatic health checks
      const health = await connection.healthCheck();
      console.log({
        isHealthy: health.isHealthy,
        responseTime: health.responseTime,
        details: health.details,
        errorMessage: health.errorMessage,
      });
    }
    {
      // Manual health check with custom timeout
      const health = await connection.healthCheck(10000);
      // ---- end of seed ----
      expect(health.isHealthy).toBe(true);
    }
    expect(logs[0]![0]).toMatchObject({ isHealthy: true, errorMessage: undefined, details: { url: `${server.url}/health`, status: 200 } });
    expect(server.count('/health')).toBe(2);
  });

  it("Health Events run as written: the manager's automatic checks flip them when the backend fails", async () => {
    let status = 200;
    const server = await backend(() => status);
    const connection = new HTTPConnection({ url: server.url });
    const manager = managed(connection, { healthCheckInterval: 50 });
    const logs = capture('log');
    // ---- seed 000, "Health Events" ----
    connection.onHealthChange((health) => {
      if (health === ConnectionHealth.UNHEALTHY) {
        console.log("Connection is unhealthy, attempting recovery...");
      }
    });

    connection.onEvent((event) => {
      if (event.eventType === "health_check_failed") {
        console.log("Health check failed:", event.message);
      }
    });
    // ---- end of seed ----
    await connection.connect();
    await manager.start();
    await waitFor(() => server.count('/health') >= 1);
    status = 503;
    await waitFor(() => logs.length >= 2);
    expect(logs).toContainEqual(['Connection is unhealthy, attempting recovery...']);
    expect(logs).toContainEqual(['Health check failed:', expect.stringMatching(/health check failed/)]);
  });
});

describe('seed 000: Error Handling', () => {
  it('Connection Errors run as written: connection_failed reconnects, authentication_failed refreshes', async () => {
    const server = await backend(() => 200, { '/private': (_req, res) => json(res, 401, { error: 'no' }) });
    const connection = new HTTPConnection({ url: server.url, retryCount: 0 });
    managed(connection);
    const errors = capture('error');
    const refreshAuthToken = vi.fn();
    const connect = vi.spyOn(connection, 'connect');
    // ---- seed 000, "Connection Errors" ----
    connection.onEvent((event) => {
      if (event.severity === "error") {
        console.error("Connection error:", event.message);

        // Handle specific error types
        if (event.eventType === "connection_failed") {
          // Attempt reconnection
          connection.connect();
        } else if (event.eventType === "authentication_failed") {
          // Refresh authentication
          refreshAuthToken();
        }
      }
    });
    // ---- end of seed ----
    await expect(connection.send({ url: '/private' })).rejects.toMatchObject({ status: 401 });
    expect(refreshAuthToken).toHaveBeenCalledTimes(1);
    const dead = `http://127.0.0.1:${await closedPort()}`;
    const before = connect.mock.calls.length;
    await expect(connection.send({ url: `${dead}/x` })).rejects.toThrow();
    expect(connect.mock.calls.length).toBe(before + 1);
    expect(errors.map((e) => e[0])).toEqual(['Connection error:', 'Connection error:']);
  });

  it('the same handling through addGlobalHandler, for every managed connection', async () => {
    const server = await backend(() => 200, { '/private': (_req, res) => json(res, 401, { error: 'no' }) });
    const api = new HTTPConnection({ url: server.url, retryCount: 0 });
    const other = new HTTPConnection({ url: `http://127.0.0.1:${await closedPort()}`, retryCount: 0 });
    const manager = managed(api);
    manager.addConnection(other, 'other');
    const refreshAuthToken = vi.fn();
    const reconnected: string[] = [];
    manager.addGlobalHandler((type, event) => {
      if (event.severity !== 'error') return;
      if (type === 'connection_failed') {
        reconnected.push(event.name);
        void manager.getConnection(event.name)?.connect?.();
      } else if (type === 'authentication_failed') refreshAuthToken(event.name);
    });
    await api.send({ url: '/private' }).catch(() => {});
    await other.send({ url: '/x' }).catch(() => {});
    expect(refreshAuthToken).toHaveBeenCalledWith('api');
    expect(reconnected).toEqual(['other']);
  });

  it('Circuit Breaker runs as written: opened after the threshold, closed after a good probe', async () => {
    let fail = true;
    const server = await backend(() => 200, { '/x': (_req, res) => json(res, fail ? 500 : 200, {}) });
    const connection = new HTTPConnection({ url: server.url, retryCount: 0, circuitBreakerThreshold: 2, circuitBreakerTimeout: 100 });
    managed(connection);
    const logs = capture('log');
    // ---- seed 000, "Circuit Breaker" ----
    // Circuit breaker automatically opens after threshold failures
    connection.onEvent((event) => {
      if (event.eventType === "circuit_breaker_opened") {
        console.log("Circuit breaker opened, requests will be rejected");
      } else if (event.eventType === "circuit_breaker_closed") {
        console.log("Circuit breaker closed, requests will be allowed");
      }
    });
    // ---- end of seed ----
    for (let i = 0; i < 2; i++) await connection.send({ url: '/x' }).catch(() => {});
    expect(logs).toEqual([['Circuit breaker opened, requests will be rejected']]);
    fail = false;
    await new Promise((r) => setTimeout(r, 150));
    await connection.send({ url: '/x' });
    expect(logs).toEqual([['Circuit breaker opened, requests will be rejected'], ['Circuit breaker closed, requests will be allowed']]);
  });
});

describe('seed 000: Best Practices', () => {
  it('1. Connection Lifecycle runs as written', async () => {
    const server = track.server(await startWsServer());
    const connection = new WebSocketConnection({ url: server.url });
    const manager = managed(connection);
    // ---- seed 000, "1. Connection Lifecycle" ----
    // Always clean up connections
    try {
      await connection.connect();
      // Use connection
    } finally {
      await connection.disconnect();
    }
    // ---- end of seed ----
    expect(server.connections).toBe(1);
    await waitFor(() => server.clients.size === 0);
    expect(manager.getStatistics().healthyConnections).toBe(0);
  });

  it('2. Error Handling runs as written; the backup switch it sketches is built in (fallback)', async () => {
    const server = track.server(await startWsServer());
    const spare = track.server(await startWsServer());
    const connection = new WebSocketConnection({ url: server.url, reconnectDelay: 60_000, healthUrl: false });
    const backup = new WebSocketConnection({ url: spare.url });
    const manager = new ConnectionManager();
    cleanups.push(() => manager.dispose());
    manager.addConnection(connection, 'api', { fallback: backup });
    const errors = capture('error');
    const switchToBackupConnection = vi.fn();
    const seen: string[] = [];
    connection.onEvent((event) => seen.push(`${event.eventType}:${event.severity}`));
    // ---- seed 000, "2. Error Handling" ----
    // Handle connection errors gracefully
    connection.onEvent((event) => {
      if (event.severity === "error") {
        // Log error
        console.error("Connection error:", event);

        // Implement fallback logic
        if (event.eventType === "connection_lost") {
          // Switch to backup connection
          switchToBackupConnection();
        }
      }
    });
    // ---- end of seed ----
    await manager.connectAll();
    server.terminateAll();
    await waitFor(() => manager.getConnection('api') === backup);
    // A drop is an error-severity connection_lost, so the snippet's fallback branch runs…
    expect(seen).toContain('connection_lost:error');
    expect(switchToBackupConnection).toHaveBeenCalledTimes(1);
    expect(errors.some((line) => line[0] === "Connection error:")).toBe(true);
    // …and the manager switched by itself too.
    expect((manager.getConnection('api') as WebSocketConnection).isConnected()).toBe(true);
  });

  it('3. Health Monitoring runs as written (its 30 s interval on a fake setInterval)', async () => {
    let status = 200;
    const server = await backend(() => status);
    const connection = new HTTPConnection({ url: server.url });
    managed(connection);
    const warns = capture('warn');
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    // ---- seed 000, "3. Health Monitoring" ----
    // Regular health checks
    setInterval(async () => {
      const health = await connection.healthCheck();
      if (!health.isHealthy) {
        console.warn("Connection unhealthy, response time:", health.responseTime);
      }
    }, 30000);
    // ---- end of seed ----
    vi.advanceTimersByTime(30_000);
    await waitFor(() => server.count('/health') === 1);
    status = 503;
    vi.advanceTimersByTime(30_000);
    await waitFor(() => warns.length === 1);
    vi.clearAllTimers(); // the snippet's interval (a fake one) ends here
    expect(warns[0]).toEqual(['Connection unhealthy, response time:', expect.any(Number)]);
  });
});
