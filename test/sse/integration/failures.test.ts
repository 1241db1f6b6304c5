/**
 * Answers that are not a stream, against a real server on 127.0.0.1: 5xx
 * (backoff, then recovery), 204 (stop for good), 401 / 403 and whatever
 * `shouldReconnect` refuses (terminal), attempt limits, a wrong content type,
 * a refused port and a server that never answers.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectionHealth, NetworkError, SSEConnection, type SSEConnectionOptions } from '../../../src/index.js';
import { recordConnectionEvents, startSseServer } from '../../helpers/sseServer.js';
import { refusedPort, sleep, tracker, waitFor } from '../../helpers/wsServer.js';

const track = tracker();
afterEach(() => track.cleanup());

function connection(options: SSEConnectionOptions): SSEConnection {
  return track.conn(new SSEConnection({ retryDelay: 20, maxRetryDelay: 100, ...options }));
}

/** A few retry periods (retryDelay 20, maxRetryDelay 100): long enough for any reconnect that would happen. */
const QUIET = 200;

describe('5xx: backoff, then recovery', () => {
  it('500 for the first three requests, then a stream: connect() rejects at once, the loop goes on and connects', async () => {
    const server = track.server(
      await startSseServer((s) => {
        if (s.request.index < 3) return s.reject(500, 'internal error');
        s.open();
        s.send({ id: '1', data: 'finally' });
      }),
    );
    const conn = connection({ url: server.url, maxRetryDelay: 1_000 });
    const events = recordConnectionEvents(conn);
    const health: string[] = [];
    conn.onHealthChange((h) => health.push(h));

    const error = await conn.connect().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(NetworkError);
    expect(error).toMatchObject({ code: 'HTTP_500', reachedServer: true });
    // Rejected on the first failure, not after the loop gave up or recovered.
    expect(server.requests.length).toBeLessThan(4);

    await waitFor(() => conn.isConnected(), 3_000, 'the stream after three 500s');
    expect((await conn.receive(2_000)).raw).toBe('finally');
    expect(server.requests.map((r) => r.status)).toEqual([500, 500, 500, 200]);

    const reconnecting = events.of('reconnecting').map((e) => e.data as { attempt: number; delay: number });
    expect(reconnecting.map((e) => e.attempt)).toEqual([2, 3, 4]);
    // Exponential from retryDelay 20 (factor 2), ±20 % jitter: 20, 40, 80.
    reconnecting.forEach(({ delay }, i) => {
      const d = 20 * 2 ** i;
      expect(delay).toBeGreaterThanOrEqual(d * 0.8);
      expect(delay).toBeLessThanOrEqual(d * 1.2);
    });
    expect(events.of('connection_error').map((e) => e.data)).toEqual([{ status: 500 }, { status: 500 }, { status: 500 }]);
    expect(events.types().at(-1)).toBe('connected');
    expect(health).toEqual([ConnectionHealth.DEGRADED, ConnectionHealth.HEALTHY]);
    // Connected: no more requests.
    await sleep(QUIET);
    expect(server.requests).toHaveLength(4);
  });

  it('retryCount: 2 against a server that always answers 500: exactly 3 requests, then connection_failed and status error', async () => {
    const server = track.server(await startSseServer((s) => s.reject(500)));
    const conn = connection({ url: server.url, retryCount: 2 });
    const events = recordConnectionEvents(conn);
    await expect(conn.connect()).rejects.toMatchObject({ code: 'HTTP_500' });
    await waitFor(() => events.count('connection_failed') === 1, 3_000, 'connection_failed');
    expect(events.of('connection_failed')[0]).toMatchObject({ severity: 'error', data: { attempts: 3 } });
    expect(conn.getStats().status).toBe('error');
    expect(conn.actor.getSnapshot().value).toBe('error');
    await sleep(QUIET);
    expect(server.requests).toHaveLength(3);
  });

  it('autoReconnect: false makes one attempt only', async () => {
    const server = track.server(await startSseServer((s) => s.reject(502)));
    const conn = connection({ url: server.url, autoReconnect: false });
    const events = recordConnectionEvents(conn);
    await expect(conn.connect()).rejects.toMatchObject({ code: 'HTTP_502' });
    await sleep(QUIET);
    expect(server.requests).toHaveLength(1);
    expect(events.count('reconnecting')).toBe(0);
    expect(conn.getStats().status).toBe('error');
  });
});

