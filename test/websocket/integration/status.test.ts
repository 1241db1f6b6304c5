/**
 * Status and health that do not lie (issue 9, item 14, the WebSocket part):
 * `closed` when fresh and after disconnect/dispose, `connecting` while a
 * connect() opens, an activity once up, `waiting` for reconnects after a drop;
 * health UNKNOWN until the first outcome and never HEALTHY for a closed
 * connection; `thinking` ends when the server answers.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectionHealth, GuruConnection, WebSocketConnection } from '../../../src/index.js';
import { nextEvent, startWsServer, tracker, waitFor } from '../../helpers/wsServer.js';

const track = tracker();
afterEach(() => track.cleanup());

describe('status and health', () => {
  it('closed → connecting → idle → waiting (drop and reconnect) → idle → closed, health unknown → healthy → degraded → healthy → unknown', async () => {
    const server = track.server(await startWsServer({ echo: true }));
    const conn = track.conn(new WebSocketConnection({ url: server.url, healthUrl: false, reconnectDelay: 10, maxReconnectDelay: 20 }));
    const statuses: string[] = [];
    const healths: string[] = [];
    conn.on('statusChange', (s: string) => statuses.push(s));
    conn.onHealthChange((h) => healths.push(h));
    expect(conn.getStats().status).toBe('closed');

    const opening = conn.connect();
    expect(conn.getStats().status).toBe('connecting');
    await opening;
    expect(conn.getStats()).toMatchObject({ status: 'idle', connected: true, reconnectAttempts: 0 });

    server.terminateAll();
    await nextEvent(conn, 'open');
    expect(conn.getStats().status).toBe('idle');

    await conn.disconnect();
    expect(conn.getStats().status).toBe('closed');
    conn.dispose();
    expect(conn.getStats().status).toBe('closed');
    // The reconnect attempt after the drop shows as waiting, never as connecting.
    expect(statuses).toEqual(['connecting', 'idle', 'waiting', 'idle', 'closed']);
    expect(healths).toEqual([ConnectionHealth.HEALTHY, ConnectionHealth.DEGRADED, ConnectionHealth.HEALTHY, ConnectionHealth.UNKNOWN]);
  });

  it('a connect() after disconnect shows connecting again; a fresh GuruConnection starts connecting', async () => {
    const server = track.server(await startWsServer());
    const conn = track.conn(new WebSocketConnection({ url: server.url, healthUrl: false }));
    await conn.connect();
    await conn.disconnect();
    const again = conn.connect();
    expect(conn.getStats().status).toBe('connecting');
    await again;
    expect(conn.getStats()).toMatchObject({ status: 'idle', reconnectAttempts: 0 });

    const guru = track.conn(new GuruConnection({ url: server.url, healthUrl: false }));
    expect(guru.getStats().status).toBe('connecting');
    await nextEvent(guru, 'open');
    expect(guru.getStats()).toMatchObject({ status: 'idle', reconnectAttempts: 0 });
  });

  it('GuruConnection errors name GuruConnection', async () => {
    const server = track.server(await startWsServer());
    const guru = track.conn(new GuruConnection({ url: server.url, healthUrl: false }));
    await nextEvent(guru, 'open');
    guru.dispose();
    await expect(guru.connect()).rejects.toThrow(/^GuruConnection was disposed$/);
  });

  it('health is never healthy before the first outcome or for a closed connection', async () => {
    const server = track.server(await startWsServer());
    const conn = track.conn(new WebSocketConnection({ url: server.url, healthUrl: false }));
    const healths: string[] = [];
    conn.onHealthChange((h) => healths.push(h));
    conn.emitEvent('probe'); // makes the event hub, which reports the health it starts with on change only
    await conn.connect();
    expect(healths).toEqual([ConnectionHealth.HEALTHY]);
    await conn.disconnect();
    expect(healths).toEqual([ConnectionHealth.HEALTHY, ConnectionHealth.UNKNOWN]);
  });

  it("a user message → thinking; the server's answer ({ type: 'response' }) ends it", async () => {
    const server = track.server(
      await startWsServer({
        onMessage: (socket) => {
          socket.send(JSON.stringify({ type: 'response', text: 'hi' }));
          return false;
        },
      }),
    );
    const conn = track.conn(new WebSocketConnection({ url: server.url, healthUrl: false }));
    const statuses: string[] = [];
    await conn.connect();
    conn.on('statusChange', (s: string) => statuses.push(s));
    conn.send({ type: 'message', content: 'Hello' });
    expect(conn.getStats().status).toBe('thinking');
    expect(await conn.receive(2000)).toEqual({ type: 'response', text: 'hi' });
    await waitFor(() => conn.getStats().status === 'idle', 2000, "status 'idle' after the response");
    expect(statuses).toEqual(['thinking', 'idle']);
  });
});
