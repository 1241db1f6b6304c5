/**
 * Throwing user callbacks are contained (issue 9, item 11): each throw is
 * reported (an `error` event and an `onEvent` event with severity `error`), the
 * connection goes on, nothing is lost silently, and nothing becomes an uncaught
 * exception or an unhandled rejection (vitest fails the file on either).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { GuruConnection, WebSocketConnection } from '../../../src/index.js';
import type { ConnectionEvent, WebSocketConnectionOptions } from '../../../src/index.js';
import { nextEvent, sleep, startWsServer, tracker, waitFor } from '../../helpers/wsServer.js';

const track = tracker();
afterEach(() => track.cleanup());

const boom = (what: string) => () => {
  throw new TypeError(`${what} broke`);
};

/** A connection whose reported errors and error-severity events are collected. */
function watched(options: WebSocketConnectionOptions, Class: typeof WebSocketConnection = WebSocketConnection) {
  const conn = track.conn(new Class({ healthUrl: false, reconnectDelay: 10, maxReconnectDelay: 20, ...options }));
  const errors: Array<Error & { callback?: string }> = [];
  const events: ConnectionEvent[] = [];
  conn.on('error', (e: Error) => errors.push(e));
  conn.onEvent((e) => e.severity === 'error' && events.push(e));
  const reported = (callback: string) => {
    expect(errors.map((e) => e.callback)).toContain(callback);
    const error = errors.find((e) => e.callback === callback)!;
    expect(error.message).toContain(callback);
    expect(error.message).toContain('broke');
    expect((error as { cause?: unknown }).cause).toBeInstanceOf(TypeError);
    expect(events.some((e) => e.eventType === 'callback_error' && e.message.includes(callback))).toBe(true);
  };
  return { conn, errors, events, reported };
}

const ids = { messageId: (m: unknown) => (m as { id?: number }).id, ackId: (m: unknown) => (m as { ack?: number }).ack };

