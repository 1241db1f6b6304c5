/**
 * Clients as children of one parent actor (a plain test machine that takes
 * `statewire.adopt`): each found by its name in the parent's system, each with
 * its own breaker and limiter, and all of them stopped, sockets closed, when the
 * parent stops. Real servers on 127.0.0.1.
 */
import type { AnyActorRef } from 'xstate';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiClient, SSEConnection, WebSocketConnection } from '../../src/index.js';
import { json, startServer, type TestServer } from '../helpers/testServer.js';
import { startWsServer, waitFor, type WsTestServer } from '../helpers/wsServer.js';
import { startParentActor } from '../helpers/parentActor.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function startParent(): AnyActorRef {
  const parent = startParentActor();
  cleanups.push(() => parent.getSnapshot().status === 'active' && parent.stop());
  return parent;
}

async function http(handler?: Parameters<typeof startServer>[0]): Promise<TestServer> {
  const server = await startServer(handler);
  cleanups.push(() => server.close());
  return server;
}

async function ws(): Promise<WsTestServer> {
  const server = await startWsServer({ echo: true });
  cleanups.push(() => server.stop());
  return server;
}

describe('clients as children of one parent', () => {
  it('two ApiClients and two WebSocketConnections: each found by its name, each working on its own', async () => {
    const httpServer = await http((req, res) => (req.url === '/down' ? json(res, 503, {}) : json(res, 200, { path: req.url })));
    const wsServer = await ws();
    const parent = startParent();
    const api = new ApiClient({ baseURL: httpServer.url, retries: 0, circuitBreakerOptions: { threshold: 1, volumeThreshold: 1 } });
    const billing = new ApiClient({ baseURL: httpServer.url, retries: 0 });
    const realtime = new WebSocketConnection({ url: wsServer.url, name: 'realtime' });
    const audio = new WebSocketConnection({ url: wsServer.url });
    cleanups.push(() => api.dispose(), () => billing.dispose(), () => realtime.dispose(), () => audio.dispose());

    api.attachTo(parent, 'api');
    billing.attachTo(parent, 'billing');
    realtime.attachTo(parent); // its `name` option
    audio.attachTo(parent, 'audio');

    expect(Object.keys(parent.getSnapshot().children).sort()).toEqual(['api', 'audio', 'billing', 'realtime']);
    expect(parent.system.get('api')).toBe(api.actor);
    expect(parent.system.get('billing')).toBe(billing.actor);
    expect(parent.system.get('realtime')).toBe(realtime.actor);
    expect(parent.system.get('audio')).toBe(audio.actor);
    expect(parent.system.get('api.breaker')).toBe(api.circuitBreaker.actor);
    expect(parent.system.get('billing.rateLimiter')).toBe(billing.rateLimiter.actor);

    await expect(api.get('/x')).resolves.toEqual({ path: '/x' });
    await expect(api.get('/down')).rejects.toMatchObject({ status: 503 });
    // The one client's breaker opened; the other's did not.
    expect(api.getCircuitBreakerState().state).toBe('OPEN');
    expect((parent.system.get('api.breaker') as AnyActorRef).getSnapshot().value).toBe('OPEN');
    expect(billing.getCircuitBreakerState().state).toBe('CLOSED');
    await expect(billing.get('/y')).resolves.toEqual({ path: '/y' });

    await Promise.all([realtime.connect(), audio.connect()]);
    const echoed: unknown[] = [];
    realtime.on('message', (m) => echoed.push(m));
    realtime.send({ hello: 1 });
    await waitFor(() => echoed.length === 1);
    expect(echoed).toEqual([{ hello: 1 }]);
    expect(realtime.getStats().status).toBe('idle');
    expect(audio.isConnected()).toBe(true);
  });

  it('stopping the parent stops every child and closes their sockets', async () => {
    const wsServer = await ws();
    const parent = startParent();
    const a = new WebSocketConnection({ url: wsServer.url });
    const b = new WebSocketConnection({ url: wsServer.url });
    cleanups.push(() => a.dispose(), () => b.dispose());
    a.attachTo(parent, 'a');
    b.attachTo(parent, 'b');
    await Promise.all([a.connect(), b.connect()]);
    expect(wsServer.clients.size).toBe(2);
    parent.stop();
    await waitFor(() => wsServer.clients.size === 0, 5_000, 'both sockets closed');
    expect(a.actor.getSnapshot().status).toBe('stopped');
    expect(b.actor.getSnapshot().status).toBe('stopped');
  });

  it('a connection already open when adopted: its socket is re-opened under the parent and nothing queued or unacknowledged is lost', async () => {
    const wsServer = await startWsServer({ ack: (m) => (m as { id?: number }).id === 1 ? undefined : (m as { id?: number }).id });
    cleanups.push(() => wsServer.stop());
    const conn = new WebSocketConnection({ url: wsServer.url, delivery: { messageId: (m) => (m as { id: number }).id, ackId: (m) => (m as { ack?: number }).ack, ackTimeout: 60_000 } });
    cleanups.push(() => conn.dispose());
    await conn.connect();
    conn.send({ id: 1 }); // never acknowledged by this server: re-sent on the new socket
    await wsServer.waitForMessages(1);
    const root = conn.actor;
    const parent = startParent();
    const opened = new Promise<void>((resolve) => conn.once('open', () => resolve()));
    conn.attachTo(parent, 'adopted');
    conn.send({ id: 2 }); // while the new socket opens: queued, then sent in order
    await opened;
    await wsServer.waitForMessages(3);
    expect(root.getSnapshot().status).toBe('stopped');
    expect(parent.system.get('adopted')).toBe(conn.actor);
    expect(wsServer.connections).toBe(2);
    expect(wsServer.jsons()).toEqual([{ id: 1 }, { id: 1 }, { id: 2 }]);
    expect(conn.getStats().unacknowledged).toBe(1);
  });

  it('an SSEConnection under a parent streams, and resumes with Last-Event-ID when adopted while open', async () => {
    const seen: Array<string | undefined> = [];
    const server = await http((req, res) => {
      seen.push(req.headers['last-event-id'] as string | undefined);
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(`id: ${seen.length}\ndata: {"n":${seen.length}}\n\n`);
    });
    const sse = new SSEConnection({ url: `${server.url}/events` });
    cleanups.push(() => sse.dispose());
    await sse.connect();
    await expect(sse.receive(5_000)).resolves.toMatchObject({ id: '1' });
    const parent = startParent();
    sse.attachTo(parent, 'prices');
    expect(parent.system.get('prices')).toBe(sse.actor);
    await expect(sse.receive(5_000)).resolves.toMatchObject({ id: '2', data: { n: 2 } });
    expect(seen).toEqual([undefined, '1']);
  });

  it('refuses a taken name and a disposed client', async () => {
    const parent = startParent();
    const a = new WebSocketConnection({ url: 'ws://127.0.0.1:1/ws' });
    const b = new WebSocketConnection({ url: 'ws://127.0.0.1:1/ws' });
    cleanups.push(() => a.dispose(), () => b.dispose());
    a.attachTo(parent, 'same');
    expect(() => b.attachTo(parent, 'same')).toThrow(/already has an actor named "same"/);
    b.dispose();
    expect(() => b.attachTo(parent, 'other')).toThrow(/disposed/);
  });
});
