/**
 * Reconnects of `SSEConnection` against a real SSE server on 127.0.0.1:
 * resuming with `Last-Event-ID`, the server's `retry:`, streams the server ends
 * or drops, and disconnect() / connect() by the application.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SSEConnection, StatewireError, TimeoutError, type SSEConnectionOptions, type SSEMessage } from '../../../src/index.js';
import { FaultSseServer } from '../../../src/testing/index.js';
import { recordConnectionEvents, startSseServer } from '../../helpers/sseServer.js';
import { sleep, tracker, waitFor } from '../../helpers/wsServer.js';

const track = tracker();
afterEach(() => track.cleanup());

function connection(options: SSEConnectionOptions): SSEConnection {
  return track.conn(new SSEConnection({ retryDelay: 20, maxRetryDelay: 100, ...options }));
}

async function receiveN(conn: SSEConnection, n: number, timeout = 3_000): Promise<SSEMessage[]> {
  const out: SSEMessage[] = [];
  for (let i = 0; i < n; i++) out.push(await conn.receive(timeout));
  return out;
}

const logOf = (n: number) => Array.from({ length: n }, (_, i) => ({ id: String(i + 1), data: { n: i + 1 } }));

describe('Last-Event-ID', () => {
  it('is sent on every reconnect; a server that replays from it gives the client every event exactly once, in order', async () => {
    const server = track.server(new FaultSseServer({ events: logOf(9), perConnection: 3, hold: true }));
    await server.start();
    const conn = connection({ url: server.url });
    const events = recordConnectionEvents(conn);
    await conn.connect();
    const got = await receiveN(conn, 9);
    expect(got.map((m) => m.id)).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(got.map((m) => m.data)).toEqual(logOf(9).map((e) => e.data));
    // Nothing more: no event was delivered twice.
    await expect(conn.receive(150)).rejects.toBeInstanceOf(TimeoutError);
    expect(server.requests.map((r) => r.lastEventId)).toEqual([undefined, '3', '6']);
    expect(conn.getStats()).toMatchObject({ connected: true, lastEventId: '9', eventsReceived: 9 });
    // Each end was seen, then a reconnect, then the stream open again.
    expect(events.types().filter((t) => t !== 'reconnecting')).toEqual(['connected', 'connection_lost', 'connected', 'connection_lost', 'connected']);
    expect(events.of('connection_lost').map((e) => e.data)).toEqual([{ reason: 'end' }, { reason: 'end' }]);
  });
});

describe("the server's retry:", () => {
  it('sets the reconnect delay (retryDelay 5000, retry: 200 → ~200 ms) and is reported on the next event', async () => {
    const server = track.server(
      await startSseServer((s) => {
        s.open();
        if (s.request.index === 0) {
          s.send({ id: '1', data: 'before' });
          s.after(30, () => {
            s.write('retry: 200\n\n');
            s.after(30, () => s.end());
          });
        } else {
          s.send({ id: '2', data: 'after' });
        }
      }),
    );
    const conn = connection({ url: server.url, retryDelay: 5_000, maxRetryDelay: 30_000 });
    const events = recordConnectionEvents(conn);
    await conn.connect();
    const first = await conn.receive(2_000);
    expect(first).toEqual({ id: '1', event: 'message', data: 'before', raw: 'before' });
    const second = await conn.receive(4_000);
    expect(second).toEqual({ id: '2', event: 'message', data: 'after', raw: 'after', retry: 200 });

    const reconnecting = events.of('reconnecting');
    expect(reconnecting).toHaveLength(1);
    const { delay, attempt } = reconnecting[0]!.data as { delay: number; attempt: number };
    expect(attempt).toBe(2);
    // retry: 200 with the ±20 % jitter, not retryDelay's 5000.
    expect(delay).toBeGreaterThanOrEqual(160);
    expect(delay).toBeLessThanOrEqual(240);
    expect(conn.actor.getSnapshot().context.serverRetry).toBe(200);
    // Well before retryDelay's 5000 (whose jitter would start at 4000).
    expect(server.requests[1]!.at - server.requests[0]!.closedAt!).toBeLessThan(3_000);
    expect(server.requests[1]!.lastEventId).toBe('1');
  });

  it('is capped at maxRetryDelay', async () => {
    const server = track.server(
      await startSseServer((s) => {
        s.open();
        if (s.request.index === 0) {
          s.write('retry: 60000\n\n');
          s.after(30, () => s.end());
        } else {
          s.send({ id: 'x', data: 'back' });
        }
      }),
    );
    const conn = connection({ url: server.url, retryDelay: 50, maxRetryDelay: 100 });
    const events = recordConnectionEvents(conn);
    await conn.connect();
    const msg = await conn.receive(3_000);
    // The event reports what the server sent; the wait used the cap.
    expect(msg).toMatchObject({ id: 'x', retry: 60_000 });
    expect(conn.actor.getSnapshot().context.serverRetry).toBe(100);
    const { delay } = events.of('reconnecting')[0]!.data as { delay: number };
    expect(delay).toBeGreaterThanOrEqual(80);
    expect(delay).toBeLessThanOrEqual(100);
    expect(server.requests).toHaveLength(2);
  });

  // A retry: line between two events of one chunk belongs to the event after it
  // (regression: the whole chunk used to be scanned before its events were dispatched).
  it('a retry: after an event in the same chunk is reported on the next event, not on the one before it', async () => {
    const server = track.server(
      await startSseServer((s) => {
        s.open();
        s.write('id: 1\ndata: a\n\nretry: 200\n\nid: 2\ndata: b\n\n');
      }),
    );
    const conn = connection({ url: server.url });
    await conn.connect();
    const [a, b] = await receiveN(conn, 2);
    expect(a!.retry).toBeUndefined();
    expect(b!.retry).toBe(200);
  });
});

describe('streams that end or drop', () => {
  it('a socket destroyed mid-stream: connection_lost (dropped), reconnect with Last-Event-ID, events continue', async () => {
    const server = track.server(
      await startSseServer((s) => {
        s.open();
        if (s.request.index === 0) {
          s.send({ id: '1', data: 'one' });
          s.send({ id: '2', data: 'two' });
          s.after(50, () => s.destroy());
        } else {
          s.send({ id: '3', data: 'three' });
          s.send({ id: '4', data: 'four' });
        }
      }),
    );
    const conn = connection({ url: server.url });
    const events = recordConnectionEvents(conn);
    await conn.connect();
    const got = await receiveN(conn, 4);
    expect(got.map((m) => m.raw)).toEqual(['one', 'two', 'three', 'four']);
    expect(server.requests.map((r) => r.lastEventId)).toEqual([undefined, '2']);
    expect(events.types()).toEqual(['connected', 'connection_lost', 'reconnecting', 'connected']);
    expect(events.of('connection_lost')[0]).toMatchObject({ severity: 'error', data: { reason: 'dropped' } });
    expect(events.of('reconnecting')[0]!.data).toMatchObject({ attempt: 2 });
    expect(conn.isConnected()).toBe(true);
    expect(conn.getStats().status).toBe('idle');
  });

  it('while the server is down the connection waits and reports; it comes back when the server does', async () => {
    let up = false;
    const server = track.server(
      await startSseServer((s) => {
        if (!up) return s.reject(503, 'down for maintenance');
        s.open();
        s.send({ id: String(s.request.index), data: 'up' });
      }),
    );
    up = true;
    const conn = connection({ url: server.url, maxRetryDelay: 40 });
    await conn.connect();
    await conn.receive(2_000);
    up = false;
    server.destroyAll();
    await waitFor(() => server.requests.length >= 4, 3_000, 'three refused reconnects');
    expect(conn.getStats()).toMatchObject({ connected: false, status: 'waiting' });
    up = true;
    await waitFor(() => conn.isConnected(), 3_000, 'the reconnect');
    const back = await conn.receive(2_000);
    expect(back.raw).toBe('up');
    expect(server.requests.slice(1).every((r) => r.lastEventId === '0')).toBe(true);
  });
});

describe('disconnect() and connect()', () => {
  it('disconnect() closes the stream and stops reconnecting; connect() resumes with Last-Event-ID', async () => {
    // Every stream stays open after its three events.
    const server = track.server(
      await startSseServer((s) => {
        const from = s.request.lastEventId === undefined ? 0 : Number(s.request.lastEventId);
        s.open();
        for (const e of logOf(6).slice(from, from + 3)) s.send(e);
      }),
    );
    const conn = connection({ url: server.url });
    await conn.connect();
    expect((await receiveN(conn, 3)).map((m) => m.id)).toEqual(['1', '2', '3']);

    await conn.disconnect();
    expect(conn.isConnected()).toBe(false);
    await server.waitForClosed(0);
    expect(server.requests[0]!.closedEarly).toBe(true); // the client closed it
    expect(conn.actor.getSnapshot().value).toBe('closed');
    // No reconnect: a few retry periods go by without a request.
    await sleep(200);
    expect(server.requests).toHaveLength(1);

    await conn.connect();
    expect(conn.isConnected()).toBe(true);
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]!.lastEventId).toBe('3');
    expect((await receiveN(conn, 3)).map((m) => m.id)).toEqual(['4', '5', '6']);
  });

  it('disconnect() while the first attempt is still waiting for the server rejects connect()', async () => {
    const server = track.server(await startSseServer(() => {})); // never answers
    const conn = connection({ url: server.url });
    const pending = conn.connect();
    await server.waitForRequests(1);
    await conn.disconnect();
    await expect(pending).rejects.toBeInstanceOf(StatewireError);
    await expect(pending).rejects.toThrow(/disconnected/);
    await server.waitForClosed(0);
    await sleep(150);
    expect(server.requests).toHaveLength(1);
  });
});
