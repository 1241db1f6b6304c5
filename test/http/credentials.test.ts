/**
 * Issue 9 item 1: configured credentials (URL user-info, sensitive configured
 * headers, query tokens of the base URL) go only to the configured origin. A
 * request to another origin carries only what it set itself (an interceptor's
 * headers count as its own). Two real servers on two ports, both transports.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ApiClient } from '../../src/http/ApiClient.js';
import { HTTPConnection } from '../../src/http/HTTPConnection.js';
import { json, startServer, type TestServer } from '../helpers/testServer.js';

const servers: TestServer[] = [];
const closers: Array<{ dispose(): Promise<void> }> = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  await Promise.all(closers.splice(0).map((c) => c.dispose()));
});

async function twoServers(): Promise<[TestServer, TestServer]> {
  const echo = (req: { url?: string }, res: Parameters<typeof json>[0]) => json(res, 200, { url: req.url });
  const a = await startServer(echo);
  const b = await startServer(echo);
  servers.push(a, b);
  return [a, b];
}

const API_KEY = 'k-live-7f3a9c2e11';
const TENANT_TOKEN = 'tt-5b8d0e4f77';
const PASSWORD = 'pw-9q8w7e6r';
const QUERY_TOKEN = 'qt-1a2b3c4d5e';

describe.each(['undici', 'fetch'] as const)('configured credentials stay on the configured origin (%s)', (transport) => {
  function client(a: TestServer): ApiClient {
    const c = new ApiClient({
      baseURL: `http://ann:${PASSWORD}@127.0.0.1:${a.port}/api?token=${QUERY_TOKEN}`,
      headers: { 'X-API-Key': API_KEY, 'X-Tenant-Token': TENANT_TOKEN, Accept: 'application/json' },
      transport,
      retries: 0,
    });
    closers.push(c);
    return c;
  }

  it('sends them to the configured origin, relative paths and absolute URLs alike', async () => {
    const [a] = await twoServers();
    const c = client(a);
    await c.get('/users');
    await c.get(`${a.url}/abs`);
    const [relative, absolute] = a.requests;
    expect(relative!.url).toBe(`/api/users?token=${QUERY_TOKEN}`);
    expect(relative!.headers.authorization).toBe(`Basic ${btoa(`ann:${PASSWORD}`)}`);
    expect(relative!.headers['x-api-key']).toBe(API_KEY);
    expect(absolute!.headers['x-api-key']).toBe(API_KEY);
    expect(absolute!.headers.authorization).toBeDefined();
  });

  it('sends none of them to another origin named by an absolute URL; non-secret headers still go', async () => {
    const [a, b] = await twoServers();
    const c = client(a);
    await expect(c.get(`${b.url}/x`)).resolves.toEqual({ url: '/x' });
    const seen = b.requests[0]!;
    expect(seen.headers.authorization).toBeUndefined();
    expect(seen.headers['x-api-key']).toBeUndefined();
    expect(seen.headers['x-tenant-token']).toBeUndefined();
    expect(seen.headers.accept).toBe('application/json');
    expect(JSON.stringify(seen)).not.toContain(QUERY_TOKEN);
    expect(a.requests).toHaveLength(0);
  });

  it("a request's own headers, and an interceptor's, go to the origin it names", async () => {
    const [a, b] = await twoServers();
    const c = client(a);
    await c.get(`${b.url}/own`, { headers: { 'X-API-Key': 'own-key-123' } });
    c.addRequestInterceptor((config) => ({ ...config, headers: { ...config.headers, Authorization: 'Bearer from-interceptor-1' } }));
    await c.get(`${b.url}/intercepted`);
    expect(b.requests[0]!.headers['x-api-key']).toBe('own-key-123');
    expect(b.requests[0]!.headers.authorization).toBeUndefined();
    expect(b.requests[1]!.headers.authorization).toBe('Bearer from-interceptor-1');
    expect(b.requests[1]!.headers['x-api-key']).toBeUndefined();
  });

  it('HTTPConnection.send({ url: absolute }) to another origin carries no configured credentials', async () => {
    const [a, b] = await twoServers();
    const conn = new HTTPConnection({
      url: `http://127.0.0.1:${a.port}/?token=${QUERY_TOKEN}`,
      customHeaders: { Authorization: 'Bearer cfg-token-31337', 'X-API-Key': API_KEY },
      transport,
      retryCount: 0,
    });
    closers.push(conn);
    await conn.send({ url: '/mine' });
    await conn.send({ url: `${b.url}/theirs` });
    expect(a.requests[0]!.headers.authorization).toBe('Bearer cfg-token-31337');
    const seen = b.requests[0]!;
    expect(seen.url).toBe('/theirs');
    expect(seen.headers.authorization).toBeUndefined();
    expect(seen.headers['x-api-key']).toBeUndefined();
  });
});
