/**
 * Reconnects, heartbeat, give-up rules, URL providers and health polling of
 * `WebSocketConnection`, against real `ws` servers on 127.0.0.1.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { GuruConnection, NetworkError, TimeoutError, WebSocketConnection } from '../../../src/index.js';
import type { WebSocketConnectionOptions } from '../../../src/index.js';
import { json, startServer } from '../../helpers/testServer.js';
import { nextEvent, recordEvents, refusedPort, sleep, startSilentServer, startWsServer, tracker, waitFor } from '../../helpers/wsServer.js';

const track = tracker();
afterEach(() => track.cleanup());

/** Small timings; no health polling unless a test asks for it. */
function connection(options: WebSocketConnectionOptions): WebSocketConnection {
  return track.conn(new WebSocketConnection({ reconnectDelay: 10, maxReconnectDelay: 50, healthUrl: false, ...options }));
}

const waitingInMachine = (c: WebSocketConnection) => c.actor.getSnapshot().matches({ session: 'waiting' });

describe('kill and restart the server', () => {
  it('reconnects on the same port: reconnecting events with attempt and delay, statusChange waiting → idle', async () => {
    const server = track.server(await startWsServer({ echo: true }));
    // minUptime 0: the attempt count resets as soon as a connection is up, so the first reconnect is attempt 1.
    const conn = connection({ url: server.url, minUptime: 0 });
    const statuses: string[] = [];
    const reconnecting: Array<{ attempt: number; delay: number }> = [];
    const closes: Array<{ code: number }> = [];
    conn.on('statusChange', (s: string) => statuses.push(s));
    conn.on('reconnecting', (e: { attempt: number; delay: number }) => reconnecting.push(e));
    conn.on('close', (e: { code: number }) => closes.push(e));
    await conn.connect();
    expect(statuses).toEqual(['connecting', 'idle']);
    statuses.length = 0;

    await server.stop();
    await waitFor(() => reconnecting.length >= 3, 3000, 'three reconnect attempts while the server is down');
    expect(conn.isConnected()).toBe(false);
    expect(conn.getStats()).toMatchObject({ connected: false, status: 'waiting' });
    await server.restart();
    await waitFor(() => conn.isConnected(), 3000, 'the reconnect');

    expect(closes[0]!.code).toBe(1006);
    expect(statuses[0]).toBe('waiting');
    expect(statuses.at(-1)).toBe('idle');
    expect(statuses.filter((s) => s !== 'waiting' && s !== 'idle')).toEqual([]);
    expect(reconnecting.map((e) => e.attempt).slice(0, 3)).toEqual([1, 2, 3]);
    for (const e of reconnecting) {
      expect(e.delay).toBeGreaterThan(0);
      expect(e.delay).toBeLessThanOrEqual(50);
    }
    expect(server.connections).toBe(2);
    // The link works again.
    conn.send({ after: 'restart' });
    expect(await conn.receive(2000)).toEqual({ after: 'restart' });
  });

  it('an abrupt terminate of the client socket by the server (1006) reconnects', async () => {
    const server = track.server(await startWsServer());
    const conn = connection({ url: server.url });
    await conn.connect();
    const closed = nextEvent<{ code: number; wasClean: boolean }>(conn, 'close');
    server.terminateAll();
    expect(await closed).toMatchObject({ code: 1006, wasClean: false });
    await server.waitForConnections(2);
    await waitFor(() => conn.isConnected(), 2000, 'the reconnect');
    expect(conn.getStats().status).toBe('idle');
  });

  it('statechart: the reconnect child runs only while waiting, and the machine passes through session.waiting', async () => {
    const server = track.server(await startWsServer());
    const conn = connection({ url: server.url });
    let sawWaiting = false;
    conn.actor.subscribe({ next: (s) => void (sawWaiting ||= s.matches({ session: 'waiting' })), error: () => {} });
    await conn.connect();
    const snapshot = conn.actor.getSnapshot();
    expect(snapshot.matches({ session: { link: 'connected' } })).toBe(true);
    // An open connection carries no loop (memory per connection); the socket actor runs it.
    expect(snapshot.children.reconnect).toBeUndefined();
    expect(snapshot.children.socket).toBeDefined();

    let loopValue: unknown;
    const sub = conn.actor.subscribe({
      next: (s) => void (s.matches({ session: 'waiting' }) && (loopValue = (s.children.reconnect?.getSnapshot() as { value?: unknown } | undefined)?.value)),
      error: () => {},
    });
    await server.stop();
    await waitFor(() => sawWaiting, 2000, 'session.waiting');
    expect(loopValue).toBe('waiting');
    sub.unsubscribe();
    await server.restart();
    await waitFor(() => conn.isConnected(), 3000, 'the reconnect');
    expect(conn.actor.getSnapshot().matches({ session: { link: 'connected' } })).toBe(true);

    conn.dispose();
    expect(conn.actor.getSnapshot().children.reconnect).toBeUndefined();
  });
});

