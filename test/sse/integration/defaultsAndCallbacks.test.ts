/**
 * Issue 9, items 13 and 11 (SSE): one table of defaults for both ways of making
 * an SSEConnection; `retryCount` bounds one connect(), `maxReconnectAttempts`
 * the reconnects after a drop; every user callback that throws is reported
 * (`onEvent` severity error) and the connection goes on. Real servers on 127.0.0.1.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectionConfigManager, connectionDefaults, SSEConnection, type SSEConnectionOptions } from '../../../src/index.js';
import { recordConnectionEvents, startSseServer } from '../../helpers/sseServer.js';
import { sleep, tracker, waitFor } from '../../helpers/wsServer.js';

const track = tracker();
afterEach(() => track.cleanup());

function connection(options: SSEConnectionOptions): SSEConnection {
  return track.conn(new SSEConnection({ retryDelay: 20, maxRetryDelay: 100, ...options }));
}

describe('defaults: one table for the manager and the constructor', () => {
  it('new SSEConnection({ url }) and new SSEConnection({ ...configManager.get("sse"), url }) run the same timeout and attempt limits', () => {
    const url = 'http://127.0.0.1:1/events';
    const bare = track.conn(new SSEConnection({ url }));
    const fromManager = track.conn(new SSEConnection({ ...new ConnectionConfigManager({ env: {} }).get('sse'), url }));
    for (const conn of [bare, fromManager]) {
      const { connectTimeout, reconnect } = conn.actor.getSnapshot().context;
      expect(connectTimeout).toBe(5000);
      // retryCount 3: one connect() makes 4 attempts; drops are reconnected without limit.
      expect(reconnect.maxConnectAttempts).toBe(4);
      expect(reconnect.maxAttempts).toBeNull();
    }
    expect(connectionDefaults.sse).toMatchObject({ timeout: 5000, retryCount: 3, maxReconnectAttempts: Infinity });
    expect(new ConnectionConfigManager({ env: {} }).get('sse')).toMatchObject({ timeout: connectionDefaults.sse.timeout, retryCount: connectionDefaults.sse.retryCount });
  });

  it('retryCount bounds connect() only: with retryCount 0, a stream that opened and dropped is reconnected through three 500s', async () => {
    const server = track.server(
      await startSseServer((s) => {
        const i = s.request.index;
        if (i >= 1 && i <= 3) return s.reject(500);
        s.open();
        s.send({ id: String(i), data: `stream ${i}` });
        if (i === 0) s.after(20, () => s.destroy());
      }),
    );
    const conn = connection({ url: server.url, retryCount: 0 });
    const events = recordConnectionEvents(conn);
    await conn.connect();
    expect((await conn.receive(2_000)).raw).toBe('stream 0');
    await waitFor(() => events.count('connected') === 2, 3_000, 'the reconnect after three 500s');
    expect((await conn.receive(2_000)).raw).toBe('stream 4');
    expect(server.requests.map((r) => r.status)).toEqual([200, 500, 500, 500, 200]);
    expect(events.count('connection_failed')).toBe(0);
  });

  it('retryCount: Infinity lets connect() keep trying (bounded by maxReconnectAttempts)', async () => {
    const server = track.server(await startSseServer((s) => s.reject(500)));
    const conn = connection({ url: server.url, retryCount: Infinity, maxReconnectAttempts: 6 });
    const events = recordConnectionEvents(conn);
    await expect(conn.connect()).rejects.toMatchObject({ code: 'HTTP_500' });
    expect(server.requests).toHaveLength(6);
    expect(events.of('connection_failed')[0]).toMatchObject({ data: { attempts: 6 } });
  });
});

describe('user callbacks that throw are reported, and the connection goes on', () => {
  it('shouldReconnect that throws: callback_error (severity error), the status is final, connect() rejects, nothing crashes', async () => {
    const server = track.server(await startSseServer((s) => s.reject(503)));
    const conn = connection({
      url: server.url,
      shouldReconnect: () => {
        throw new Error('policy lookup failed');
      },
    });
    const events = recordConnectionEvents(conn);
    await expect(conn.connect()).rejects.toMatchObject({ code: 'HTTP_503' });
    expect(events.of('callback_error')).toHaveLength(1);
    expect(events.of('callback_error')[0]).toMatchObject({ severity: 'error', data: { callback: 'shouldReconnect' } });
    expect(events.of('callback_error')[0]!.message).toMatch(/policy lookup failed/);
    expect(conn.getStats().status).toBe('error');
    await sleep(150);
    expect(server.requests).toHaveLength(1);
    // The application may connect again.
    await expect(conn.connect()).rejects.toMatchObject({ code: 'HTTP_503' });
    expect(server.requests).toHaveLength(2);
  });

  it('a parse function that throws: callback_error, the event is delivered with its raw data, later events parse', async () => {
    const server = track.server(
      await startSseServer((s) => {
        s.open();
        s.send({ id: '1', data: 'bad' });
        s.send({ id: '2', data: 'good' });
      }),
    );
    const conn = connection({
      url: server.url,
      parse: (text) => {
        if (text === 'bad') throw new SyntaxError('cannot parse bad');
        return { parsed: text };
      },
    });
    const events = recordConnectionEvents(conn);
    await conn.connect();
    expect(await conn.receive(2_000)).toMatchObject({ id: '1', data: 'bad', raw: 'bad' });
    expect(await conn.receive(2_000)).toMatchObject({ id: '2', data: { parsed: 'good' } });
    expect(events.of('callback_error')).toEqual([expect.objectContaining({ severity: 'error', data: { callback: 'parse' } })]);
    expect(conn.isConnected()).toBe(true);
    expect(server.requests).toHaveLength(1);
  });

  it('an on() handler that throws: callback_error; the other handlers and receive() still get the event', async () => {
    const server = track.server(
      await startSseServer((s) => {
        s.open();
        s.send({ event: 'price', data: { price: 42 } });
      }),
    );
    const conn = connection({ url: server.url });
    const events = recordConnectionEvents(conn);
    const seen: unknown[] = [];
    conn.on('price', () => {
      throw new Error('handler bug');
    });
    conn.on('price', (m) => seen.push(m.data));
    await conn.connect();
    expect(await conn.receive(2_000)).toMatchObject({ event: 'price', data: { price: 42 } });
    expect(seen).toEqual([{ price: 42 }]);
    expect(events.of('callback_error')).toHaveLength(1);
    expect(events.of('callback_error')[0]!.message).toMatch(/on\('price'\) handler threw: handler bug/);
    expect(conn.isConnected()).toBe(true);
  });

  it('an async headers function that rejects every time: each attempt fails and is reported; connect() rejects after retryCount + 1', async () => {
    const server = track.server(await startSseServer((s) => s.open()));
    const conn = connection({
      url: server.url,
      retryCount: 2,
      headers: async () => {
        throw new Error('vault sealed');
      },
    });
    const events = recordConnectionEvents(conn);
    await expect(conn.connect()).rejects.toMatchObject({ code: 'SSE_CONNECT_FAILED' });
    expect(events.count('callback_error')).toBe(3);
    expect(server.requests).toHaveLength(0);
    expect(conn.getStats().status).toBe('error');
  });

  it('a logger that throws (here from the idle timer) neither crashes the process nor stops the reconnect', async () => {
    const server = track.server(
      await startSseServer((s) => {
        s.open();
        if (s.request.index > 0) s.send({ data: 'after the stall' });
      }),
    );
    const boom = () => {
      throw new Error('log sink down');
    };
    const conn = connection({ url: server.url, idleTimeout: 100, enableLogging: true, logger: { debug: boom, info: boom, warn: boom, error: boom } });
    const events = recordConnectionEvents(conn);
    await conn.connect();
    expect((await conn.receive(3_000)).raw).toBe('after the stall');
    expect(events.count('stream_stalled')).toBe(1);
    expect(server.requests).toHaveLength(2);
  });

  it('a fetch option that throws synchronously once: callback_error, a failed attempt, connect() opens on the next', async () => {
    const server = track.server(await startSseServer((s) => s.open()));
    let calls = 0;
    const conn = connection({
      url: server.url,
      fetch: ((...args: Parameters<typeof fetch>) => {
        if (++calls === 1) throw new TypeError('fetch shim not ready');
        return fetch(...args);
      }) as typeof fetch,
    });
    const events = recordConnectionEvents(conn);
    await conn.connect();
    expect(events.of('callback_error')).toEqual([expect.objectContaining({ severity: 'error', data: { callback: 'fetch' } })]);
    expect(events.of('callback_error')[0]!.message).toMatch(/fetch shim not ready/);
    expect(server.requests).toHaveLength(1);
  });
});
