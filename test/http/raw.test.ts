/**
 * `{ raw: true }`: a call resolves `{ status, headers, data }` of its final
 * response, against real `node:http` servers on 127.0.0.1: every verb, both
 * transports, after retries, after a redirect; error statuses still reject.
 */
import { afterEach, describe, expect, expectTypeOf, it } from 'vitest';
import { ApiClient, type ApiClientOptions } from '../../src/http/ApiClient.js';
import type { HttpResponse } from '../../src/http/RequestPipeline.js';
import { ApiError } from '../../src/errors.js';
import { json, routes, sequence, startServer, text, type Handler, type TestServer } from '../helpers/testServer.js';
import { rejection } from '../helpers/rejection.js';

const servers: TestServer[] = [];
const clients: ApiClient[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  await Promise.all(clients.splice(0).map((c) => c.dispose()));
});

async function serve(handler: Handler): Promise<TestServer> {
  const server = await startServer(handler);
  servers.push(server);
  return server;
}

function make(server: TestServer, options: Partial<ApiClientOptions> = {}): ApiClient {
  const client = new ApiClient({ baseURL: server.url, retryDelay: 1, maxRetryDelay: 20, ...options });
  clients.push(client);
  return client;
}

interface User {
  id: number;
  name: string;
}

const usersApi: Handler = routes({
  '/users': (req, res) => {
    if (req.method === 'POST') return json(res, 201, { id: 2, ...JSON.parse(req.body) }, { Location: '/users/2' });
    json(res, 200, [{ id: 1, name: 'Ada' }], { 'X-Total-Count': 1 });
  },
  '/users/1': (req, res) => {
    if (req.method === 'DELETE') return void res.writeHead(204, { 'X-Deleted': 'yes' }).end();
    json(res, 200, { id: 1, name: req.method === 'GET' ? 'Ada' : JSON.parse(req.body).name }, { ETag: '"v2"' });
  },
});