describe('heartbeat', () => {
  it('a server that never answers pings (autoPong: false) is detected as dead and the client reconnects', async () => {
    const server = track.server(await startWsServer({ autoPong: false }));
    const conn = connection({ url: server.url, pingInterval: 50, pongTimeout: 50 });
    const closes = recordEvents(conn, ['close']);
    await conn.connect();
    await server.waitForConnections(2, 3000);
    expect(closes[0]).toEqual(['close', expect.objectContaining({ code: 1006 })]);
  });

  it('a server that answers pings keeps the same connection across many ping intervals', async () => {
    const server = track.server(await startWsServer());
    const conn = connection({ url: server.url, pingInterval: 50, pongTimeout: 50 });
    const closes = recordEvents(conn, ['close']);
    await conn.connect();
    await sleep(500);
    expect(closes).toEqual([]);
    expect(server.connections).toBe(1);
    expect(conn.isConnected()).toBe(true);
  });
});

describe('healthCheck() (seed 000 "Health Checks") over a real socket', () => {
  it('is healthy with a round-trip time when the server pongs, unhealthy after the timeout when it does not', async () => {
    const good = track.server(await startWsServer());
    const mute = track.server(await startWsServer({ autoPong: false }));
    const a = connection({ url: good.url, pingInterval: 0 });
    const b = connection({ url: mute.url, pingInterval: 0 });
    await Promise.all([a.connect(), b.connect()]);
    const ok = await a.healthCheck(1000);
    expect(ok.isHealthy).toBe(true);
    expect(ok.responseTime).toBeGreaterThanOrEqual(0);
    expect(ok.responseTime).toBeLessThan(1000);
    const dead = await b.healthCheck(80);
    expect(dead).toMatchObject({ isHealthy: false, responseTime: 80 });
    expect(dead.errorMessage).toBeTruthy();
  });
});

