import { afterEach, describe, expect, it } from 'vitest';
import { inspect } from 'node:util';
import {
  ApiError,
  ConfigError,
  ConnectionConfigManager,
  ConnectionHealth,
  HTTPConnection,
  NetworkError,
  SecurityLevel,
  systemClock,
  type ConnectionEvent,
} from '../../src/index.js';
import type { ServerResponse } from 'node:http';
import { closedPort, json, routes, sequence, startServer, text, type TestRequest, type TestServer } from '../helpers/testServer.js';

let server: TestServer | undefined;
const connections: HTTPConnection[] = [];
afterEach(async () => {
  await Promise.all(connections.splice(0).map((c) => c.dispose()));
  await server?.close();
  server = undefined;
});

function open(config: ConstructorParameters<typeof HTTPConnection>[0]) {
  const conn = new HTTPConnection(config);
  connections.push(conn);
  return conn;
}

const api = routes({
  '/users': (_req, res) => json(res, 200, [{ id: 1 }]),
  '/api/data': (req, res) => json(res, 201, { received: JSON.parse(req.body) }),
  '/health': (_req, res) => text(res, 200, 'ok'),
  '/login': (_req, res) => json(res, 401, { error: 'expired' }),
});

describe('HTTPConnection', () => {
  describe('seed 000 snippets', () => {
    it('Quick Start: config manager defaults, connect, send', async () => {
      server = await startServer(api);
      const configManager = new ConnectionConfigManager({ env: {} });
      const config = configManager.get('http');
      const httpConn = open({ ...config, url: server.url, timeout: 5000 });
      await httpConn.connect();
      const response = await httpConn.send({ method: 'GET', url: '/users' });
      expect(response).toMatchObject({ status: 200, data: [{ id: 1 }] });
      expect(response.headers['content-type']).toBe('application/json');
    });

    it('HTTPConnection: POST with a JSON string body, then healthCheck', async () => {
      server = await startServer(api);
      const httpConn = open({ url: server.url });
      await httpConn.connect();
      const response = await httpConn.send({
        method: 'POST',
        url: '/api/data',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ data: 'test' }),
      });
      expect(response).toMatchObject({ status: 201, data: { received: { data: 'test' } } });
      const health = await httpConn.healthCheck();
      expect(health.isHealthy).toBe(true);
      expect(health.responseTime).toBeGreaterThanOrEqual(0);
      expect(health.details).toMatchObject({ status: 200, circuitBreaker: 'CLOSED' });
      expect(health.errorMessage).toBeUndefined();
    });

    it('Health Monitoring: a failing health check with a custom timeout, onHealthChange and health_check_failed', async () => {
      server = await startServer(routes({ '/health': (_req, res) => json(res, 503, { status: 'down' }) }));
      const connection = open({ url: server.url });
      const healths: ConnectionHealth[] = [];
      const events: ConnectionEvent[] = [];
      connection.onHealthChange((health) => healths.push(health));
      connection.onEvent((event) => events.push(event));
      const health = await connection.healthCheck(10000);
      expect(health.isHealthy).toBe(false);
      expect(health.errorMessage).toMatch(/503/);
      expect(healths).toEqual([ConnectionHealth.UNHEALTHY]);
      expect(events.map((e) => e.eventType)).toContain('health_check_failed');
    });

    it('Metrics: getMetrics reports counts, rates, percentiles, throughput and uptime', async () => {
      // Time moves only while the server handles a request: each one takes exactly 40 ms.
      let now = 1_000_000;
      const clock = { now: () => now, setTimeout: systemClock.setTimeout, clearTimeout: systemClock.clearTimeout };
      const slowApi = (req: TestRequest, res: ServerResponse) => {
        if (req.url !== '/health') now += 40;
        return api(req, res);
      };
      server = await startServer(slowApi);
      const connection = open({ url: server.url, retryCount: 0, clock } as never);
      await connection.connect();
      const connectedAt = now;
      await connection.send({ url: '/users' });
      const firstDone = now;
      await connection.send({ url: '/users' });
      await connection.send({ url: '/login' }).catch(() => {});
      const metrics = connection.getMetrics();
      expect(metrics).toMatchObject({ requestCount: 3, errorCount: 1, averageResponseTime: 40, p50: 40, p95: 40, p99: 40 });
      expect(metrics.errorRate).toBeCloseTo(1 / 3);
      expect(metrics.uptime).toBe(now - connectedAt);
      expect(metrics.uptime).toBe(120);
      // Three requests from the end of the first to now (80 ms): 3 / 0.08 s.
      expect(metrics.throughput).toBeCloseTo(3 / ((now - firstDone) / 1000));
      expect(metrics.lastRequestAt).toBe(now);
    });

    it('monitoring: false turns metrics off', async () => {
      server = await startServer(api);
      const connection = open({ url: server.url, monitoring: false });
      await connection.send({ url: '/users' });
      expect(connection.getMetrics().requestCount).toBe(0);
    });

    it('Event Tracking: emitEvent reaches onEvent handlers', () => {
      const connection = open({ url: 'http://127.0.0.1:9' });
      const seen: ConnectionEvent[] = [];
      connection.onEvent((e) => seen.push(e));
      connection.emitEvent('custom_event', { data: { userId: 123, action: 'login' }, severity: 'info' });
      expect(seen[0]).toMatchObject({ eventType: 'custom_event', severity: 'info', data: { userId: 123, action: 'login' } });
      expect(typeof seen[0]!.timestamp).toBe('number');
    });

    it('Error Handling: connection_failed for a refused port, authentication_failed for 401', async () => {
      server = await startServer(api);
      const refused = open({ url: `http://127.0.0.1:${await closedPort()}`, retryCount: 1, retryDelay: 1 });
      const down: ConnectionEvent[] = [];
      refused.onEvent((e) => e.severity === 'error' && down.push(e));
      const error = await refused.send({ url: '/x' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NetworkError);
      expect((error as NetworkError).code).toBe('ECONNREFUSED');
      expect(down.map((e) => e.eventType)).toEqual(['connection_failed']);

      const connection = open({ url: server.url });
      const auth: string[] = [];
      connection.onEvent((e) => auth.push(e.eventType));
      await expect(connection.send({ url: '/login' })).rejects.toMatchObject({ isApiError: true, status: 401 });
      expect(auth).toContain('authentication_failed');
    });

    it('Circuit Breaker: circuit_breaker_opened and circuit_breaker_closed events', async () => {
      server = await startServer(sequence(500, 500, 200));
      const connection = open({ url: server.url, retryCount: 0, circuitBreakerThreshold: 2, circuitBreakerTimeout: 20 });
      const seen: string[] = [];
      connection.onEvent((e) => seen.push(e.eventType));
      await connection.send({ url: '/a' }).catch(() => {});
      await connection.send({ url: '/a' }).catch(() => {});
      expect(seen).toContain('circuit_breaker_opened');
      await expect(connection.send({ url: '/a' })).rejects.toMatchObject({ isCircuitBreakerError: true });
      expect(server.requests).toHaveLength(2);
      await new Promise((r) => setTimeout(r, 40));
      await connection.send({ url: '/a' });
      expect(seen).toContain('circuit_breaker_closed');
    });

    it('Best Practices: connect, use, disconnect in finally; events for both', async () => {
      server = await startServer(api);
      const connection = open({ url: server.url });
      const seen: string[] = [];
      connection.onEvent((e) => seen.push(e.eventType));
      try {
        await connection.connect();
        await connection.send({ url: '/users' });
      } finally {
        await connection.disconnect();
      }
      expect(seen).toEqual(['connected', 'disconnected']);
      expect(connection.isConnected()).toBe(false);
    });

    it('Debug Mode: debug and logLevel write redacted lines to the logger', async () => {
      server = await startServer(sequence(503, 200));
      const lines: string[] = [];
      const logger = { debug: (...a: unknown[]) => lines.push(a.join(' ')), info: (...a: unknown[]) => lines.push(a.join(' ')), warn: (...a: unknown[]) => lines.push(a.join(' ')), error: (...a: unknown[]) => lines.push(a.join(' ')) };
      const connection = open({ url: server.url, debug: true, logLevel: 'debug', logger, retryDelay: 1, customHeaders: { Authorization: 'Bearer tok-SECRET-1' } });
      await connection.send({ url: '/x' });
      expect(lines.some((l) => /retry 1/.test(l))).toBe(true);
      expect(lines.join('\n')).not.toContain('SECRET');
    });
  });

  describe('configuration', () => {
    it('accepts the seed`s custom configuration object', () => {
      const customConfig = {
        name: 'api', url: 'https://api.example.com', timeout: 10000, retryCount: 5, retryDelay: 2000, backoffMultiplier: 1.5,
        maxConnections: 20, keepAlive: 60000, compression: true, encryption: true, securityLevel: SecurityLevel.MAXIMUM,
        healthCheckInterval: 15000, healthCheckTimeout: 5000, autoReconnect: true, autoRetry: true, circuitBreaker: true,
        circuitBreakerThreshold: 10, circuitBreakerTimeout: 120000, rateLimit: true, rateLimitRequests: 100, rateLimitWindow: 60000,
        auditLogging: true, monitoring: true, customHeaders: { 'X-API-Key': 'your-api-key', 'User-Agent': 'MyApp/1.0' },
      };
      const connection = open(customConfig);
      expect(connection.name).toBe('api');
      expect(connection.circuitBreaker.threshold).toBe(10);
    });

    it('refuses plain http to a remote host while encryption is on, and at MAXIMUM', () => {
      expect(() => new HTTPConnection({ url: 'http://api.example.com' })).toThrow(ConfigError);
      expect(() => new HTTPConnection({ url: 'http://api.example.com', encryption: false, securityLevel: SecurityLevel.MAXIMUM })).toThrow(/url/);
      expect(() => new HTTPConnection({ url: 'https://api.example.com', securityLevel: SecurityLevel.MAXIMUM, rejectUnauthorized: false })).toThrow(/rejectUnauthorized/);
      expect(() => open({ url: 'http://127.0.0.1:9', securityLevel: SecurityLevel.MAXIMUM })).not.toThrow();
    });

    it('names the option of a bad value', () => {
      expect(() => new HTTPConnection({ url: 'http://127.0.0.1:9', timeout: -5 })).toThrow(/"timeout"/);
      expect(() => new HTTPConnection({ url: 'not a url' })).toThrow(/"url"/);
      expect(() => new HTTPConnection({ url: 'http://127.0.0.1:9', retryCount: 1.5 })).toThrow(/"retryCount"/);
      expect(() => new HTTPConnection({ url: 'http://127.0.0.1:9', logLevel: 'loud' as never })).toThrow(/"logLevel"/);
    });

    it('rateLimit turns rateLimitRequests per rateLimitWindow into a token bucket', async () => {
      server = await startServer(api);
      const connection = open({ url: server.url, rateLimit: true, rateLimitRequests: 2, rateLimitWindow: 60000 });
      await connection.send({ url: '/users' });
      await connection.send({ url: '/users' });
      await expect(connection.send({ url: '/users' })).rejects.toMatchObject({ isRateLimitError: true });
      expect(server.requests).toHaveLength(2);
    });
  });

  describe('secrets', () => {
    it('never shows credentials in errors, events, metrics or the inspector snapshot', async () => {
      server = await startServer(routes({ '/boom': (_req, res) => json(res, 500, { error: 'x' }), '/health': (_req, res) => json(res, 500, {}) }));
      const secretUrl = server.url.replace('http://', 'http://user:pa55-SECRET@');
      const connection = open({
        url: `${secretUrl}/?token=tk-SECRET-2`,
        retryCount: 0,
        auditLogging: true,
        customHeaders: { Authorization: 'Bearer tok-SECRET-1', 'X-API-Key': 'key-SECRET-3' },
        logger: { debug() {}, info() {}, warn() {}, error() {} },
      });
      const seen: unknown[] = [];
      connection.onEvent((e) => seen.push(e));
      await connection.connect();
      const error = await connection.send({ url: '/boom?access_token=at-SECRET-4' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ApiError);
      seen.push(inspect(error, { depth: 10 }), (error as Error).message, (error as Error).stack);
      seen.push(await connection.healthCheck(), connection.getMetrics(), connection.actor.getPersistedSnapshot());
      const everything = JSON.stringify(seen) + inspect(seen, { depth: 10 });
      expect(everything).not.toMatch(/SECRET/);
    });
  });
});
