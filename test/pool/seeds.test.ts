/**
 * Seed 000's "Connection Pooling" snippets, run against a real `ws` server on
 * 127.0.0.1 with only the import changed (and the URL pointing at the server).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConnectionPool, WebSocketConnectionPool, WebSocketConnection } from '../../src/index.js';
import { startWsServer, tracker, waitFor } from '../helpers/wsServer.js';

const track = tracker();
const pools: Array<{ stop(): Promise<void> }> = [];
afterEach(async () => {
  vi.unstubAllEnvs();
  await Promise.all(pools.splice(0).map((p) => p.stop()));
  await track.cleanup();
});

describe('seed 000: Connection Pooling', () => {
  it('Quick Start: WebSocketConnectionPool(poolConfig, wsConfig), start, acquire, send, release', async () => {
    const server = track.server(await startWsServer());
    const wsConfig = { url: server.url };
    // ---- seed 000, Quick Start "Connection Pooling" (import changed) ----
    const pool = new WebSocketConnectionPool(
      {
        maxSize: 8,
        minSize: 1,
        maxIdleTime: 60,
        acquireTimeout: 5,
      },
      wsConfig,
    );

    await pool.start();
    const conn = await pool.acquire();
    if (conn) {
      await conn.send({ type: "data", payload: "test" });
      await pool.release(conn);
    }
    // ---- end of snippet ----
    pools.push(pool);
    expect(conn).toBeInstanceOf(WebSocketConnection);
    await server.waitForMessages(1);
    expect(server.jsons()).toEqual([{ type: 'data', payload: 'test' }]);
    expect(server.connections).toBe(1);
    expect(pool.getStats()).toMatchObject({ size: 1, available: 1, leased: 0, pending: 0, created: 1 });
  });

  it('"Connection Pooling" section: a generic pool whose factory gets the config manager defaults, and a WebSocket pool', async () => {
    const server = track.server(await startWsServer({ echo: true }));
    vi.stubEnv('VITE_WEBSOCKET_URL', server.url);
    const poolConfig = { maxSize: 4 };
    const wsConfig = { url: server.url };
    const data = { type: 'data', payload: 'pooled' };
    // ---- seed 000, "Connection Pooling" (import changed) ----
    // Generic pool
    const pool = new ConnectionPool<WebSocketConnection>(
      {
        maxSize: 10,
        minSize: 2,
        maxIdleTime: 300,
        acquireTimeout: 10,
        releaseTimeout: 5,
        healthCheckInterval: 60,
        cleanupInterval: 120,
      },
      (config) => new WebSocketConnection(config),
    );

    // Pre-configured WebSocket pool
    const wsPool = new WebSocketConnectionPool(poolConfig, wsConfig);

    await pool.start();

    // Acquire connection
    const conn = await pool.acquire();
    if (conn) {
      try {
        await conn.send(data);
      } finally {
        await pool.release(conn);
      }
    }
    // ---- end of snippet ----
    pools.push(pool, wsPool);
    expect(conn).toBeInstanceOf(WebSocketConnection);
    await server.waitForMessages(1);
    expect(server.jsons()).toEqual([data]);
    // minSize 2 pre-warmed; the WebSocket pool was never started, so it opened nothing.
    expect(server.connections).toBe(2);
    expect(pool.getStats()).toMatchObject({ size: 2, available: 2, leased: 0, created: 2 });
    const ws = await wsPool.acquire();
    expect(ws).toBeInstanceOf(WebSocketConnection);
    await wsPool.release(ws!);
    await waitFor(() => server.connections === 3);
  });

  it('"Best Practices 4. Connection Pooling": always release in finally', async () => {
    const server = track.server(await startWsServer());
    const poolConfig = { maxSize: 2 };
    const wsConfig = { url: server.url };
    const data = { type: 'best-practice' };
    // ---- seed 000, Best Practices "4. Connection Pooling" (import changed) ----
    // Use connection pools for high-throughput scenarios
    const pool = new WebSocketConnectionPool(poolConfig, wsConfig);

    // Always release connections back to pool
    const conn = await pool.acquire();
    try {
      // @ts-expect-error seed 000 calls send() without checking for null (acquire() resolves null on timeout)
      await conn.send(data);
    } finally {
      // @ts-expect-error as above
      await pool.release(conn);
    }
    // ---- end of snippet ----
    pools.push(pool);
    await server.waitForMessages(1);
    expect(server.jsons()).toEqual([data]);
    expect(pool.getStats()).toMatchObject({ size: 1, available: 1, leased: 0 });
  });
});
