/**
 * Item 14 (HTTP) and item 17 (health checks): health is UNKNOWN until the first
 * outcome and recovers when requests succeed, with one RECOVERED event per
 * recovery, not one per success (counted on `actor.send`); `healthCheck()` after
 * `dispose()` rejects; an explicit `healthCheckInterval` polls while connected,
 * and a connection without it does not poll (checks counted at the server, the
 * interval driven by a SimulatedClock).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SimulatedClock } from 'xstate';
import { ApiClient } from '../../src/http/ApiClient.js';
import { ConnectionHealth, HTTPConnection, StatewireError } from '../../src/index.js';
import { json, routes, sequence, startServer, text, type TestServer } from '../helpers/testServer.js';

const servers: TestServer[] = [];
const closers: Array<{ dispose(): Promise<void> }> = [];
afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(servers.splice(0).map((s) => s.close()));
  await Promise.all(closers.splice(0).map((c) => c.dispose()));
});

async function serve(handler: Parameters<typeof startServer>[0]) {
  const server = await startServer(handler);
  servers.push(server);
  return server;
}

/** Counts the events of each type sent to `actor`. */
function countSends(actor: { send(event: never): void }): Record<string, number> {
  const counts: Record<string, number> = {};
  const target = actor as unknown as { send(e: { type: string }): void };
  const send = target.send.bind(target);
  vi.spyOn(target, 'send').mockImplementation((e) => {
    counts[e.type] = (counts[e.type] ?? 0) + 1;
    send(e);
  });
  return counts;
}

const until = async (cond: () => boolean, what: string) => {
  for (let i = 0; i < 1000 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
  if (!cond()) throw new Error(`timed out waiting for ${what}`);
};

describe('HTTP health recovers on success, without an event per success', () => {
  it('HTTPConnection: after a failed health check, successes make it healthy with one RECOVERED for 20 successes', async () => {
    const server = await serve(routes({ '/health': sequence(503, 200), '/users': (_q, r) => json(r, 200, []) }));
    const conn = new HTTPConnection({ url: server.url });
    closers.push(conn);
    const healths: ConnectionHealth[] = [];
    conn.onHealthChange((h) => healths.push(h));
    expect((await conn.healthCheck()).isHealthy).toBe(false);
    expect(healths).toEqual([ConnectionHealth.UNHEALTHY]);
    const sent = countSends(conn.actor);
    for (let i = 0; i < 20; i++) await conn.send({ url: '/users' });
    expect(healths).toEqual([ConnectionHealth.UNHEALTHY, ConnectionHealth.HEALTHY]);
    expect(sent.RECOVERED).toBe(1);
    expect(conn.actor.getSnapshot().value).toMatchObject({ active: { health: 'healthy' } });
  });

  it('ApiClient: health is unknown until the first outcome, healthy after successes, and 50 successes send one event', async () => {
    const server = await serve((_q, r) => json(r, 200, { ok: true }));
    const client = new ApiClient({ baseURL: server.url });
    closers.push(client);
    expect(client.getStats().health).toBe('unknown');
    const sent = countSends(client.actor);
    for (let i = 0; i < 50; i++) await client.get('/x');
    expect(client.getStats().health).toBe('healthy');
    expect(sent).toEqual({ RECOVERED: 1 });
  });

  it('ApiClient: degraded by a failure, healthy again on the next success (one RECOVERED per recovery)', async () => {
    const server = await serve(sequence(500, 200));
    const client = new ApiClient({ baseURL: server.url, retries: 0 });
    closers.push(client);
    await expect(client.get('/x')).rejects.toThrow();
    expect(client.getStats().health).toBe('degraded');
    const sent = countSends(client.actor);
    for (let i = 0; i < 10; i++) await client.get('/x');
    expect(client.getStats().health).toBe('healthy');
    expect(sent.RECOVERED).toBe(1);
  });
});

describe('health checks and the connection lifecycle', () => {
  it('healthCheck() after dispose() rejects and sends nothing', async () => {
    const server = await serve(routes({ '/health': (_q, r) => text(r, 200, 'ok') }));
    const conn = new HTTPConnection({ url: server.url });
    await conn.connect();
    await conn.dispose();
    await expect(conn.healthCheck()).rejects.toBeInstanceOf(StatewireError);
    expect(server.count('/health')).toBe(0);
  });

  it('an explicit healthCheckInterval runs a check every interval while connected, and none after disconnect', async () => {
    const server = await serve(routes({ '/health': (_q, r) => text(r, 200, 'ok') }));
    const clock = new SimulatedClock();
    clock.set(Date.now());
    const conn = new HTTPConnection({ url: server.url, healthCheckInterval: 500, clock });
    closers.push(conn);
    clock.increment(2000);
    expect(server.count('/health')).toBe(0); // not connected yet
    await conn.connect();
    const sent = countSends(conn.actor);
    for (let n = 1; n <= 3; n++) {
      clock.increment(500);
      // Settled (reported to the machine), and the next check scheduled, before the clock moves on.
      await until(() => sent.HEALTH_CHECKED === n, `check ${n}`);
      await new Promise((r) => setImmediate(r));
    }
    expect(server.count('/health')).toBe(3);
    await conn.disconnect();
    clock.increment(5000);
    await new Promise((r) => setTimeout(r, 50));
    expect(server.count('/health')).toBe(3);
  });

  it('a connection without healthCheckInterval does not poll', async () => {
    const server = await serve(routes({ '/health': (_q, r) => text(r, 200, 'ok'), '/x': (_q, r) => json(r, 200, {}) }));
    const clock = new SimulatedClock();
    clock.set(Date.now());
    const conn = new HTTPConnection({ url: server.url, clock });
    closers.push(conn);
    await conn.connect();
    await conn.send({ url: '/x' });
    clock.increment(120_000);
    await new Promise((r) => setTimeout(r, 50));
    expect(server.count('/health')).toBe(0);
  });
});
