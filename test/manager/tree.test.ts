/**
 * The manager as the parent of its connections: the inspected actor tree,
 * `system.get(name)`, connections made before or after it, open ones,
 * unique names, removal (detached or disposed), options checked.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { AnyActorRef, InspectionEvent } from 'xstate';
import { ApiClient, ConfigError, ConnectionManager, HTTPConnection, SSEConnection, WebSocketConnection } from '../../src/index.js';
import { json, routes, startServer } from '../helpers/testServer.js';
import { startWsServer, tracker, waitFor } from '../helpers/wsServer.js';
import { startSseServer } from '../helpers/sseServer.js';

const track = tracker();
const managers: ConnectionManager[] = [];
afterEach(async () => {
  for (const m of managers.splice(0)) await m.dispose();
  await track.cleanup();
});
const manage = (m: ConnectionManager) => (managers.push(m), m);

describe('ConnectionManager: the actor tree', () => {
  it('an inspector sees every connection nested under the manager root, made before or after the manager', async () => {
    const server = track.server(await startWsServer());
    const actors: Array<{ id: string; parent: AnyActorRef | undefined }> = [];
    const before = track.conn(new WebSocketConnection({ url: server.url }));
    const manager = manage(
      new ConnectionManager({
        inspect: (e: InspectionEvent) => {
          if (e.type === '@xstate.actor') actors.push({ id: (e.actorRef as AnyActorRef).id, parent: (e.actorRef as AnyActorRef)._parent });
        },
      }),
    );
    const after = track.conn(new WebSocketConnection({ url: server.url }));
    const api = new HTTPConnection({ url: server.httpUrl });
    manager.addConnection(before, 'before').addConnection(after, 'after').addConnection(api, 'api');
    await manager.connectAll();
    expect(actors[0]).toEqual({ id: manager.actor.id, parent: undefined });
    const under = (id: string) => actors.find((a) => a.id === id)?.parent;
    expect(under('before')).toBe(manager.actor);
    expect(under('after')).toBe(manager.actor);
    expect(under('api')).toBe(manager.actor);
    expect(under('breaker')).toBe(manager.actor.system.get('api'));
    for (const [name, conn] of [['before', before], ['after', after], ['api', api]] as const) expect(manager.actor.system.get(name)).toBe(conn.actor);
    await Promise.resolve();
    expect(manager.actor.getSnapshot().context.connections).toMatchObject([
      { name: 'before', type: 'websocket', status: 'idle', health: 'healthy' },
      { name: 'after', type: 'websocket', status: 'idle', health: 'healthy' },
      { name: 'api', type: 'http', status: 'connected', health: 'unknown' },
    ]);
  });

  it('a connection made alone stays a root actor of its own', () => {
    const conn = track.conn(new WebSocketConnection({ url: 'ws://127.0.0.1:1/ws' }));
    expect(conn.actor._parent).toBeUndefined();
  });

  it('an open connection joins without losing what is queued or unacknowledged', async () => {
    const server = track.server(await startWsServer({ ack: () => undefined })); // never acknowledges
    const conn = track.conn(new WebSocketConnection({ url: server.url, delivery: { messageId: (m: unknown) => (m as { id?: number }).id, ackId: (m: unknown) => (m as { ack?: number }).ack, ackTimeout: 60_000 } }));
    await conn.connect();
    conn.send({ id: 1, text: 'in flight' });
    await server.waitForMessages(1);
    const manager = manage(new ConnectionManager());
    manager.addConnection(conn, 'realtime');
    await waitFor(() => conn.isConnected() && server.messages.length === 2);
    expect(server.connections).toBe(2);
    expect(server.jsons()).toEqual([{ id: 1, text: 'in flight' }, { id: 1, text: 'in flight' }]);
    expect(conn.actor._parent).toBe(manager.actor);
  });

  it('an SSE stream joins and is counted by type', async () => {
    const sse = await startSseServer((stream) => stream.open());
    try {
      const stream = new SSEConnection({ url: sse.url });
      const manager = manage(new ConnectionManager());
      manager.addConnection(stream, 'prices');
      expect(manager.getStatistics().connectionsByHealth.unknown).toBe(1); // fresh: not healthy
      await stream.connect();
      await waitFor(() => manager.getStatistics().healthyConnections === 1);
      expect(manager.getStatistics().connectionsByType).toEqual({ sse: 1 });
      expect(manager.actor.system.get('prices')).toBe(stream.actor);
    } finally {
      await sse.close();
    }
  });
});

describe('ConnectionManager: names, removal, options', () => {
  it('a taken name, a connection managed already, and a non-connection are ConfigErrors naming what is wrong', () => {
    const manager = manage(new ConnectionManager());
    const a = track.conn(new WebSocketConnection({ url: 'ws://127.0.0.1:1/ws' }));
    const b = track.conn(new WebSocketConnection({ url: 'ws://127.0.0.1:1/ws' }));
    manager.addConnection(a, 'a');
    expect(() => manager.addConnection(b, 'a')).toThrow(ConfigError);
    expect(() => manager.addConnection(b, 'a')).toThrow(/"name": already taken in this manager, got "a"/);
    expect(() => manager.addConnection(a, 'other')).toThrow(/"connection": expected a connection not managed here yet/);
    expect(() => manager.addConnection({} as never, 'x')).toThrow(/"connection": expected a statewire connection/);
    expect(() => manager.addConnection(b, '')).toThrow(/"name": expected a non-empty string/);
    const other = manage(new ConnectionManager());
    expect(() => other.addConnection(a, 'a')).toThrow(/a child of another parent/);
    expect(manager.getConnectionNames()).toEqual(['a']);
  });

  it('removeConnection detaches by default: the open connection goes on as a root, nothing queued lost', async () => {
    const server = track.server(await startWsServer({ echo: true }));
    const conn = track.conn(new WebSocketConnection({ url: server.url }));
    const manager = manage(new ConnectionManager());
    manager.addConnection(conn, 'realtime');
    await conn.connect();
    expect(await manager.removeConnection('realtime')).toBe(true);
    conn.send({ queued: 'while re-opening' });
    expect(conn.actor._parent).toBeUndefined();
    expect(manager.actor.system.get('realtime')).toBeUndefined();
    await waitFor(() => conn.isConnected());
    expect(await conn.receive(2000)).toEqual({ queued: 'while re-opening' });
    expect(manager.getConnection('realtime')).toBeUndefined();
    expect(await manager.removeConnection('realtime')).toBe(false);
    // The name is free again.
    manager.addConnection(track.conn(new WebSocketConnection({ url: server.url })), 'realtime');
  });

  it('HTTP clients and an SSE stream leave as roots of their own that keep working', async () => {
    const sse = await startSseServer((stream) => stream.open());
    const api = await startServer(routes({ '/x': (_req, res) => json(res, 200, { ok: true }) }));
    try {
      const http = new HTTPConnection({ url: api.url });
      const client = new ApiClient({ baseURL: api.url });
      const stream = new SSEConnection({ url: sse.url });
      const manager = manage(new ConnectionManager());
      manager.addConnection(http, 'http').addConnection(client, 'client').addConnection(stream, 'stream');
      await manager.connectAll();
      expect(manager.actor.system.get('client.breaker')).toBe(client.circuitBreaker.actor);
      for (const name of ['http', 'client', 'stream']) await manager.removeConnection(name);
      for (const conn of [http, client, stream]) expect(conn.actor._parent).toBeUndefined();
      expect(http.circuitBreaker.actor.system.get('breaker')).toBe(http.circuitBreaker.actor);
      await expect(http.send({ url: '/x' })).resolves.toMatchObject({ status: 200 });
      await expect(client.get('/x')).resolves.toEqual({ ok: true });
      await waitFor(() => stream.isConnected()); // re-opened as a root
      await sse.waitForRequests(2);
      await http.dispose();
      await client.dispose();
      stream.dispose();
    } finally {
      await api.close();
      await sse.close();
    }
  });

  it('removeConnection(name, { dispose: true }) disposes it', async () => {
    const server = track.server(await startWsServer());
    const conn = new WebSocketConnection({ url: server.url });
    const manager = manage(new ConnectionManager());
    manager.addConnection(conn, 'realtime');
    await conn.connect();
    await manager.removeConnection('realtime', { dispose: true });
    await expect(conn.connect()).rejects.toThrow(/disposed/);
    await waitFor(() => server.clients.size === 0);
  });

  it('options are checked: defaults, and a ConfigError naming a wrong one', () => {
    const manager = manage(new ConnectionManager());
    expect(manager.getStatistics()).toMatchObject({ healthCheckInterval: 30_000, running: false, totalConnections: 0, healthyConnections: 0 });
    expect(manager.actor.getSnapshot().context).toMatchObject({ healthCheckInterval: 30_000, concurrency: 16 });
    expect(() => new ConnectionManager({ healthCheckInterval: -1 })).toThrow(/"healthCheckInterval"/);
    expect(() => new ConnectionManager({ concurrency: 0 })).toThrow(/"concurrency"/);
    expect(() => new ConnectionManager({ concurrency: 1.5 })).toThrow(ConfigError);
    expect(() => new ConnectionManager({ inspect: 42 as never })).toThrow(/"inspect"/);
    expect(() => new ConnectionManager({ healthCheckIntervl: 5 } as never)).toThrow(/healthCheckIntervl/);
    expect(() => manager.addGlobalHandler('x' as never)).toThrow(/"handler"/);
  });

  it('a disposed manager refuses new work', async () => {
    const manager = new ConnectionManager();
    await manager.dispose();
    expect(() => manager.addConnection(track.conn(new WebSocketConnection({ url: 'ws://127.0.0.1:1/ws' })), 'a')).toThrow(/disposed/);
    await expect(manager.start()).rejects.toThrow(/disposed/);
    expect(manager.actor.getSnapshot().status).toBe('done');
  });
});
