/**
 * The `inspect` option: every client hands XState's inspection events to the
 * observer it is given (the Stately inspector's, or the user's own), redacted.
 * Real servers on 127.0.0.1; the Stately inspector's WebSocket adapter sends
 * to a local `ws` server standing in for the inspector.
 */
import type { AnyActorRef, InspectionEvent } from 'xstate';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiClient, CircuitBreaker, ConfigError, HTTPConnection, SSEConnection, WebSocketConnection } from '../../src/index.js';
import { json, startServer, type TestServer } from '../helpers/testServer.js';
import { startWsServer, waitFor, type WsTestServer } from '../helpers/wsServer.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function http(handler?: Parameters<typeof startServer>[0]): Promise<TestServer> {
  const server = await startServer(handler);
  cleanups.push(() => server.close());
  return server;
}

async function ws(options: Parameters<typeof startWsServer>[0] = { echo: true }): Promise<WsTestServer> {
  const server = await startWsServer(options);
  cleanups.push(() => server.stop());
  return server;
}

/** What an inspector could read from an event: its own fields and the actor's snapshot. */
function visible(event: InspectionEvent): string {
  const { actorRef, sourceRef: _s, ...rest } = event as InspectionEvent & { sourceRef?: unknown };
  const seen = new WeakSet<object>();
  return JSON.stringify({ ...rest, actor: actorRef.getSnapshot() }, (_k, v: unknown) => {
    if (typeof v === 'object' && v !== null) {
      if (seen.has(v)) return '[seen]';
      seen.add(v);
      // Actor refs inside snapshots (children): inspectors show them by id.
      if ('sessionId' in v && 'send' in v) return `[actor ${(v as AnyActorRef).id}]`;
    }
    return v;
  });
}

