/**
 * A parent that stops its child connection (a manager's dispose, an app's
 * `stop()`): no snapshot says so, yet the connection must say closed, end a
 * waiting `connect()`, and work again as a root of its own when used next.
 */
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectionManager, SSEConnection, WebSocketConnection } from '../../src/index.js';
import { startParentActor } from '../helpers/parentActor.js';
import { startWsServer, tracker, waitFor } from '../helpers/wsServer.js';
import { startSseServer } from '../helpers/sseServer.js';

const track = tracker();
afterEach(() => track.cleanup());

describe('a connection whose parent stopped its machine', () => {
  it('manager.dispose(): every WebSocket says closed (statusChange fired), none is connected, the server has no socket left', async () => {
    const server = track.server(await startWsServer());
    const manager = new ConnectionManager({ healthCheckInterval: 0 });
    const conns = [0, 1, 2].map((i) => {
      const conn = track.conn(new WebSocketConnection({ url: server.url, healthUrl: false }));
      manager.addConnection(conn, `c${i}`);
      return conn;
    });
    await manager.connectAll();
    const changes: string[] = [];
    conns[0]!.on('statusChange', (status) => changes.push(status));
    await manager.dispose();
    for (const conn of conns) {
      expect(conn.getStats().status).toBe('closed');
      expect(conn.toJSON().health).not.toBe('healthy');
      expect(conn.isConnected()).toBe(false);
    }
    expect(changes).toEqual(['closed']);
    await waitFor(() => server.clients.size === 0);
  });

  it("an app's stop(): a connect() waiting for its socket rejects, and the next connect() opens it as a root", async () => {
    // A server that takes the TCP connection and never answers the upgrade: connect() waits.
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => void sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    track.server({ close: () => new Promise<void>((resolve) => (sockets.forEach((s) => s.destroy()), silent.close(() => resolve()))) });
    const server = track.server(await startWsServer());
    const app = startParentActor();
    let url = `ws://127.0.0.1:${(silent.address() as AddressInfo).port}/ws`;
    const conn = track.conn(new WebSocketConnection({ url: () => url, healthUrl: false }));
    conn.attachTo(app, 'realtime');
    const waiting = conn.connect().then(
      () => 'opened',
      (e: Error) => e.message,
    );
    app.stop();
    expect(await waiting).toMatch(/stopped by its parent/);
    expect(conn.getStats().status).toBe('closed');
    url = server.url;
    await conn.connect();
    expect(conn.isConnected()).toBe(true);
    expect(conn.actor._parent).toBeUndefined();
  });

  it('an SSE stream under a stopped manager is not open, and its health is no longer healthy', async () => {
    const sse = track.server(await startSseServer((s) => s.open()));
    const manager = new ConnectionManager({ healthCheckInterval: 0 });
    const conn = track.conn(new SSEConnection({ url: sse.url }));
    manager.addConnection(conn, 'prices');
    await conn.connect();
    expect(conn.toJSON().health).toBe('healthy');
    await manager.dispose();
    expect(conn.toJSON().health).toBe('unknown');
    expect(conn.isConnected()).toBe(false);
  });

  it("an SSE stream whose app stopped: connect() opens it again, as a root of its own", async () => {
    const sse = track.server(await startSseServer((s) => s.open()));
    const app = startParentActor();
    const conn = track.conn(new SSEConnection({ url: sse.url }));
    conn.attachTo(app, 'prices');
    await conn.connect();
    app.stop();
    expect(conn.isConnected()).toBe(false);
    await conn.connect();
    expect(conn.isConnected()).toBe(true);
    expect(conn.actor._parent).toBeUndefined();
  });
});