describe('204 No Content: stop', () => {
  it('the first answer is 204: stopped, stream_stopped, connect() rejects, no further request', async () => {
    const server = track.server(await startSseServer((s) => s.reject(204)));
    const conn = connection({ url: server.url });
    const events = recordConnectionEvents(conn);
    await expect(conn.connect()).rejects.toMatchObject({ name: 'NetworkError', code: 'HTTP_204' });
    expect(conn.actor.getSnapshot().value).toBe('stopped');
    expect(events.types()).toEqual(['stream_stopped']);
    expect(events.all[0]!.data).toEqual({ status: 204 });
    await sleep(QUIET);
    expect(server.requests).toHaveLength(1);
    expect(conn.isConnected()).toBe(false);
    expect(conn.getStats().status).not.toBe('waiting');

    // The application may connect again: exactly one more request, stopped again.
    await expect(conn.connect()).rejects.toMatchObject({ code: 'HTTP_204' });
    await sleep(QUIET);
    expect(server.requests).toHaveLength(2);
  });

  it('a 204 on reconnect (after a stream ended) stops the loop', async () => {
    const server = track.server(
      await startSseServer((s) => {
        if (s.request.index > 0) return s.reject(204);
        s.open();
        s.send({ id: '1', data: 'only' });
        s.after(20, () => s.end());
      }),
    );
    const conn = connection({ url: server.url });
    const events = recordConnectionEvents(conn);
    await conn.connect();
    expect((await conn.receive(2_000)).raw).toBe('only');
    await waitFor(() => events.count('stream_stopped') === 1, 3_000, 'stream_stopped');
    expect(events.types()).toEqual(['connected', 'connection_lost', 'reconnecting', 'stream_stopped']);
    expect(server.requests[1]!.lastEventId).toBe('1');
    await sleep(QUIET);
    expect(server.requests).toHaveLength(2);
    expect(conn.actor.getSnapshot().value).toBe('stopped');
  });
});

describe('terminal answers', () => {
  it.each([401, 403])('%i: status error, authentication_failed with the status, connect() rejects, no further request', async (status) => {
    const server = track.server(await startSseServer((s) => s.reject(status, 'no entry')));
    const conn = connection({ url: server.url });
    const events = recordConnectionEvents(conn);
    const health: string[] = [];
    conn.onHealthChange((h) => health.push(h));
    await expect(conn.connect()).rejects.toMatchObject({ name: 'NetworkError', code: `HTTP_${status}`, reachedServer: true });
    expect(conn.getStats().status).toBe('error');
    expect(conn.actor.getSnapshot().value).toBe('error');
    expect(conn.actor.getSnapshot().context.lastStatus).toBe(status);
    expect(events.types()).toEqual(['authentication_failed']);
    expect(events.all[0]).toMatchObject({ severity: 'error', data: { status } });
    expect(health.at(-1)).toBe(ConnectionHealth.UNHEALTHY);
    await sleep(QUIET);
    expect(server.requests).toHaveLength(1);
    expect((await conn.healthCheck()).isHealthy).toBe(false);
  });

  it('shouldReconnect: (s) => s !== 503 makes 503 terminal (connection_error, not authentication_failed) and keeps 500 retryable', async () => {
    const server503 = track.server(await startSseServer((s) => s.reject(503)));
    const a = connection({ url: server503.url, shouldReconnect: (s) => s !== 503 });
    const aEvents = recordConnectionEvents(a);
    await expect(a.connect()).rejects.toMatchObject({ code: 'HTTP_503' });
    expect(a.getStats().status).toBe('error');
    expect(aEvents.types()).toEqual(['connection_error']);
    expect(aEvents.all[0]!.data).toEqual({ status: 503 });

    const server500 = track.server(
      await startSseServer((s) => {
        if (s.request.index === 0) return s.reject(500);
        s.open();
      }),
    );
    const asked: number[] = [];
    const b = connection({ url: server500.url, shouldReconnect: (s) => (asked.push(s), s !== 503) });
    await expect(b.connect()).rejects.toMatchObject({ code: 'HTTP_500' });
    await waitFor(() => b.isConnected(), 3_000, 'the reconnect after a 500');
    expect(asked).toEqual([500]);

    await sleep(QUIET);
    expect(server503.requests).toHaveLength(1);
    expect(server500.requests).toHaveLength(2);
  });

  it('a shouldReconnect that accepts 401 makes it retryable (it decides every status it is given)', async () => {
    const server = track.server(
      await startSseServer((s) => {
        if (s.request.index === 0) return s.reject(401);
        s.open();
      }),
    );
    const conn = connection({ url: server.url, shouldReconnect: () => true });
    const events = recordConnectionEvents(conn);
    await expect(conn.connect()).rejects.toMatchObject({ code: 'HTTP_401' });
    await waitFor(() => conn.isConnected(), 3_000, 'the reconnect after a 401');
    expect(events.types()).toEqual(['authentication_failed', 'reconnecting', 'connected']);
    expect(server.requests).toHaveLength(2);
  });
});

