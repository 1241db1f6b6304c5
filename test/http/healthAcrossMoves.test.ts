/**
 * Moving an HTTP client's machine to another actor (attachTo a parent, a
 * manager's addConnection, detach) is no news about the backend: the health and
 * the connected state carry over, and `onHealthChange` is not called.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ApiClient, ConnectionManager, HTTPConnection } from '../../src/index.js';
import { startParentActor } from '../helpers/parentActor.js';
import { json, routes, startServer, type TestServer } from '../helpers/testServer.js';

let server: TestServer | undefined;
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await server?.close();
  server = undefined;
});

async function serve() {
  server = await startServer(
    routes({
      '/x': (_req, res) => json(res, 200, { ok: true }),
      '/down': (_req, res) => json(res, 503, { down: true }),
    }),
  );
  return server;
}

const healthOf = (actor: { getSnapshot(): { value: unknown } }) => (actor.getSnapshot().value as { active: { health: string } }).active.health;
const connectionOf = (actor: { getSnapshot(): { value: unknown } }) => (actor.getSnapshot().value as { active: { connection: string } }).active.connection;

describe('HTTP clients keep their health across attachTo / detach', () => {
  it('ConnectionManager.addConnection: a healthy HTTPConnection stays healthy, counted so, no health change', async () => {
    const { url } = await serve();
    const conn = new HTTPConnection({ url, retryCount: 0 });
    cleanups.push(() => conn.dispose());
    const changes: string[] = [];
    conn.onHealthChange((h) => changes.push(h));
    await conn.connect();
    await conn.send({ url: '/x' });
    expect(changes).toEqual(['healthy']);

    const manager = new ConnectionManager({ healthCheckInterval: 0 });
    cleanups.push(() => manager.dispose());
    manager.addConnection(conn, 'api');
    expect(conn.actor.getSnapshot().value).toEqual({ active: { connection: 'connected', health: 'healthy' } });
    expect(conn.toJSON().health).toBe('healthy');
    expect(conn.isConnected()).toBe(true);
    expect(manager.getStatistics().connectionsByHealth).toMatchObject({ healthy: 1, unknown: 0 });
    expect(changes).toEqual(['healthy']);
  });

  it('attachTo a parent and detach: health (healthy, then degraded) and connection carry over both ways', async () => {
    const { url } = await serve();
    const conn = new HTTPConnection({ url, retryCount: 0 });
    cleanups.push(() => conn.dispose());
    const changes: string[] = [];
    conn.onHealthChange((h) => changes.push(h));
    await conn.connect();
    await conn.send({ url: '/x' });

    const parent = startParentActor();
    cleanups.push(() => parent.stop());
    const child = conn.attachTo(parent, 'api');
    expect(parent.system.get('api')).toBe(child);
    expect(healthOf(child)).toBe('healthy');
    expect(connectionOf(child)).toBe('connected');

    // The moved machine goes on from where it was: a failure degrades it, a success heals it.
    await expect(conn.send({ url: '/down' })).rejects.toThrow();
    expect(healthOf(conn.actor)).toBe('degraded');
    const root = conn.detach();
    expect(parent.system.get('api')).toBeUndefined();
    expect(healthOf(root)).toBe('degraded');
    expect(connectionOf(root)).toBe('connected');
    await conn.send({ url: '/x' });
    expect(healthOf(conn.actor)).toBe('healthy');
    expect(changes).toEqual(['healthy', 'degraded', 'healthy']);
  });

  it('an unhealthy HTTPConnection stays unhealthy under a parent (a failed check)', async () => {
    const { url } = await serve();
    const conn = new HTTPConnection({ url, retryCount: 0, healthPath: '/down' });
    cleanups.push(() => conn.dispose());
    await conn.connect();
    expect((await conn.healthCheck()).isHealthy).toBe(false);
    const parent = startParentActor();
    cleanups.push(() => parent.stop());
    expect(healthOf(conn.attachTo(parent, 'api'))).toBe('unhealthy');
    expect(conn.toJSON().health).toBe('unhealthy');
  });

  it('ApiClient: getStats().health stays healthy under a parent', async () => {
    const { url } = await serve();
    const client = new ApiClient({ baseURL: url, retries: 0 });
    cleanups.push(() => client.dispose());
    await client.get('/x');
    expect(client.getStats().health).toBe('healthy');
    const parent = startParentActor();
    cleanups.push(() => parent.stop());
    const child = client.attachTo(parent, 'billing');
    expect(healthOf(child)).toBe('healthy');
    expect(client.getStats().health).toBe('healthy');
  });

  it('a client that never had an outcome stays unknown (nothing invented)', async () => {
    const { url } = await serve();
    const conn = new HTTPConnection({ url });
    cleanups.push(() => conn.dispose());
    const parent = startParentActor();
    cleanups.push(() => parent.stop());
    expect(conn.attachTo(parent, 'api').getSnapshot().value).toEqual({ active: { connection: 'disconnected', health: 'unknown' } });
  });
});
