/**
 * Item 15: per-endpoint statistics stay bounded. Keys are route templates
 * (`/users/:id`), at most 256 of them, the rest counted under `other`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ApiClient } from '../../src/http/ApiClient.js';
import { endpointKey } from '../../src/rateLimiter/endpointKey.js';
import { json, startServer, type TestServer } from '../helpers/testServer.js';

const servers: TestServer[] = [];
const clients: ApiClient[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  await Promise.all(clients.splice(0).map((c) => c.dispose()));
});

async function setup() {
  const server = await startServer((_q, r) => json(r, 200, { ok: true }));
  servers.push(server);
  const client = new ApiClient({ baseURL: server.url });
  clients.push(client);
  return { server, client };
}

/** Runs `n` GETs, `width` at a time. */
async function run(client: ApiClient, n: number, path: (i: number) => string, width = 32): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < n) await client.get(path(next++));
    }),
  );
}

describe('bounded per-endpoint statistics', () => {
  it('5000 requests to /users/<id> with distinct ids → one key, /users/:id, counting all 5000', async () => {
    const { server, client } = await setup();
    await run(client, 5000, (i) => `/users/${100_000 + i}`);
    expect(server.requests.length).toBe(5000);
    const { byEndpoint, totalRequests } = client.getRateLimiterStats();
    expect(Object.keys(byEndpoint)).toEqual(['/users/:id']);
    expect(byEndpoint['/users/:id']!.totalRequests).toBe(5000);
    expect(totalRequests).toBe(5000);
  }, 60_000);

  it('ids that do not look like ids are capped: 400 distinct paths → at most 256 keys plus other', async () => {
    const { client } = await setup();
    await run(client, 400, (i) => `/files/f${i}x`);
    const { byEndpoint } = client.getRateLimiterStats();
    const keys = Object.keys(byEndpoint);
    expect(keys.length).toBeLessThanOrEqual(257);
    expect(keys).toContain('other');
    const total = Object.values(byEndpoint).reduce((sum, s) => sum + s.totalRequests, 0);
    expect(total).toBe(400);
  }, 30_000);

  it('templates ids, UUIDs and long hex, keeps ordinary segments', () => {
    expect(endpointKey('/users/42/posts/7')).toBe('/users/:id/posts/:id');
    expect(endpointKey('/orders/3f2504e0-4f89-11d3-9a0c-0305e82c3301')).toBe('/orders/:id');
    expect(endpointKey('/blobs/0123456789abcdef0123')).toBe('/blobs/:id');
    expect(endpointKey('/v2/items')).toBe('/v2/items');
    expect(endpointKey('/api/users')).toBe('/api/users');
  });
});