describe('a throwing user callback', () => {
  it('delivery.ackId: the incoming message is delivered as a message, the connection goes on', async () => {
    const server = track.server(await startWsServer({ echo: true }));
    const { conn, reported } = watched({ url: server.url, delivery: { ...ids, ackId: boom('ackId') } });
    await conn.connect();
    conn.send({ id: 1 });
    expect(await conn.receive(2000)).toEqual({ id: 1 });
    reported('delivery.ackId');
    conn.send({ id: 2 });
    expect(await conn.receive(2000)).toEqual({ id: 2 });
    expect(conn.isConnected()).toBe(true);
  });

  it('delivery.messageId on the direct path and in a queued flush: sent anyway, no unhandled rejection', async () => {
    const server = track.server(await startWsServer());
    const { conn, reported } = watched({ url: server.url, delivery: { ...ids, messageId: boom('messageId') } });
    conn.send({ queued: 1 }); // flushed on open
    await conn.connect();
    conn.send({ direct: 2 });
    await server.waitForMessages(2);
    expect(server.jsons()).toEqual([{ queued: 1 }, { direct: 2 }]);
    reported('delivery.messageId');
    expect(conn.isConnected()).toBe(true);
  });

  it('isPong and activityFromMessage: the message is still delivered', async () => {
    const server = track.server(await startWsServer({ echo: true }));
    const { conn, reported } = watched({ url: server.url, isPong: boom('isPong'), activityFromMessage: boom('activityFromMessage') });
    const seen: unknown[] = [];
    conn.on('message', (m: unknown) => seen.push(m));
    await conn.connect();
    conn.send('hello');
    await waitFor(() => seen.length === 1, 2000, 'the echo');
    expect(seen).toEqual(['hello']);
    reported('isPong');
    reported('activityFromMessage');
    conn.send('again');
    await waitFor(() => seen.length === 2, 2000, 'the second echo');
  });

  it('isUserMessage: the message is sent anyway', async () => {
    const server = track.server(await startWsServer());
    const { conn, reported } = watched({ url: server.url, isUserMessage: boom('isUserMessage') });
    await conn.connect();
    expect(conn.send({ type: 'message' })).toBe(true);
    await server.waitForMessages(1);
    reported('isUserMessage');
  });

  it('a custom parse: the raw text is delivered', async () => {
    const server = track.server(await startWsServer({ echo: true }));
    const { conn, reported } = watched({ url: server.url, parse: boom('parse') });
    await conn.connect();
    conn.send('{"a":1}');
    expect(await conn.receive(2000)).toBe('{"a":1}');
    reported('parse');
  });

  it('shouldReconnect: the close is treated by the default rule (reconnect)', async () => {
    const server = track.server(await startWsServer());
    const { conn, reported } = watched({ url: server.url, shouldReconnect: boom('shouldReconnect') });
    await conn.connect();
    server.closeAll(4001, 'go away');
    await server.waitForConnections(2, 3000);
    await waitFor(() => conn.isConnected(), 3000, 'the reconnect');
    reported('shouldReconnect');
  });

  it('onOpen (sync throw and rejection): reported, the socket is dropped and the open retried', async () => {
    const server = track.server(await startWsServer());
    let calls = 0;
    const { conn, reported } = watched({
      url: server.url,
      onOpen: () => {
        calls++;
        if (calls === 1) throw new TypeError('onOpen broke');
        if (calls === 2) return Promise.reject(new TypeError('onOpen broke again'));
      },
    });
    await conn.connect().catch(() => {});
    await waitFor(() => conn.isConnected(), 3000, 'the third open');
    expect(calls).toBe(3);
    expect(server.connections).toBe(3);
    reported('onOpen');
  });

  it("an 'on' handler: the others still run, the throw is reported", async () => {
    const server = track.server(await startWsServer({ echo: true }));
    const { conn, reported } = watched({ url: server.url });
    const seen: unknown[] = [];
    conn.on('message', boom("'message' handler"));
    conn.on('message', (m: unknown) => seen.push(m));
    conn.on('open', boom("'open' handler"));
    await conn.connect();
    conn.send('x');
    await waitFor(() => seen.length === 1, 2000, 'the echo');
    reported("'message' handler");
    reported("'open' handler");
  });

  it('onEvent and onHealthChange handlers: reported as an error event, the connection goes on', async () => {
    const server = track.server(await startWsServer({ echo: true }));
    const conn = track.conn(new WebSocketConnection({ url: server.url, healthUrl: false }));
    const errors: Array<Error & { callback?: string }> = [];
    const events: string[] = [];
    conn.on('error', (e: Error) => errors.push(e));
    conn.onEvent((e) => {
      events.push(e.eventType);
      if (e.eventType === 'connected') throw new TypeError('onEvent handler broke');
    });
    conn.onHealthChange(boom('onHealthChange handler'));
    await conn.connect();
    expect(errors.map((e) => e.callback).sort()).toEqual(['onEvent handler', 'onHealthChange handler']);
    // The onHealthChange throw reached onEvent; the onEvent throw did not loop back into it.
    expect(events.filter((t) => t === 'callback_error')).toHaveLength(1);
    conn.send('x');
    expect(await conn.receive(2000)).toBe('x');
  });

  it('an error handler that throws is logged, not reported again (no loop)', async () => {
    const server = track.server(await startWsServer({ echo: true }));
    const conn = track.conn(new WebSocketConnection({ url: server.url, healthUrl: false, isPong: boom('isPong') }));
    let calls = 0;
    conn.on('error', () => {
      calls++;
      throw new Error('error handler broke');
    });
    await conn.connect();
    conn.send('x');
    expect(await conn.receive(2000)).toBe('x');
    await sleep(20);
    expect(calls).toBe(1);
  });

  it('a logger that throws while a throwing callback is reported: still contained', async () => {
    const server = track.server(await startWsServer({ echo: true }));
    const explode = () => {
      throw new Error('logger broke');
    };
    const logger = { debug: explode, info: explode, warn: explode, error: explode };
    const { conn, reported } = watched({ url: server.url, enableLogging: true, logger, isPong: boom('isPong') });
    await conn.connect();
    conn.send('x');
    expect(await conn.receive(2000)).toBe('x');
    reported('isPong');
  });

  it('GuruConnection is contained the same way', async () => {
    const server = track.server(await startWsServer({ echo: true }));
    const { conn, reported } = watched({ url: server.url, isPong: boom('isPong') }, GuruConnection as unknown as typeof WebSocketConnection);
    await nextEvent(conn, 'open');
    conn.send('hi');
    expect(await conn.receive(2000)).toBe('hi');
    reported('isPong');
  });
});
