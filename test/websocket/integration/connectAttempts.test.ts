/**
 * Issue 9, item 13 (WebSocket): `retryCount` (seed 000, default 3) bounds the
 * attempts one connect() makes before it rejects; reconnects after a drop follow
 * `maxReconnectAttempts` (default Infinity), whether or not `retryCount` was given.
 * Real servers on 127.0.0.1.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectionConfigManager, GuruConnection, NetworkError, WebSocketConnection, type WebSocketConnectionOptions } from '../../../src/index.js';
import { recordEvents, refusedPort, sleep, startWsServer, tracker, waitFor } from '../../helpers/wsServer.js';

const track = tracker();
afterEach(() => track.cleanup());

function connection(options: WebSocketConnectionOptions): WebSocketConnection {
  return track.conn(new WebSocketConnection({ reconnectDelay: 10, maxReconnectDelay: 40, healthUrl: false, pingInterval: 0, ...options }));
}

describe('connect attempts', () => {
  it('the same defaults with or without the manager: timeout 5000, 4 attempts per connect(), reconnects without limit', () => {
    const url = 'ws://127.0.0.1:1/ws';
    const bare = track.conn(new WebSocketConnection({ url }));
    const managed = track.conn(new WebSocketConnection({ ...new ConnectionConfigManager({ env: {} }).get('websocket'), url }));
    for (const conn of [bare, managed]) {
      const { connectTimeout, reconnect } = conn.actor.getSnapshot().context;
      expect([connectTimeout, reconnect.maxConnectAttempts, reconnect.maxAttempts]).toEqual([5000, 4, null]);
    }
  });

  it('a refused port: connect() makes retryCount + 1 = 4 attempts by default, rejects with the last failure, then nothing', async () => {
    const conn = connection({ url: `ws://127.0.0.1:${await refusedPort()}/ws` });
    const events = recordEvents(conn as never, ['reconnecting', 'max_reconnect_attempts']);
    await expect(conn.connect()).rejects.toBeInstanceOf(NetworkError);
    expect(events.filter(([e]) => e === 'reconnecting')).toHaveLength(3);
    expect(events.at(-1)).toEqual(['max_reconnect_attempts', { attempts: 4 }]);
    expect(conn.getStats().status).toBe('error');
    await sleep(150);
    expect(events).toHaveLength(4);
  });

  it('retryCount: 0 bounds connect() only: a link that opened and dropped is reconnected through a restart', async () => {
    const server = track.server(await startWsServer({ echo: true }));
    const conn = connection({ url: server.url, retryCount: 0 });
    await conn.connect();
    await server.stop();
    await waitFor(() => !conn.isConnected(), 2000, 'the drop');
    await sleep(120); // several failed reconnect attempts against the stopped server
    await server.restart();
    await waitFor(() => conn.isConnected(), 3000, 'the reconnect after the restart');
    expect(server.connections).toBe(2);
  });

  it('GuruConnection (seed 004) keeps trying a backend that is down at start (retryCount Infinity)', async () => {
    const server = track.server(await startWsServer({ echo: true }));
    await server.stop();
    const guru = track.conn(new GuruConnection({ url: server.url, reconnectDelay: 10, maxReconnectDelay: 40, healthUrl: false, pingInterval: 0 }));
    await sleep(300); // far more than 4 attempts at ≤ 40 ms
    expect(guru.getStats().status).toBe('waiting');
    await server.restart();
    await waitFor(() => guru.isConnected(), 3000, 'the connection once the backend is up');
  });
});
