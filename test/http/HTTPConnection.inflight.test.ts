/**
 * HTTPConnection's dispose() and disconnect() with work in flight, against a real
 * server that never answers: dispose() ends everything at once (as ApiClient's);
 * disconnect() does not wait for a health check, lets user requests finish within
 * the connection's `timeout` and aborts the rest. Request timeouts here are a
 * minute, longer than vitest's test timeout: a close that waited for them fails.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Socket } from 'node:net';
import { ConnectionManager, HTTPConnection, StatewireError } from '../../src/index.js';
import { json, routes, startServer, slow, type TestServer } from '../helpers/testServer.js';

const MINUTE = 60_000;
let server: TestServer | undefined;
const connections: HTTPConnection[] = [];
afterEach(async () => {
  await Promise.all(connections.splice(0).map((c) => c.dispose()));
  await server?.close();
  server = undefined;
});

function open(config: ConstructorParameters<typeof HTTPConnection>[0]) {
  const conn = new HTTPConnection(config);
  connections.push(conn);
  return conn;
}

/** A server whose `/hang` and `/health` never answer; it tells when a request arrived and when its socket closed. */
async function hangingServer() {
  const arrived: Array<() => void> = [];
  const sockets: Socket[] = [];
  const hang = (req: { socket: Socket }) => {
    sockets.push(req.socket);
    arrived.shift()?.();
  };
  server = await startServer(
    routes({
      '/hang': hang,
      '/health': hang,
      '/ok': (_req, res) => json(res, 200, { ok: true }),
      '/later': slow(150, 200, { late: true }),
      '/busy': (_req, res) => json(res, 503, { busy: true }),
    }),
  );
  return {
    url: server.url,
    /** Resolves when the next hanging request has reached the server. */
    next: () => new Promise<void>((resolve) => arrived.push(resolve)),
    /** Resolves when every hanging request's socket is closed. */
    allClosed: () => Promise.all(sockets.map((s) => (s.destroyed ? undefined : new Promise((r) => s.once('close', r))))),
  };
}

const outcome = (p: Promise<unknown>) =>
  p.then(
    (value) => ({ ok: true as const, value }),
    (error: Error) => ({ ok: false as const, error }),
  );

describe('HTTPConnection: dispose() with work in flight', () => {
  it('rejects a request in flight at once with "HTTPConnection was disposed" and closes its socket', async () => {
    const srv = await hangingServer();
    const conn = open({ url: srv.url, timeout: MINUTE, retryCount: 0 });
    await conn.connect();
    const arrived = srv.next();
    const inFlight = outcome(conn.send({ url: '/hang' }));
    await arrived;
    await conn.dispose();
    const result = await inFlight;
    expect(result.ok).toBe(false);
    expect(result.ok === false && result.error).toBeInstanceOf(StatewireError);
    expect(result.ok === false && result.error.message).toBe('HTTPConnection was disposed');
    await srv.allClosed();
    expect(conn.isConnected()).toBe(false);
  });

  it('ConnectionManager.dispose() ends its HTTPConnection`s request in flight the same way', async () => {
    const srv = await hangingServer();
    const conn = open({ url: srv.url, timeout: MINUTE, retryCount: 0 });
    const manager = new ConnectionManager({ healthCheckInterval: 0 });
    manager.addConnection(conn, 'api');
    await conn.connect();
    const arrived = srv.next();
    const inFlight = outcome(conn.send({ url: '/hang' }));
    await arrived;
    await manager.dispose();
    const result = await inFlight;
    expect(result.ok === false && result.error.message).toBe('HTTPConnection was disposed');
    await srv.allClosed();
  });

  it("transport 'fetch': a request in flight is rejected at once too", async () => {
    const srv = await hangingServer();
    const conn = open({ url: srv.url, timeout: MINUTE, retryCount: 0, transport: 'fetch' });
    const arrived = srv.next();
    const inFlight = outcome(conn.send({ url: '/hang' }));
    await arrived;
    await conn.dispose();
    const result = await inFlight;
    expect(result.ok === false && result.error.message).toBe('HTTPConnection was disposed');
  });

  it('rejects a health check in flight at once', async () => {
    const srv = await hangingServer();
    const conn = open({ url: srv.url, timeout: MINUTE, healthCheckTimeout: MINUTE });
    await conn.connect();
    const arrived = srv.next();
    const check = outcome(conn.healthCheck());
    await arrived;
    await conn.dispose();
    const result = await check;
    expect(result.ok === false && result.error.message).toBe('HTTPConnection was disposed');
    await srv.allClosed();
  });
});

