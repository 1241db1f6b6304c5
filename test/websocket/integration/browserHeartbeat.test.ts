/**
 * The heartbeat on the browser transport (issue 9, item 10). A browser cannot
 * send ping frames: without an app-level `ping` no heartbeat runs (a healthy
 * socket is never closed with 4000); with one, the answers are recognised by
 * `isPong`. Node takes the browser path here: the global `WebSocket` is a
 * browser-like class over `ws` without `ping()`, and `asBrowser` hides
 * `process.versions.node` while the socket is opened.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocketConnection } from '../../../src/index.js';
import type { WebSocketConnectionOptions } from '../../../src/index.js';
import { asBrowser, BrowserLikeWebSocket, installBrowserSocket } from '../../helpers/browserSocket.js';
import { recordEvents, sleep, startWsServer, tracker, waitFor } from '../../helpers/wsServer.js';

const track = tracker();
let restore: () => void;
beforeEach(() => {
  restore = installBrowserSocket();
});
afterEach(async () => {
  await track.cleanup();
  restore();
});

function connection(options: WebSocketConnectionOptions): WebSocketConnection {
  return track.conn(new WebSocketConnection({ healthUrl: false, reconnectDelay: 10, maxReconnectDelay: 20, ...options }));
}

describe('browser transport heartbeat', () => {
  it('without an app-level ping, an open socket stays open across many ping intervals (no close 4000)', async () => {
    const server = track.server(await startWsServer({ echo: true }));
    const conn = connection({ url: asBrowser(server.url), pingInterval: 20, pongTimeout: 20 });
    const events = recordEvents(conn, ['close', 'reconnecting']);
    await conn.connect();
    expect(BrowserLikeWebSocket.made).toHaveLength(1); // the browser transport was used
    await sleep(400); // ten ping intervals and their pong timeouts
    expect(events).toEqual([]);
    expect(server.closes).toEqual([]);
    expect(server.connections).toBe(1);
    expect(conn.isConnected()).toBe(true);
    conn.send({ still: 'open' });
    expect(await conn.receive(2000)).toEqual({ still: 'open' });
    // healthCheck() cannot probe it either: it says so at once instead of timing out.
    expect(await conn.healthCheck()).toMatchObject({ isHealthy: true, responseTime: 0, details: { probe: 'unavailable' } });
  });

  it('with `ping` and `isPong`: the app-level ping is sent every interval and its answers keep the socket open', async () => {
    const server = track.server(
      await startWsServer({
        onMessage: (socket, m) => {
          if ((m.json as { type?: string } | undefined)?.type === 'ping') socket.send(JSON.stringify({ type: 'pong' }));
          return false;
        },
      }),
    );
    const conn = connection({
      url: asBrowser(server.url),
      pingInterval: 20,
      pongTimeout: 40,
      ping: { type: 'ping' },
      isPong: (m) => (m as { type?: string } | null)?.type === 'pong',
    });
    const events = recordEvents(conn, ['close', 'message']);
    await conn.connect();
    await waitFor(() => server.jsons().length >= 5, 3000, 'five app-level pings');
    expect(server.jsons().every((m) => (m as { type: string }).type === 'ping')).toBe(true);
    expect(events).toEqual([]); // pongs are not delivered as messages, and nothing closed
    expect(server.connections).toBe(1);
  });

  it('with `ping` and `isPong` and a server that never answers: the pong timeout drops and reconnects the socket', async () => {
    const server = track.server(await startWsServer({ onMessage: () => false }));
    const conn = connection({ url: asBrowser(server.url), pingInterval: 20, pongTimeout: 20, ping: 'ping', isPong: (m) => m === 'pong' });
    await conn.connect();
    await server.waitForConnections(2, 3000);
    expect(server.closes[0]).toMatchObject({ connection: 1, code: 4000 });
    expect(server.texts().slice(0, 1)).toEqual(['ping']);
  });
});
