/**
 * Connections that join a manager in one turn of the event loop are spawned
 * together: one `statewire.adoptMany` event rather than one `statewire.adopt`
 * each (XState copies a parent's children record per spawn, so 10,000 single
 * adoptions are quadratic). What a user sees stays as it was: each connection
 * is a child found by its name, `connect()` right after `addConnection()`
 * opens it, and one removed before the batch ran goes on as a root.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { InspectionEvent } from 'xstate';
import { ConnectionManager, SSEConnection, WebSocketConnection } from '../../src/index.js';
import { startWsServer, tracker } from '../helpers/wsServer.js';
import { startSseServer } from '../helpers/sseServer.js';

const track = tracker();
const managers: ConnectionManager[] = [];
afterEach(async () => {
  for (const m of managers.splice(0)) await m.dispose();
  await track.cleanup();
});

/** A manager that counts the adoption events its root receives. */
function countingManager(): { manager: ConnectionManager; adoptions: string[] } {
  const adoptions: string[] = [];
  // Declared first: the root's first inspection events arrive while the constructor runs.
  let manager: ConnectionManager | undefined = undefined;
  manager = new ConnectionManager({
    healthCheckInterval: 0,
    inspect: (e: InspectionEvent) => {
      if (e.type === '@xstate.event' && e.event.type.startsWith('statewire.adopt') && e.actorRef.sessionId === manager?.actor.sessionId) adoptions.push(e.event.type);
    },
  });
  managers.push(manager);
  return { manager, adoptions };
}

describe('ConnectionManager: connections joining in one turn', () => {
  it('40 connections added and connected in one loop are spawned by one event, each a child found by its name', async () => {
    const server = track.server(await startWsServer());
    const { manager, adoptions } = countingManager();
    const conns: WebSocketConnection[] = [];
    const opened: Promise<void>[] = [];
    for (let i = 0; i < 40; i++) {
      const conn = track.conn(new WebSocketConnection({ url: server.url, healthUrl: false }));
      manager.addConnection(conn, `c${i}`);
      conns.push(conn);
      opened.push(conn.connect());
    }
    await Promise.all(opened);
    expect(adoptions).toEqual(['statewire.adoptMany']);
    conns.forEach((conn, i) => {
      expect(manager.actor.system.get(`c${i}`)).toBe(conn.actor);
      expect(conn.actor._parent).toBe(manager.actor);
      expect(conn.isConnected()).toBe(true);
    });
    expect(Object.keys(manager.actor.getSnapshot().children)).toHaveLength(40);
    expect(manager.getStatistics()).toMatchObject({ totalConnections: 40, healthyConnections: 40 });
    expect(server.connections).toBe(40);
  });

  it('reading manager.actor right after addConnection finds the child at once', async () => {
    const server = track.server(await startWsServer());
    const { manager } = countingManager();
    const conn = track.conn(new WebSocketConnection({ url: server.url, healthUrl: false }));
    manager.addConnection(conn, 'now');
    const child = manager.actor.system.get('now');
    expect(child).toBeDefined();
    expect(child).toBe(conn.actor);
    await conn.connect();
    expect(manager.actor.system.get('now').getSnapshot().matches('session')).toBe(true);
  });

  it('a connection removed before its batch ran goes on as a root of its own, and its connect() still opens it', async () => {
    const server = track.server(await startWsServer());
    const { manager, adoptions } = countingManager();
    const kept = track.conn(new WebSocketConnection({ url: server.url, healthUrl: false }));
    const left = track.conn(new WebSocketConnection({ url: server.url, healthUrl: false }));
    manager.addConnection(kept, 'kept').addConnection(left, 'left');
    const opening = left.connect();
    await manager.removeConnection('left');
    await opening;
    expect(left.isConnected()).toBe(true);
    expect(left.actor._parent).toBeUndefined();
    expect(manager.getConnection('left')).toBeUndefined();
    await kept.connect();
    expect(manager.actor.system.get('left')).toBeUndefined();
    expect(manager.actor.system.get('kept')).toBe(kept.actor);
    expect(adoptions).toEqual(['statewire.adoptMany']);
    expect(server.connections).toBe(2);
  });

  it('a manager disposed in the turn its connections joined adopts none, and their connect() settles', async () => {
    const server = track.server(await startWsServer());
    const { manager } = countingManager();
    const conn = track.conn(new WebSocketConnection({ url: server.url, healthUrl: false }));
    manager.addConnection(conn, 'gone');
    const opening = conn.connect().then(
      () => 'opened',
      (e: Error) => e.message,
    );
    await manager.dispose();
    expect(await opening).toMatch(/disposed/);
    expect(manager.actor.getSnapshot().status).toBe('done');
  });

  it('SSE connections join in the batch too; connect() after the batch opens each stream', async () => {
    const sse = track.server(await startSseServer((s) => s.open()));
    const { manager, adoptions } = countingManager();
    const a = track.conn(new SSEConnection({ url: sse.url }));
    const b = track.conn(new SSEConnection({ url: sse.url }));
    manager.addConnection(a, 'a').addConnection(b, 'b');
    await Promise.all([a.connect(), b.connect()]);
    expect(adoptions).toEqual(['statewire.adoptMany']);
    expect(manager.actor.system.get('a')).toBe(a.actor);
    expect(manager.actor.system.get('b')).toBe(b.actor);
    expect(a.actor._parent).toBe(manager.actor);
  });
});
