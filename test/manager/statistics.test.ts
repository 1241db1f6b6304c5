/**
 * getStatistics() sums what the connections counted: an ApiClient counts its
 * requests without timing them, so it must not pull the average down.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ApiClient, ConnectionManager, HTTPConnection } from '../../src/index.js';
import { json, startServer, type TestServer } from '../helpers/testServer.js';

const servers: TestServer[] = [];
const managers: ConnectionManager[] = [];
afterEach(async () => {
  for (const m of managers.splice(0)) await m.dispose();
  for (const s of servers.splice(0)) await s.close();
});

describe('ConnectionManager.getStatistics()', () => {
  it("averageResponseTime is the timed requests' mean: an ApiClient's untimed requests count in totalRequests only", async () => {
    // Answers after 30 ms: a mean well above 0 that an untimed request would halve.
    const server = await startServer((_req, res) => void setTimeout(() => json(res, 200, { ok: true }), 30));
    servers.push(server);
    const manager = new ConnectionManager({ healthCheckInterval: 0 });
    managers.push(manager);
    const http = new HTTPConnection({ url: server.url });
    const api = new ApiClient({ baseURL: server.url });
    manager.addConnection(http, 'http').addConnection(api, 'api');
    await http.connect();
    await http.send({ method: 'GET', url: '/a' });
    await api.get('/b');
    await api.get('/c');
    const stats = manager.getStatistics();
    const own = http.getMetrics();
    expect(stats.totalRequests).toBe(own.requestCount + 2);
    expect(stats.averageResponseTime).toBeCloseTo(own.averageResponseTime, 6);
    expect(stats.averageResponseTime).toBeGreaterThan(0);
  });
});