describe('giving up', () => {
  it('a server that accepts and closes at once causes exactly maxReconnectAttempts (3) connections, not a tight loop', async () => {
    const server = track.server(await startWsServer({ onConnection: (s) => s.close(4000, 'bye') }));
    const conn = connection({ url: server.url, maxReconnectAttempts: 3 });
    const reconnecting: Array<{ attempt: number; delay: number }> = [];
    conn.on('reconnecting', (e: { attempt: number; delay: number }) => reconnecting.push(e));
    void conn.connect().catch(() => {});
    await server.waitForConnections(3, 3000);
    await sleep(300);
    expect(server.connections).toBe(3);
    // The attempt count is not reset by a connection that did not last minUptime (default 5 s).
    expect(reconnecting.map((e) => e.attempt)).toEqual([2, 3]);
    expect(conn.getStats().reconnectAttempts).toBe(3);
    expect(conn.isConnected()).toBe(false);
  });

  it("maxReconnectAttempts ends in error: status 'error' and max_reconnect_attempts after 3 connections", async () => {
    const server = track.server(await startWsServer({ onConnection: (s) => s.close(4000, 'bye') }));
    const conn = connection({ url: server.url, maxReconnectAttempts: 3 });
    const events = recordEvents(conn, ['max_reconnect_attempts']);
    void conn.connect().catch(() => {});
    await waitFor(() => conn.getStats().status === 'error', 1000, "status 'error'");
    expect(events).toEqual([['max_reconnect_attempts', { attempts: 3 }]]);
    expect(server.connections).toBe(3);
  });

  it('a refused port: connect() rejects with a NetworkError naming the URL and the refusal', async () => {
    const port = await refusedPort();
    const conn = connection({ url: `ws://127.0.0.1:${port}/ws`, maxReconnectAttempts: 2 });
    const error = await conn.connect().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(NetworkError);
    expect(error).toMatchObject({ code: 'WS_CONNECT_FAILED', reachedServer: false });
    expect((error as Error).message).toContain(`127.0.0.1:${port}`);
    expect(String((error as Error & { cause?: unknown }).cause)).toMatch(/ECONNREFUSED/);
    expect(conn.isConnected()).toBe(false);
  });

  it("a refused port with maxReconnectAttempts 2 ends in status 'error' with max_reconnect_attempts", async () => {
    const port = await refusedPort();
    const conn = connection({ url: `ws://127.0.0.1:${port}/ws`, maxReconnectAttempts: 2 });
    const events = recordEvents(conn, ['max_reconnect_attempts']);
    await conn.connect().catch(() => {});
    await waitFor(() => conn.getStats().status === 'error', 1000, "status 'error'");
    expect(events).toEqual([['max_reconnect_attempts', { attempts: 2 }]]);
    expect(conn.getStats().reconnectAttempts).toBe(2);
  });

  it('a handshake that never completes stops after `timeout`: the attempts continue (3 TCP connections)', async () => {
    const silent = track.server(await startSilentServer());
    const conn = connection({ url: silent.url, timeout: 100, maxReconnectAttempts: 3 });
    void conn.connect().catch(() => {});
    await waitFor(() => silent.accepted() >= 3, 3000, 'three attempts');
    await sleep(300);
    expect(silent.accepted()).toBe(3);
    expect(conn.isConnected()).toBe(false);
  });

  it('retryCount: 0: connect() rejects when the first handshake does not complete within `timeout`', async () => {
    const silent = track.server(await startSilentServer());
    const conn = connection({ url: silent.url, timeout: 100, retryCount: 0, reconnectDelay: 5_000, maxReconnectDelay: 5_000 });
    const outcome = await Promise.race([
      conn.connect().then(
        () => 'resolved',
        (e: unknown) => e,
      ),
      sleep(1000).then(() => 'still pending after 1 s'),
    ]);
    // TCP connected: a TimeoutError naming the phase, not "never reached the server".
    expect(outcome).toBeInstanceOf(TimeoutError);
    expect(outcome).toMatchObject({ phase: 'handshake', timeout: 100 });
  });

  it('close 1000 from the server: no reconnect, status not waiting', async () => {
    const server = track.server(await startWsServer());
    const conn = connection({ url: server.url });
    await conn.connect();
    const closed = nextEvent<{ code: number; wasClean: boolean }>(conn, 'close');
    server.closeAll(1000, 'done');
    expect(await closed).toMatchObject({ code: 1000, reason: 'done', wasClean: true });
    await sleep(300);
    expect(server.connections).toBe(1);
    expect(conn.isConnected()).toBe(false);
    expect(conn.getStats().status).not.toBe('waiting');
    expect(conn.actor.getSnapshot().matches('closed')).toBe(true);
    // Sends while closed are kept for a later connect().
    expect(conn.send({ later: true })).toBe(true);
    await conn.connect();
    await server.waitForMessages(1);
    expect(server.jsons()).toEqual([{ later: true }]);
    expect(server.connections).toBe(2);
  });

  it('disconnect() closes with 1000 (the server sees it), never reconnects; connect() opens a new session', async () => {
    const server = track.server(await startWsServer());
    const conn = connection({ url: server.url });
    await conn.connect();
    await conn.disconnect();
    await waitFor(() => server.closes.length === 1, 2000, 'the server to see the close');
    expect(server.closes[0]!.code).toBe(1000);
    await sleep(200);
    expect(server.connections).toBe(1);
    expect(conn.isConnected()).toBe(false);
    await conn.connect();
    expect(server.connections).toBe(2);
  });

  it('shouldReconnect returning false for 4401 ends in error without reconnecting', async () => {
    const server = track.server(await startWsServer({ onConnection: (s) => s.close(4401, 'unauthorized') }));
    const seen: Array<{ code: number; reason: string }> = [];
    const conn = connection({
      url: server.url,
      shouldReconnect: (close) => {
        seen.push(close);
        return close.code !== 4401;
      },
    });
    const errors = recordEvents(conn, ['error']);
    await conn.connect().catch(() => {});
    await waitFor(() => conn.getStats().status === 'error', 2000, "status 'error'");
    await sleep(200);
    expect(server.connections).toBe(1);
    expect(seen).toEqual([{ code: 4401, reason: 'unauthorized' }]);
    expect(errors).toHaveLength(1);
    expect(errors[0]![1]).toBeInstanceOf(NetworkError);
    expect(String((errors[0]![1] as Error & { cause?: unknown }).cause)).toContain('4401');
    expect(conn.actor.getSnapshot().matches('error')).toBe(true);
  });

  it("the 'error' for a close the server sent says the server was reached", async () => {
    const server = track.server(await startWsServer({ onConnection: (s) => s.close(4401, 'unauthorized') }));
    const conn = connection({ url: server.url, shouldReconnect: (close) => close.code !== 4401 });
    const error = nextEvent<NetworkError>(conn, 'error', 2000);
    void conn.connect().catch(() => {});
    const e = await error;
    expect(e.reachedServer).toBe(true);
    expect(e.message).not.toContain('never reached the server');
  });

  it('shouldReconnect returning true for other codes keeps reconnecting', async () => {
    let n = 0;
    const server = track.server(await startWsServer({ onConnection: (s) => void (++n === 1 && s.close(4500, 'retry me')) }));
    const conn = connection({ url: server.url, shouldReconnect: (close) => close.code !== 4401 });
    await conn.connect();
    await server.waitForConnections(2);
    await waitFor(() => conn.isConnected(), 2000, 'the reconnect');
  });
});