describe('inspect: an inspection observer on every client', () => {
  it('an ApiClient shows its actor with its breaker and rate limiter as children (the tree the inspector draws)', async () => {
    const server = await http((_req, res) => json(res, 200, { ok: true }));
    const events: InspectionEvent[] = [];
    const api = new ApiClient({ baseURL: server.url, rateLimiter: true, inspect: (e) => events.push(e) });
    cleanups.push(() => api.dispose());
    await api.get('/ok');
    const actors = events.filter((e) => e.type === '@xstate.actor').map((e) => e.actorRef as AnyActorRef);
    const root = actors.find((a) => a.id === api.actor.id && a._parent === undefined);
    expect(root?.sessionId).toBe(api.actor.sessionId);
    const childrenOfRoot = actors.filter((a) => a._parent?.sessionId === api.actor.sessionId).map((a) => a.id);
    expect(childrenOfRoot).toEqual(expect.arrayContaining(['breaker', 'rateLimiter']));
  });

  it('a WebSocketConnection, an SSEConnection, an HTTPConnection and a CircuitBreaker each report their snapshots', async () => {
    const wsServer = await ws();
    const httpServer = await http((req, res) => {
      if (req.url?.startsWith('/events')) {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write('data: hi\n\n');
        return;
      }
      json(res, 200, {});
    });
    const seen = { ws: [] as string[], sse: [] as string[], http: [] as string[], breaker: [] as string[] };
    const record = (into: string[]) => (e: InspectionEvent) => {
      // Machines' snapshots (callback actors' have no value).
      const value = ((e as { snapshot?: { value?: unknown } }).snapshot)?.value;
      if (e.type === '@xstate.snapshot' && value !== undefined) into.push(JSON.stringify(value));
    };
    const socket = new WebSocketConnection({ url: wsServer.url, inspect: record(seen.ws) });
    const sse = new SSEConnection({ url: `${httpServer.url}/events`, inspect: { next: record(seen.sse) } });
    const conn = new HTTPConnection({ url: httpServer.url, inspect: record(seen.http) });
    const breaker = new CircuitBreaker({ threshold: 1, volumeThreshold: 1, inspect: record(seen.breaker) });
    cleanups.push(() => socket.dispose(), () => sse.disconnect(), () => conn.disconnect(), () => breaker.dispose());
    await socket.connect();
    await sse.connect();
    await conn.connect();
    await breaker.execute(() => Promise.reject(new Error('boom'))).catch(() => {});
    expect(seen.ws.some((v) => v.includes('session'))).toBe(true);
    expect(seen.sse.length).toBeGreaterThan(0);
    expect(seen.http.length).toBeGreaterThan(0);
    expect(seen.breaker).toContain('"OPEN"');
  });

  it('an event carrying credentials reaches the observer redacted, and so does what actorRef.getSnapshot() returns', async () => {
    const server = await http((_req, res) => json(res, 200, {}));
    const events: InspectionEvent[] = [];
    const api = new ApiClient({ baseURL: server.url, headers: { Authorization: 'Bearer sekret-token-123' }, inspect: (e) => events.push(e) });
    cleanups.push(() => api.dispose());
    // Anyone may send an actor an event; an inspector must still not show the credential in it.
    api.actor.send({ type: 'app.note', headers: { Authorization: 'Bearer sekret-token-123' }, url: 'http://127.0.0.1/x?api_key=sekret-key-456', note: 'used sekret-token-123' } as never);
    const sent = events.filter((e) => e.type === '@xstate.event' && (e.event as { type: string }).type === 'app.note');
    expect(sent).toHaveLength(1);
    const text = events.map(visible).join('\n');
    expect(text).toContain('app.note');
    expect(text).not.toContain('sekret-token-123');
    expect(text).not.toContain('sekret-key-456');
    expect(text).toContain('[REDACTED]');
  });

  it("the Stately inspector's WebSocket adapter receives the actor tree, with nothing secret in it", async () => {
    const inspectorServer = await ws({ echo: false });
    const target = await ws();
    const httpServer = await http((_req, res) => json(res, 200, {}));
    const { createWebSocketInspector } = await import('@statelyai/inspect');
    const inspector = createWebSocketInspector({ url: inspectorServer.url });
    cleanups.push(() => inspector.stop());
    const socket = new WebSocketConnection({ url: `${target.url}/?token=sekret-ws-789`, inspect: inspector.inspect });
    const api = new ApiClient({ baseURL: httpServer.url, headers: { 'X-API-Key': 'sekret-key-321' }, inspect: inspector.inspect });
    cleanups.push(() => socket.dispose(), () => api.dispose());
    await socket.connect();
    await api.get('/users?access_token=sekret-query-654');
    api.actor.send({ type: 'app.login', token: 'sekret-token-987' } as never);
    await waitFor(() => inspectorServer.messages.some((m) => m.text.includes('app.login')));
    const received = inspectorServer.messages.map((m) => m.json as { type: string; name?: string; parentId?: string; sessionId?: string });
    const actors = received.filter((m) => m.type === '@xstate.actor');
    const apiRoot = actors.find((a) => a.sessionId === api.actor.sessionId);
    expect(apiRoot).toBeDefined();
    expect(actors.filter((a) => a.parentId === apiRoot?.sessionId).map((a) => a.name)).toEqual(expect.arrayContaining(['breaker', 'rateLimiter']));
    expect(actors.some((a) => a.sessionId === socket.actor.sessionId)).toBe(true);
    const all = inspectorServer.messages.map((m) => m.text).join('\n');
    for (const secret of ['sekret-ws-789', 'sekret-key-321', 'sekret-query-654', 'sekret-token-987']) expect(all).not.toContain(secret);
  });

  it('an action that carries a live actor (xstate.spawnChild) shows it as the redacted view, not a copy of its internals', async () => {
    const server = await ws();
    const actions: Array<{ type: string; params: unknown }> = [];
    const socket = new WebSocketConnection({ url: server.url, inspect: (e) => e.type === '@xstate.action' && actions.push(e.action as never) });
    cleanups.push(() => socket.dispose());
    await socket.connect();
    socket.send({ hello: 1 });
    await server.waitForMessages(1);
    const spawns = actions.filter((a) => a.type === 'xstate.spawnChild');
    expect(spawns.length).toBeGreaterThan(0);
    for (const { params } of spawns) {
      const ref = (params as { actorRef: AnyActorRef }).actorRef;
      // A walked copy lost the actor's methods and carried its mailbox (the event in flight), options and system.
      expect(typeof ref.getSnapshot).toBe('function');
      expect(typeof ref.sessionId).toBe('string');
      expect(JSON.stringify(params)).not.toMatch(/mailbox|_parent|"system"/);
    }
  });

  it('an observer that throws is reported and the client goes on', async () => {
    const server = await ws();
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const socket = new WebSocketConnection({
      url: server.url,
      inspect: () => {
        throw new Error('inspector bug');
      },
    });
    cleanups.push(() => socket.dispose());
    await socket.connect();
    socket.send({ hello: 1 });
    await server.waitForMessages(1);
    expect(socket.isConnected()).toBe(true);
    expect(errors.mock.calls.some((c) => String(c[0]).includes('inspect'))).toBe(true);
  });

  it.each([
    ['ApiClient', () => new ApiClient({ baseURL: 'http://127.0.0.1:1', inspect: true as never })],
    ['WebSocketConnection', () => new WebSocketConnection({ url: 'ws://127.0.0.1:1', inspect: 'yes' as never })],
    ['SSEConnection', () => new SSEConnection({ url: 'http://127.0.0.1:1', inspect: {} as never })],
    ['HTTPConnection', () => new HTTPConnection({ url: 'http://127.0.0.1:1', inspect: 1 as never })],
    ['CircuitBreaker', () => new CircuitBreaker({ inspect: [] as never })],
  ])('%s refuses an inspect that is not an observer, naming the option', (owner, make) => {
    let error: unknown;
    try {
      make();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).option).toBe('inspect');
    expect((error as ConfigError).message).toContain(owner);
  });
});
