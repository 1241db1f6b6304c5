/**
 * What partysocket / ws users reach for first, on `WebSocketConnection` and
 * `GuruConnection`: `once`, `close(code, reason)`, `reconnect()` and
 * `readyState`, against real `ws` servers on 127.0.0.1.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CallbackError, GuruConnection, NetworkError, StatewireError, WebSocketConnection } from '../../../src/index.js';
import type { WebSocketConnectionOptions } from '../../../src/index.js';
import { nextEvent, refusedPort, sleep, startWsServer, tracker, waitFor } from '../../helpers/wsServer.js';

const track = tracker();
afterEach(() => track.cleanup());

/** Small timings; no health polling. */
function connection(options: WebSocketConnectionOptions): WebSocketConnection {
  return track.conn(new WebSocketConnection({ reconnectDelay: 10, maxReconnectDelay: 50, healthUrl: false, ...options }));
}

describe('once', () => {
  it('runs its handler for the first message only, then removes it; on() handlers see both', async () => {
    const server = track.server(await startWsServer({ echo: true }));
    const conn = connection({ url: server.url });
    const first: unknown[] = [];
    const all: unknown[] = [];
    conn.once('message', (data) => first.push(data));
    conn.on('message', (data) => all.push(data));
    await conn.connect();
    conn.send({ n: 1 });
    conn.send({ n: 2 });
    await waitFor(() => all.length === 2, 2000, 'both echoes');
    conn.send({ n: 3 });
    await waitFor(() => all.length === 3, 2000, 'the third echo');
    expect(first).toEqual([{ n: 1 }]);
    expect(all).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
  });

  it('off(event, handler) with the original handler removes a pending once', async () => {
    const server = track.server(await startWsServer({ echo: true }));
    const conn = connection({ url: server.url });
    const calls: unknown[] = [];
    const handler = (data: unknown) => calls.push(data);
    conn.once('message', handler);
    conn.off('message', handler);
    await conn.connect();
    conn.send('ping-me');
    expect(await conn.receive(2000)).toBe('ping-me');
    expect(calls).toEqual([]);
  });

  it('once("open") fires for the first open only, not for a reconnect', async () => {
    const server = track.server(await startWsServer());
    const conn = connection({ url: server.url });
    let opens = 0;
    let onceOpens = 0;
    conn.on('open', () => opens++);
    conn.once('open', () => onceOpens++);
    await conn.connect();
    server.terminateAll();
    await waitFor(() => opens === 2, 3000, 'the reconnect');
    expect(onceOpens).toBe(1);
  });

  it('a once handler that throws is reported as an error event and still removed', async () => {
    const server = track.server(await startWsServer({ echo: true }));
    const conn = connection({ url: server.url });
    const errors: Error[] = [];
    conn.on('error', (e) => errors.push(e));
    let calls = 0;
    conn.once('message', () => {
      calls++;
      throw new Error('boom');
    });
    await conn.connect();
    conn.send('a');
    conn.send('b');
    expect(await conn.receive(2000)).toBe('a');
    expect(await conn.receive(2000)).toBe('b');
    expect(calls).toBe(1);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(CallbackError);
    expect((errors[0] as CallbackError).callback).toBe("'message' handler");
  });

  it('works on GuruConnection, chained like on()', async () => {
    const server = track.server(await startWsServer({ echo: true }));
    const guru = track.conn(new GuruConnection({ url: server.url, healthUrl: false }));
    const seen: string[] = [];
    guru.once('open', () => seen.push('open')).once('message', (m) => seen.push(`message ${m}`));
    await nextEvent(guru, 'open');
    guru.send('x');
    guru.send('y');
    expect(await guru.receive(2000)).toBe('x');
    expect(await guru.receive(2000)).toBe('y');
    expect(seen).toEqual(['open', 'message x']);
  });
});