describe('HTTPConnection: disconnect() with work in flight', () => {
  it('does not wait for its health check: the check rejects at once and changes no health', async () => {
    const srv = await hangingServer();
    const conn = open({ url: srv.url, timeout: MINUTE, healthCheckTimeout: MINUTE });
    const healths: string[] = [];
    conn.onHealthChange((h) => healths.push(h));
    await conn.connect();
    const arrived = srv.next();
    const check = outcome(conn.healthCheck());
    await arrived;
    await conn.disconnect();
    const result = await check;
    expect(result.ok === false && result.error).toBeInstanceOf(StatewireError);
    expect(result.ok === false && result.error.message).toBe('HTTPConnection was disconnected during the health check');
    expect(healths).toEqual([]);
    await srv.allClosed();
    // The connection stays usable: a later send connects again.
    expect((await conn.send({ url: '/ok' })).data).toEqual({ ok: true });
  });

  it('does not wait for an automatic health check (healthCheckInterval)', async () => {
    const srv = await hangingServer();
    const conn = open({ url: srv.url, timeout: MINUTE, healthCheckTimeout: MINUTE, healthCheckInterval: 20 });
    const arrived = srv.next();
    await conn.connect();
    await arrived;
    await conn.disconnect();
    await srv.allClosed();
    expect(conn.isConnected()).toBe(false);
  });

  it('lets a request in flight finish (graceful)', async () => {
    const srv = await hangingServer();
    const conn = open({ url: srv.url, timeout: 10_000, retryCount: 0 });
    await conn.connect();
    await conn.send({ url: '/ok' });
    const late = conn.send({ url: '/later' });
    await new Promise((r) => setTimeout(r, 20));
    await conn.disconnect();
    expect((await late).data).toEqual({ late: true });
  });

  it('aborts what is still in flight after the connection`s timeout, with a StatewireError, not retried', async () => {
    const srv = await hangingServer();
    const conn = open({ url: srv.url, timeout: 200, retryCount: 3, retryDelay: 10 });
    await conn.connect();
    const arrived = srv.next();
    // Its own timeout is a minute: only disconnect's bound ends it.
    const inFlight = outcome(conn.send({ url: '/hang', timeout: MINUTE }));
    await arrived;
    await conn.disconnect();
    const result = await inFlight;
    expect(result.ok === false && result.error).toBeInstanceOf(StatewireError);
    expect(result.ok === false && result.error.message).toBe('HTTPConnection was disconnected while the request was in flight');
    await srv.allClosed();
    expect(server!.count('/hang')).toBe(1);
    expect(conn.circuitBreaker.getState().failureCount).toBe(0);
  });

  for (const transport of ['undici', 'fetch'] as const) {
    it(`transport '${transport}': lets a request finish within the timeout and aborts one past it`, async () => {
      const srv = await hangingServer();
      const conn = open({ url: srv.url, timeout: 400, retryCount: 0, transport });
      await conn.connect();
      const arrived = srv.next();
      const late = outcome(conn.send({ url: '/later', timeout: MINUTE }));
      const hung = outcome(conn.send({ url: '/hang', timeout: MINUTE }));
      await arrived;
      await conn.disconnect();
      const [finished, aborted] = await Promise.all([late, hung]);
      expect(finished).toEqual({ ok: true, value: expect.objectContaining({ data: { late: true } }) });
      expect(aborted.ok === false && aborted.error.message).toBe('HTTPConnection was disconnected while the request was in flight');
    });
  }

  it('ends a request waiting to retry: its retry is not sent on the closed connection', async () => {
    const srv = await hangingServer();
    const conn = open({ url: srv.url, timeout: 5_000, retryCount: 2, retryDelay: 200 });
    await conn.connect();
    const retried = new Promise<void>((resolve) => conn.onEvent((e) => e.eventType === 'retry' && resolve()));
    const waiting = outcome(conn.send({ url: '/busy' }));
    await retried;
    await conn.disconnect();
    const result = await waiting;
    expect(result.ok === false && result.error.message).toBe('HTTPConnection was disconnected while the request was in flight');
    expect(server!.count('/busy')).toBe(1);
  });
});