describe('no stream at all', () => {
  it('200 with a content type other than text/event-stream is a failed attempt, and the loop recovers', async () => {
    const server = track.server(
      await startSseServer((s) => {
        if (s.request.index === 0) return s.reject(200, '{"not":"a stream"}', { 'content-type': 'application/json' });
        s.open();
        s.send({ data: 'stream' });
      }),
    );
    const conn = connection({ url: server.url });
    const events = recordConnectionEvents(conn);
    await expect(conn.connect()).rejects.toBeInstanceOf(NetworkError);
    expect(events.of('connection_error')[0]!.message).toMatch(/text\/event-stream/);
    await waitFor(() => conn.isConnected(), 3_000, 'the stream');
    expect((await conn.receive(2_000)).raw).toBe('stream');
  });

  it('a refused port: connect() rejects (never reached the server) and the loop keeps trying', async () => {
    const port = await refusedPort();
    const conn = connection({ url: `http://127.0.0.1:${port}/events` });
    const events = recordConnectionEvents(conn);
    await expect(conn.connect()).rejects.toMatchObject({ name: 'NetworkError', code: 'SSE_CONNECT_FAILED', reachedServer: false });
    await waitFor(() => events.count('reconnecting') >= 3, 3_000, 'three reconnect attempts');
    expect(conn.getStats()).toMatchObject({ connected: false, status: 'waiting' });
    expect(conn.getStats().reconnectAttempts).toBeGreaterThanOrEqual(3);
  });

  it('a server that never answers: connect() rejects after timeout, the request is abandoned and retried', async () => {
    const server = track.server(
      await startSseServer((s) => {
        if (s.request.index === 0) return; // never answers
        s.open();
        s.send({ data: 'late but here' });
      }),
    );
    const conn = connection({ url: server.url, timeout: 150 });
    // The server accepted the connection: a TimeoutError naming the phase, not a NetworkError.
    await expect(conn.connect()).rejects.toMatchObject({ name: 'TimeoutError', phase: 'handshake', timeout: 150 });
    expect(conn.actor.getSnapshot().context.lastError).toBe('connect timeout');
    await server.waitForClosed(0);
    expect(server.requests[0]!.closedEarly).toBe(true);
    await waitFor(() => conn.isConnected(), 3_000, 'the second attempt');
    expect((await conn.receive(2_000)).raw).toBe('late but here');
    expect(server.requests).toHaveLength(2);
  });
});