describe('url provider', () => {
  it('an async url that rejects once: reported as an error, the loop is not stuck, connect() resolves on the next attempt', async () => {
    const server = track.server(await startWsServer({ echo: true }));
    let calls = 0;
    const conn = connection({
      url: async () => {
        calls++;
        if (calls === 1) throw new Error('token service down');
        return server.url;
      },
    });
    const errors: unknown[] = [];
    conn.on('error', (e) => errors.push(e));
    // retryCount 3 (the default): the failed first attempt is followed by another within the same connect().
    await conn.connect();
    const first = errors[0];
    expect(first).toBeInstanceOf(NetworkError);
    expect(String((first as Error & { cause?: unknown }).cause)).toContain('token service down');
    expect(calls).toBeGreaterThanOrEqual(2);
    expect(server.connections).toBe(1);
    expect(conn.url).toBe('[function]');
    conn.send('hi');
    expect(await conn.receive(2000)).toBe('hi');
  });

  it('the provider is called before every attempt (a fresh token per reconnect)', async () => {
    const server = track.server(await startWsServer());
    let calls = 0;
    const conn = connection({ url: () => `${server.url}?token=t${++calls}` });
    await conn.connect();
    server.terminateAll();
    await server.waitForConnections(2);
    expect(server.paths).toEqual(['/ws?token=t1', '/ws?token=t2']);
  });
});

describe('health polling while waiting', () => {
  it('the default health URL (ws → http, /health on the same host) reconnects long before reconnectDelay', async () => {
    const server = track.server(await startWsServer({ health: 200 }));
    const conn = track.conn(new WebSocketConnection({ url: server.url, reconnectDelay: 10_000, healthInterval: 50 }));
    await conn.connect();
    await server.stop();
    await waitFor(() => waitingInMachine(conn), 2000, 'session.waiting');
    expect(conn.actor.getSnapshot().context.nextDelay).toBeGreaterThanOrEqual(5_000);
    await server.restart();
    const t0 = Date.now();
    await waitFor(() => conn.isConnected(), 3000, 'the reconnect triggered by /health');
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(server.healthRequests).toBeGreaterThanOrEqual(1);
    expect(server.connections).toBe(2);
  });

  it('an explicit healthUrl: non-2xx answers keep waiting, the first 200 reconnects at once', async () => {
    let healthy = false;
    const health = track.server(await startServer((_req, res) => json(res, healthy ? 200 : 503, { healthy })));
    const server = track.server(await startWsServer());
    const conn = track.conn(new WebSocketConnection({ url: server.url, reconnectDelay: 10_000, healthUrl: `${health.url}/health`, healthInterval: 30 }));
    await conn.connect();
    await server.stop();
    await waitFor(() => waitingInMachine(conn), 2000, 'session.waiting');
    await server.restart();
    await waitFor(() => health.count('/health') >= 3, 2000, 'three 503 health checks');
    // 503s do not trigger an attempt: still waiting, still one connection.
    expect(waitingInMachine(conn)).toBe(true);
    expect(server.connections).toBe(1);
    healthy = true;
    await waitFor(() => conn.isConnected(), 3000, 'the reconnect triggered by the 200');
    expect(server.connections).toBe(2);
    // No polling once connected.
    const polls = health.count('/health');
    await sleep(150);
    expect(health.count('/health')).toBe(polls);
  });
});

describe('connect()', () => {
  it('is idempotent: five concurrent calls open exactly one server connection, all resolve', async () => {
    const server = track.server(await startWsServer());
    const conn = connection({ url: server.url });
    await Promise.all([conn.connect(), conn.connect(), conn.connect(), conn.connect(), conn.connect()]);
    await conn.connect();
    await sleep(200);
    expect(server.connections).toBe(1);
    expect(conn.isConnected()).toBe(true);
  });

  it('GuruConnection connects on construction; a later connect() does not open a second socket', async () => {
    const server = track.server(await startWsServer());
    const guru = track.conn(new GuruConnection({ url: server.url, healthUrl: false }));
    await server.waitForConnections(1);
    await Promise.all([guru.connect(), guru.connect()]);
    await sleep(200);
    expect(server.connections).toBe(1);
    expect(guru.getStats().connected).toBe(true);
  });
});