describe('close(code?, reason?)', () => {
  it('equals disconnect(): closes with 1000, status closed, no reconnect, a pending connect() rejects the same way', async () => {
    const server = track.server(await startWsServer());
    const viaClose = connection({ url: server.url });
    const viaDisconnect = connection({ url: server.url });
    await viaClose.connect();
    await viaDisconnect.connect();
    const closing = viaClose.close();
    const disconnecting = viaDisconnect.disconnect();
    expect(closing).toBeInstanceOf(Promise);
    await expect(closing).resolves.toBeUndefined();
    await expect(disconnecting).resolves.toBeUndefined();
    await waitFor(() => server.closes.length === 2, 2000, 'both closes at the server');
    expect(server.closes.map((c) => c.code)).toEqual([1000, 1000]);
    for (const c of [viaClose, viaDisconnect]) {
      expect(c.getStats()).toMatchObject({ connected: false, status: 'closed' });
      expect(c.readyState).toBe(WebSocketConnection.CLOSED);
    }
    await sleep(100);
    expect(server.connections).toBe(2); // neither reconnected

    // A connect() still waiting is rejected by either, with the same error.
    const refused = `ws://127.0.0.1:${await refusedPort()}/ws`;
    const [a, b] = [0, 1].map(() => connection({ url: refused, reconnectDelay: 1000, maxReconnectDelay: 1000 }));
    const pendingA = a!.connect().catch((e: Error) => e);
    const pendingB = b!.connect().catch((e: Error) => e);
    void a!.close();
    void b!.disconnect();
    const [ea, eb] = await Promise.all([pendingA, pendingB]);
    expect(ea).toBeInstanceOf(StatewireError);
    expect((ea as Error).message).toMatch(/was disconnected/);
    expect((ea as Error).message).toBe((eb as Error).message);
  });

  it('close(code, reason) reaches the server; nothing reconnects', async () => {
    const server = track.server(await startWsServer());
    const conn = connection({ url: server.url });
    await conn.connect();
    await conn.close(4000, 'logged out');
    await waitFor(() => server.closes.length === 1, 2000, 'the close at the server');
    expect(server.closes[0]).toMatchObject({ code: 4000, reason: 'logged out' });
    await sleep(100);
    expect(server.connections).toBe(1);
    // The next close of a new session uses 1000 again.
    await conn.connect();
    await conn.close();
    await waitFor(() => server.closes.length === 2, 2000, 'the second close');
    expect(server.closes[1]!.code).toBe(1000);
  });

  it('an invalid code or reason rejects with a RangeError and leaves the connection open', async () => {
    const server = track.server(await startWsServer());
    const conn = connection({ url: server.url });
    await conn.connect();
    await expect(conn.close(1006)).rejects.toThrow(RangeError);
    await expect(conn.close(2999)).rejects.toThrow(/close\(2999, …\): the code must be 1000 or 3000-4999/);
    await expect(conn.close(4000, 'x'.repeat(124))).rejects.toThrow(/the reason a string of at most 123 bytes/);
    expect(conn.isConnected()).toBe(true);
    expect(conn.readyState).toBe(WebSocketConnection.OPEN);
  });

  it('keeps what was queued for a later connect()', async () => {
    const server = track.server(await startWsServer());
    const conn = connection({ url: server.url });
    await conn.connect();
    await conn.close();
    expect(conn.send({ queued: 1 })).toBe(true);
    expect(conn.getStats().queuedMessages).toBe(1);
    await conn.connect();
    await server.waitForMessages(1);
    expect(server.messages[0]).toMatchObject({ connection: 2, json: { queued: 1 } });
  });
});

