/**
 * A pool's `inspect` option (issue #11: every client, pool, manager and endpoint
 * takes one): the observer sees the pool, its slots and the connections under
 * them, redacted; a bad value is a ConfigError naming `inspect`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { AnyActorRef, InspectionEvent } from 'xstate';
import { ConfigError, WebSocketConnectionPool } from '../../src/index.js';
import { startWsServer, tracker } from '../helpers/wsServer.js';

const track = tracker();
const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(stops.splice(0).map((stop) => stop()));
  await track.cleanup();
});

describe('ConnectionPool inspect', () => {
  it('sees pool → slot → connection actors, and no header secret in any snapshot', async () => {
    const server = track.server(await startWsServer());
    const events: InspectionEvent[] = [];
    const pool = new WebSocketConnectionPool(
      { maxSize: 2, name: 'feeds', inspect: (e) => events.push(e) },
      { url: server.url, healthUrl: false, headers: { Authorization: 'Bearer pool-secret-token' } },
    );
    stops.push(() => pool.stop({ deadline: 1 }));
    const conn = await pool.acquire();
    expect(conn).not.toBeNull();
    await pool.release(conn!);

    const actors = events.filter((e) => e.type === '@xstate.actor').map((e) => e.actorRef as AnyActorRef);
    const byId = new Map(actors.map((a) => [a.sessionId, a]));
    const root = actors.find((a) => a._parent === undefined && ((a as unknown as { logic: { id?: string } }).logic).id === 'pool');
    expect(root).toBeDefined();
    const slots = actors.filter((a) => a._parent?.sessionId === root!.sessionId);
    expect(slots.map((a) => a.id).sort()).toEqual(['feeds.slot0', 'feeds.slot1']);
    // A connection's machine sits under a slot.
    const socketMachines = actors.filter((a) => ((a as unknown as { logic: { id?: string } }).logic).id === 'websocket');
    expect(socketMachines.length).toBeGreaterThan(0);
    expect(socketMachines.every((a) => byId.get(a._parent?.sessionId ?? '')?.id.startsWith('feeds.slot'))).toBe(true);
    const seen = JSON.stringify(events.filter((e) => e.type === '@xstate.snapshot').map((e) => (e as { snapshot: { context?: unknown } }).snapshot.context));
    expect(seen).not.toContain('pool-secret-token');
  });

  it('refuses an inspect that is not an observer', () => {
    expect(() => new WebSocketConnectionPool({ inspect: true as never }, { url: 'ws://127.0.0.1:1' })).toThrow(ConfigError);
    expect(() => new WebSocketConnectionPool({ inspect: true as never }, { url: 'ws://127.0.0.1:1' })).toThrow(/inspect/);
  });
});