describe.each(['undici', 'fetch'] as const)('raw responses (%s transport)', (transport) => {
  it('get resolves the status, the headers (a plain object, lower-case names) and the parsed data', async () => {
    const client = make(await serve(usersApi), { transport });
    const res = await client.get<User[]>('/users', { raw: true });
    expectTypeOf(res).toEqualTypeOf<HttpResponse<User[]>>();
    expectTypeOf(res).toMatchTypeOf<{ status: number; headers: Record<string, string>; data: User[] }>();
    expect(res.status).toBe(200);
    expect(res.data).toEqual([{ id: 1, name: 'Ada' }]);
    expect(Object.getPrototypeOf(res.headers)).toBe(Object.prototype);
    expect(res.headers['x-total-count']).toBe('1');
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(Object.keys(res.headers).every((name) => name === name.toLowerCase())).toBe(true);
  });

  it('without raw (or with raw: false) the call resolves the data alone, as before', async () => {
    const client = make(await serve(usersApi), { transport });
    const data = await client.get<User[]>('/users');
    expectTypeOf(data).toEqualTypeOf<User[]>();
    expect(data).toEqual([{ id: 1, name: 'Ada' }]);
    expect(await client.get('/users', { raw: false })).toEqual([{ id: 1, name: 'Ada' }]);
  });

  it('every verb and request() take raw', async () => {
    const client = make(await serve(usersApi), { transport });
    const created = await client.post<User>('/users', { name: 'Grace' }, { raw: true });
    expect([created.status, created.headers.location, created.data]).toEqual([201, '/users/2', { id: 2, name: 'Grace' }]);
    const put = await client.put<User>('/users/1', { name: 'Ada L.' }, { raw: true });
    expect([put.status, put.headers.etag, put.data.name]).toEqual([200, '"v2"', 'Ada L.']);
    const patched = await client.patch<User>('/users/1', { name: 'Ada K.' }, { raw: true });
    expect([patched.status, patched.data.name]).toEqual([200, 'Ada K.']);
    const deleted = await client.delete('/users/1', { raw: true });
    expect([deleted.status, deleted.headers['x-deleted'], deleted.data]).toEqual([204, 'yes', '']);
    const head = await client.head('/users', { raw: true });
    expectTypeOf(head.data).toEqualTypeOf<Record<string, string>>();
    expect(head.status).toBe(200);
    expect(head.data).toEqual(head.headers); // what head() resolves to without raw
    const any = await client.request<User>({ method: 'GET', url: '/users/1', raw: true });
    expectTypeOf(any).toEqualTypeOf<HttpResponse<User>>();
    expect([any.status, any.data]).toEqual([200, { id: 1, name: 'Ada' }]);
  });

  it('after retries: the status and headers of the attempt that succeeded', async () => {
    let attempt = 0;
    const server = await serve((_req, res) => {
      attempt++;
      if (attempt < 3) return json(res, 503, { error: 'busy' }, { 'X-Attempt': attempt });
      json(res, 200, { ok: true }, { 'X-Attempt': attempt });
    });
    const client = make(server, { transport, retries: 2 });
    const res = await client.get('/flaky', { raw: true });
    expect(server.count('/flaky')).toBe(3);
    expect([res.status, res.headers['x-attempt'], res.data]).toEqual([200, '3', { ok: true }]);
    expect(client.getStats().retries).toBe(2);
  });

  it('after a redirect: the final response, not the 3xx', async () => {
    const server = await serve(
      routes({
        '/old': (_req, res) => void res.writeHead(302, { Location: '/new', 'X-Hop': 'first' }).end(),
        '/new': (_req, res) => text(res, 200, 'moved here', { 'X-Hop': 'final' }),
      }),
    );
    const client = make(server, { transport });
    const res = await client.get<string>('/old', { raw: true });
    expect([res.status, res.headers['x-hop'], res.data]).toEqual([200, 'final', 'moved here']);
    expect(server.count('/old')).toBe(1);
    expect(server.count('/new')).toBe(1);
  });

  it('an error status still rejects with ApiError, also once retries are spent', async () => {
    const server = await serve(routes({ '/gone': (_req, res) => json(res, 404, { error: 'gone' }), '/down': sequence(503) }));
    const client = make(server, { transport, retries: 1 });
    const notFound = await rejection(client.get('/gone', { raw: true }));
    expect(notFound).toBeInstanceOf(ApiError);
    expect([(notFound as ApiError).status, (notFound as ApiError).body]).toEqual([404, { error: 'gone' }]);
    const down = await rejection(client.get('/down', { raw: true }));
    expect(down).toBeInstanceOf(ApiError);
    expect((down as ApiError).status).toBe(503);
    expect(server.count('/down')).toBe(2);
  });
});

describe('raw responses and interceptors', () => {
  it('a raw call skips response interceptors; a request interceptor may turn raw on', async () => {
    const client = make(await serve(usersApi));
    const seen: number[] = [];
    client.addResponseInterceptor((response) => (seen.push(response.status), { wrapped: response.data }));
    expect(await client.get('/users/1')).toEqual({ wrapped: { id: 1, name: 'Ada' } });
    const res = await client.get<User>('/users/1', { raw: true });
    expect([res.status, res.data]).toEqual([200, { id: 1, name: 'Ada' }]);
    expect(seen).toEqual([200]);
    client.addRequestInterceptor((config) => ({ ...config, raw: config.url === '/users' }));
    const listed = (await client.get('/users')) as HttpResponse<User[]>;
    expect([listed.status, listed.data]).toEqual([200, [{ id: 1, name: 'Ada' }]]);
  });

  it('a raw: boolean variable gives the union type', async () => {
    const client = make(await serve(usersApi));
    const raw = Math.random() < 2;
    const res = await client.get<User>('/users/1', { raw });
    expectTypeOf(res).toEqualTypeOf<User | HttpResponse<User>>();
    expect((res as HttpResponse<User>).status).toBe(200);
  });
});