describe('reconnect()', () => {
  it('re-opens at once; messages sent before go on the old socket, messages sent during it arrive on the new one, in order', async () => {
    const server = track.server(await startWsServer());
    const conn = connection({ url: server.url });
    const statuses: string[] = [];
    await conn.connect();
    conn.on('statusChange', (s) => statuses.push(s));
    conn.send({ n: 1 });
    conn.send({ n: 2 });
    const reopened = conn.reconnect();
    expect(conn.readyState).toBe(WebSocketConnection.CONNECTING);
    conn.send({ n: 3 });
    conn.send({ n: 4 });
    expect(conn.getStats().queuedMessages).toBe(2);
    await reopened;
    expect(conn.isConnected()).toBe(true);
    await server.waitForMessages(4);
    expect(server.messages.map((m) => [m.connection, m.json])).toEqual([
      [1, { n: 1 }],
      [1, { n: 2 }],
      [2, { n: 3 }],
      [2, { n: 4 }],
    ]);
    expect(server.connections).toBe(2);
    await waitFor(() => server.closes.length === 1, 2000, 'the old socket closed');
    expect(server.closes[0]).toMatchObject({ connection: 1, code: 1000 });
    expect(statuses).toEqual(['closed', 'connecting', 'idle']);
  });

  it('skips the backoff wait: while waiting 10 s to reconnect, reconnect() opens now', async () => {
    const server = track.server(await startWsServer());
    const conn = connection({ url: server.url, reconnectDelay: 10_000, maxReconnectDelay: 10_000 });
    await conn.connect();
    await server.stop();
    await waitFor(() => conn.getStats().status === 'waiting', 2000, 'waiting');
    await server.restart();
    const started = Date.now();
    await conn.reconnect();
    expect(Date.now() - started).toBeLessThan(2000);
    expect(server.connections).toBe(2);
  });

  it('re-sends unacknowledged messages on the new socket (delivery)', async () => {
    // The first connection takes messages and never acknowledges them.
    const server = track.server(await startWsServer({ ack: true, onMessage: (_s, m) => (m.connection === 1 ? false : undefined) }));
    const conn = connection({ url: server.url, delivery: { messageId: (m) => (m as { id?: unknown }).id, ackId: (m) => (m as { ack?: unknown }).ack } });
    await conn.connect();
    conn.send({ id: 'a' });
    await server.waitForMessages(1);
    expect(conn.getStats().unacknowledged).toBe(1);
    await conn.reconnect();
    await waitFor(() => conn.getStats().unacknowledged === 0, 2000, 'the acknowledgement on the new socket');
    expect(server.messages.map((m) => [m.connection, m.json])).toEqual([
      [1, { id: 'a' }],
      [2, { id: 'a' }],
    ]);
  });

  it('a connect() waiting when reconnect() is called resolves with the new open, not rejected', async () => {
    const server = track.server(await startWsServer());
    const conn = connection({ url: server.url });
    const connecting = conn.connect();
    const reconnecting = conn.reconnect();
    await expect(connecting).resolves.toBeUndefined();
    await expect(reconnecting).resolves.toBeUndefined();
    expect(conn.isConnected()).toBe(true);
  });

  it('on a fresh connection it connects', async () => {
    const server = track.server(await startWsServer());
    const conn = connection({ url: server.url });
    await conn.reconnect();
    expect(conn.readyState).toBe(WebSocketConnection.OPEN);
    expect(server.connections).toBe(1);
  });

  it('rejects when the new attempts fail for good', async () => {
    const conn = connection({ url: `ws://127.0.0.1:${await refusedPort()}/ws`, retryCount: 1 });
    await expect(conn.reconnect()).rejects.toBeInstanceOf(NetworkError);
    expect(conn.getStats().status).toBe('error');
    expect(conn.readyState).toBe(WebSocketConnection.CLOSED);
  });

  it('rejects at once with a clear error on a disposed connection', async () => {
    const server = track.server(await startWsServer());
    const conn = connection({ url: server.url });
    await conn.connect();
    conn.dispose();
    const error = await conn.reconnect().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StatewireError);
    expect((error as Error).message).toMatch(/WebSocketConnection was disposed/);
    await sleep(50);
    expect(server.connections).toBe(1);
  });

  it('reconnect(code, reason) closes the old socket with them', async () => {
    const server = track.server(await startWsServer());
    const guru = track.conn(new GuruConnection({ url: server.url, healthUrl: false }));
    await nextEvent(guru, 'open');
    await guru.reconnect(4001, 'token refreshed');
    await waitFor(() => server.closes.length === 1, 2000, 'the old socket closed');
    expect(server.closes[0]).toMatchObject({ connection: 1, code: 4001, reason: 'token refreshed' });
    expect(guru.isConnected()).toBe(true);
    await expect(guru.reconnect(1001)).rejects.toThrow(RangeError);
    expect(server.connections).toBe(2);
  });
});

describe('readyState', () => {
  it('has the WebSocket constants, on both classes', () => {
    expect([WebSocketConnection.CONNECTING, WebSocketConnection.OPEN, WebSocketConnection.CLOSING, WebSocketConnection.CLOSED]).toEqual([0, 1, 2, 3]);
    expect([GuruConnection.CONNECTING, GuruConnection.OPEN, GuruConnection.CLOSING, GuruConnection.CLOSED]).toEqual([0, 1, 2, 3]);
  });

  it('follows connect → open → drop → waiting → disconnect → dispose', async () => {
    const server = track.server(await startWsServer());
    const conn = connection({ url: server.url, reconnectDelay: 10_000, maxReconnectDelay: 10_000 });
    expect(conn.readyState).toBe(WebSocketConnection.CLOSED); // fresh
    const connecting = conn.connect();
    expect(conn.readyState).toBe(WebSocketConnection.CONNECTING);
    await connecting;
    expect(conn.readyState).toBe(WebSocketConnection.OPEN);
    server.terminateAll();
    await waitFor(() => conn.getStats().status === 'waiting', 2000, 'the drop');
    expect(conn.readyState).toBe(WebSocketConnection.CONNECTING); // waiting to reconnect, as partysocket
    await conn.disconnect();
    expect(conn.readyState).toBe(WebSocketConnection.CLOSED);
    await conn.connect();
    expect(conn.readyState).toBe(WebSocketConnection.OPEN);
    conn.dispose();
    expect(conn.readyState).toBe(WebSocketConnection.CLOSED);
  });

  it('is OPEN on GuruConnection once it connected by itself', async () => {
    const server = track.server(await startWsServer());
    const guru = track.conn(new GuruConnection({ url: server.url, healthUrl: false }));
    expect(guru.readyState).toBe(GuruConnection.CONNECTING);
    await nextEvent(guru, 'open');
    expect(guru.readyState).toBe(GuruConnection.OPEN);
  });
});
