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
  it('500 for the first three requests, then a stream: connect() (retryCount 3 by default) makes the fourth attempt and resolves', async () => {
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

    // Seed 000's retryCount (3) bounds the attempts of one connect(): four, the last of which opens.
    await conn.connect();
    expect(conn.isConnected()).toBe(true);
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
    // 500 is retryable: connect() goes on to its second attempt, which opens.
    await b.connect();
    expect(b.isConnected()).toBe(true);
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
    await conn.connect();
    expect(conn.isConnected()).toBe(true);
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
    await conn.connect();
    expect(events.of('connection_error')[0]!.message).toMatch(/text\/event-stream/);
    expect(conn.isConnected()).toBe(true);
    expect((await conn.receive(2_000)).raw).toBe('stream');
  });

  it('a refused port: connect() makes retryCount + 1 attempts, rejects (never reached the server) and the connection ends in error', async () => {
    const port = await refusedPort();
    const conn = connection({ url: `http://127.0.0.1:${port}/events` });
    const events = recordConnectionEvents(conn);
    await expect(conn.connect()).rejects.toMatchObject({ name: 'NetworkError', code: 'SSE_CONNECT_FAILED', reachedServer: false });
    // Default retryCount 3: the first attempt and three more, then nothing.
    expect(events.count('reconnecting')).toBe(3);
    expect(events.of('connection_failed')[0]).toMatchObject({ severity: 'error', data: { attempts: 4 } });
    expect(conn.getStats()).toMatchObject({ connected: false, status: 'error' });
    await sleep(QUIET);
    expect(events.count('reconnecting')).toBe(3);
  });

  it('a server that never answers: the attempt times out, the request is abandoned and retried, and connect() resolves on the retry', async () => {
    const server = track.server(
      await startSseServer((s) => {
        if (s.request.index === 0) return; // never answers
        s.open();
        s.send({ data: 'late but here' });
      }),
    );
    const conn = connection({ url: server.url, timeout: 150 });
    await conn.connect();
    await server.waitForClosed(0);
    expect(server.requests[0]!.closedEarly).toBe(true);
    expect(conn.isConnected()).toBe(true);
    expect((await conn.receive(2_000)).raw).toBe('late but here');
    expect(server.requests).toHaveLength(2);
  });

  it('retryCount: 0 against a server that never answers: connect() rejects with a TimeoutError after one attempt', async () => {
    const server = track.server(await startSseServer(() => {}));
    const conn = connection({ url: server.url, timeout: 150, retryCount: 0 });
    await expect(conn.connect()).rejects.toMatchObject({ name: 'TimeoutError', timeout: 150 });
    expect(conn.actor.getSnapshot().context.lastError).toBe('connect timeout');
    expect(conn.getStats().status).toBe('error');
    await sleep(QUIET);
    expect(server.requests).toHaveLength(1);
  });
});
