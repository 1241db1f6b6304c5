/**
 * Pools of real WebSocket connections against `ws` servers on 127.0.0.1: the
 * server never sees more than maxSize sockets, waiters are served in order,
 * dropped connections are replaced, the actor tree is pool → slots → connections.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SimulatedClock, type AnyActorRef } from 'xstate';
import { ConnectionPool, WebSocketConnection, WebSocketConnectionPool, type PoolEventMap } from '../../src/index.js';
import { refusedPort, sleep, startWsServer, tracker, waitFor } from '../helpers/wsServer.js';

const track = tracker();
const pools: Array<{ stop(o?: { deadline?: number }): Promise<void> }> = [];
const keep = <P extends { stop(o?: { deadline?: number }): Promise<void> }>(p: P) => (pools.push(p), p);
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.stop({ deadline: 1 })));
  await track.cleanup();
});

function record<E extends keyof PoolEventMap>(pool: ConnectionPool<never> | ConnectionPool<WebSocketConnection>, event: E): Array<PoolEventMap[E]> {
  const seen: Array<PoolEventMap[E]> = [];
  (pool as ConnectionPool<WebSocketConnection>).on(event, (p) => seen.push(p));
  return seen;
}

describe('WebSocketConnectionPool against a real server', () => {
  it('200 concurrent acquires on maxSize 8: never more than 8 sockets at the server, served in FIFO order', async () => {
    let most = 0;
    const server = track.server(await startWsServer({ onConnection: (_s, _i, srv) => void (most = Math.max(most, srv.clients.size)) }));
    const pool = keep(new WebSocketConnectionPool({ maxSize: 8, acquireTimeout: 30 }, { url: server.url, healthUrl: false }));
    const order: number[] = [];
    const leasedTwice: number[] = [];
    const holders = new Set<WebSocketConnection>();
    await Promise.all(
      Array.from({ length: 200 }, async (_, i) => {
        const conn = await pool.acquire();
        expect(conn).not.toBeNull();
        if (holders.has(conn!)) leasedTwice.push(i);
        holders.add(conn!);
        order.push(i);
        conn!.send({ i });
        await sleep(1);
        holders.delete(conn!);
        await pool.release(conn!);
      }),
    );
    expect(leasedTwice).toEqual([]);
    expect(order).toEqual(Array.from({ length: 200 }, (_, i) => i));
    await server.waitForMessages(200);
    expect(most).toBeLessThanOrEqual(8);
    expect(server.connections).toBe(8);
    expect(pool.getStats()).toMatchObject({ size: 8, available: 8, leased: 0, pending: 0, created: 8 });
  });

  it('the actor tree is pool → slots → connections, and stopping the pool closes every socket', async () => {
    const server = track.server(await startWsServer());
    const pool = new WebSocketConnectionPool({ maxSize: 2, minSize: 2, name: 'realtime' }, { url: server.url, healthUrl: false });
    await pool.start();
    const root = pool.actor!;
    const slot = root.system.get('realtime.slot0') as AnyActorRef;
    expect(Object.keys(root.getSnapshot().children).sort()).toEqual(['realtime.slot0', 'realtime.slot1']);
    expect(slot.getSnapshot().value).toBe('idle');
    const conn = (await pool.acquire())!;
    // The lease reaches the slot actor within one event-loop turn.
    await sleep(0);
    const leasedSlot = Object.values(root.getSnapshot().children).find((s) => (s as AnyActorRef).getSnapshot().value === 'leased') as AnyActorRef;
    expect(leasedSlot).toBeDefined();
    const children = Object.values(leasedSlot.getSnapshot().children) as AnyActorRef[];
    expect(children).toContain(conn.actor);
    expect(conn.actor.getSnapshot().matches('session')).toBe(true);
    await pool.release(conn);
    await sleep(0);
    expect(leasedSlot.getSnapshot().value).toBe('idle');
    await pool.stop();
    await waitFor(() => server.clients.size === 0);
    expect(server.closes.map((c) => c.code)).toEqual([1000, 1000]);
  });

  it('a dropped idle connection is destroyed and replaced (no reconnect of its own: never more than maxSize sockets)', async () => {
    let most = 0;
    const server = track.server(await startWsServer({ echo: true, onConnection: (_s, _i, srv) => void (most = Math.max(most, srv.clients.size)) }));
    const pool = keep(new WebSocketConnectionPool({ maxSize: 2, minSize: 2 }, { url: server.url, healthUrl: false, reconnectDelay: 1 }));
    const destroyed = record(pool, 'destroyed');
    await pool.start();
    server.terminateAll();
    await waitFor(() => destroyed.length === 2);
    expect(destroyed.map((d) => d.reason)).toEqual(['dropped', 'dropped']);
    await waitFor(() => pool.getStats().available === 2);
    const conn = (await pool.acquire())!;
    expect(conn.isConnected()).toBe(true);
    conn.send({ again: true });
    expect(await conn.receive(2000)).toEqual({ again: true });
    await pool.release(conn);
    expect(server.connections).toBe(4);
    expect(most).toBeLessThanOrEqual(2);
  });

  it('a connection that drops while leased is destroyed when it comes back, and replaced', async () => {
    const server = track.server(await startWsServer());
    const pool = keep(new WebSocketConnectionPool({ maxSize: 1 }, { url: server.url, healthUrl: false }));
    const destroyed = record(pool, 'destroyed');
    const conn = (await pool.acquire())!;
    server.terminateAll();
    await waitFor(() => !conn.isConnected());
    expect(pool.getStats()).toMatchObject({ leased: 1 });
    await pool.release(conn);
    expect(destroyed).toEqual([{ slot: 'pool.slot0', reason: 'dropped' }]);
    const next = (await pool.acquire())!;
    expect(next).not.toBe(conn);
    expect(next.isConnected()).toBe(true);
    await pool.release(next);
  });

  it('a dead idle connection is never handed out: validation on borrow replaces it', async () => {
    const server = track.server(await startWsServer());
    let killed: WebSocketConnection | undefined;
    const pool = keep(
      new ConnectionPool<WebSocketConnection>({ maxSize: 2, minSize: 1 }, (config) => new WebSocketConnection({ ...config, url: server.url, healthUrl: false })),
    );
    const failed = record(pool, 'validation_failed');
    await pool.start();
    const first = (await pool.acquire())!;
    await pool.release(first);
    // Dead in a way no close event reported yet: its socket is gone from under it.
    killed = first;
    (killed as unknown as { ready: boolean }).ready = false;
    const got = (await pool.acquire())!;
    expect(got).not.toBe(first);
    expect(got.isConnected()).toBe(true);
    expect(failed).toEqual([{ slot: 'pool.slot0', error: 'invalid before borrowing' }]);
    await pool.release(got);
  });

  it('the server down during pre-warm: the factory is called a bounded number of times over a simulated minute', async () => {
    const port = await refusedPort();
    const clock = new SimulatedClock();
    let calls = 0;
    const pool = keep(
      new ConnectionPool<WebSocketConnection>({ maxSize: 4, minSize: 2, clock }, () => {
        calls++;
        return new WebSocketConnection({ url: `ws://127.0.0.1:${port}/ws`, retryCount: 0, healthUrl: false, clock });
      }),
    );
    const failures = record(pool, 'create_failed');
    await pool.start();
    expect(calls).toBe(2);
    for (let t = 0; t < 60_000; t += 250) {
      clock.increment(250);
      await sleep(2);
    }
    expect(calls).toBeGreaterThanOrEqual(6);
    expect(calls).toBeLessThanOrEqual(18);
    await waitFor(() => failures.length === calls);
    expect(failures[0]).toMatchObject({ slot: 'pool.slot0', attempt: 1 });
    expect(pool.getStats()).toMatchObject({ size: 0, createFailures: calls });
  });
});
