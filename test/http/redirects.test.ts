/**
 * Issue 9 items 1-3: redirects behave alike on undici and fetch in Node, follow
 * got's rules (maxRedirects, 303 → GET, 301/302 after POST → GET, 307/308 keep
 * method and body), drop credentials on a hop to another origin, and check every
 * hop's URL before dialling it. Real servers on 127.0.0.1.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ApiClient, type ApiClientOptions } from '../../src/http/ApiClient.js';
import { HTTPConnection } from '../../src/http/HTTPConnection.js';
import { FetchTransport } from '../../src/http/transports/FetchTransport.js';
import { SecurityLevel } from '../../src/config/enums.js';
import { ApiError, ConfigError, TimeoutError, ValidationError } from '../../src/errors.js';
import { json, routes, startServer, type Handler, type TestServer } from '../helpers/testServer.js';
import { rejection } from '../helpers/rejection.js';

const servers: TestServer[] = [];
const closers: Array<{ dispose(): Promise<void> }> = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  await Promise.all(closers.splice(0).map((c) => c.dispose()));
});

async function serve(handler: Handler): Promise<TestServer> {
  const server = await startServer(handler);
  servers.push(server);
  return server;
}

function redirect(status: number, location: string): Handler {
  return (_req, res) => {
    res.writeHead(status, { location, 'content-length': 0 });
    res.end();
  };
}

const echo: Handler = (req, res) => json(res, 200, { method: req.method, url: req.url, body: req.body, type: req.headers['content-type'] ?? null });

describe.each(['undici', 'fetch'] as const)('redirects (%s)', (transport) => {
  function make(server: TestServer, options: Partial<ApiClientOptions> = {}): ApiClient {
    const c = new ApiClient({ baseURL: server.url, transport, retryDelay: 1, ...options });
    closers.push(c);
    return c;
  }

  it.each([301, 302, 303, 307, 308])('follows a %i to the final answer', async (status) => {
    const server = await serve(routes({ '/from': redirect(status, '/to'), '/to': echo }));
    await expect(make(server).get('/from')).resolves.toMatchObject({ method: 'GET', url: '/to' });
    expect(server.requests.map((r) => r.url)).toEqual(['/from', '/to']);
  });

  it('303 turns a POST into a GET without its body; 301/302 after a POST too', async () => {
    const server = await serve(routes({ '/303': redirect(303, '/to'), '/302': redirect(302, '/to'), '/301': redirect(301, '/to'), '/to': echo }));
    const client = make(server);
    for (const from of ['/303', '/302', '/301']) {
      await expect(client.post(from, { a: 1 })).resolves.toEqual({ method: 'GET', url: '/to', body: '', type: null });
    }
  });

  it('307 and 308 keep the method and the body', async () => {
    const server = await serve(routes({ '/307': redirect(307, '/to'), '/308': redirect(308, '/to'), '/to': echo }));
    const client = make(server);
    await expect(client.post('/307', { a: 1 })).resolves.toEqual({ method: 'POST', url: '/to', body: '{"a":1}', type: 'application/json' });
    await expect(client.put('/308', 'text')).resolves.toMatchObject({ method: 'PUT', url: '/to', body: 'text' });
  });

  it('a loop rejects with an ApiError naming the chain length, after maxRedirects + 1 requests, not retried', async () => {
    const server = await serve(redirect(302, '/loop'));
    const error = await rejection(make(server, { retries: 2 }).get('/loop'));
    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBe(302);
    expect(error.message).toMatch(/too many redirects: a chain of 11 redirects exceeds maxRedirects 10/);
    expect(server.count()).toBe(11);
  });

  it('maxRedirects bounds the chain', async () => {
    const server = await serve(redirect(307, '/loop'));
    const error = await rejection(make(server, { maxRedirects: 3 }).get('/loop'));
    expect(error.message).toMatch(/a chain of 4 redirects exceeds maxRedirects 3/);
    expect(server.count()).toBe(4);
  });

  it('maxRedirects: 0 returns the 3xx as an ApiError with its location', async () => {
    const server = await serve(routes({ '/from': redirect(302, '/to?token=tok-abcdef'), '/to': echo }));
    const error = await rejection(make(server, { maxRedirects: 0 }).get('/from'));
    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBe(302);
    expect(error.location).toBe(`${server.url}/to?token=[REDACTED]`);
    expect(server.count()).toBe(1);
  });

  it('a hop to another origin drops every credential header, configured or the request’s own', async () => {
    const other = await serve(echo);
    const server = await serve(redirect(302, `${other.url}/landed`));
    const client = make(server, { headers: { 'X-API-Key': 'k-cfg-123456', Accept: 'application/json' } });
    await expect(client.get('/go', { headers: { Authorization: 'Bearer own-token-123' } })).resolves.toMatchObject({ url: '/landed' });
    expect(server.requests[0]!.headers['x-api-key']).toBe('k-cfg-123456');
    const landed = other.requests[0]!;
    expect(landed.headers['x-api-key']).toBeUndefined();
    expect(landed.headers.authorization).toBeUndefined();
    expect(landed.headers.accept).toBe('application/json');
  });

  it('a hop to a URL the security level forbids is refused with the construction error, before it is dialled', async () => {
    const target = await serve(echo);
    const server = await serve(redirect(302, `http://0.0.0.0:${target.port}/x`));
    const client = make(server, { securityLevel: SecurityLevel.MAXIMUM });
    const error = await rejection(client.get('/go'));
    expect(error).toBeInstanceOf(ConfigError);
    let atConstruction: unknown;
    try {
      new ApiClient({ baseURL: `http://0.0.0.0:${target.port}/x`, securityLevel: SecurityLevel.MAXIMUM });
    } catch (e) {
      atConstruction = e;
    }
    expect(error.message).toBe((atConstruction as Error).message);
    expect(target.count()).toBe(0);
  });

  it('a hop to ftp: is a ValidationError naming the URL', async () => {
    const server = await serve(redirect(301, 'ftp://127.0.0.1:2121/file'));
    const error = await rejection(make(server).get('/go'));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toContain('ftp://127.0.0.1:2121/file');
  });

  it('a 303 after HEAD stays HEAD; an invalid Location is an ApiError, not a retry', async () => {
    const server = await serve(routes({ '/h': redirect(303, '/to'), '/to': echo, '/bad': redirect(302, 'http://[::1') }));
    const client = make(server, { retries: 2 });
    await client.head('/h');
    expect(server.requests.map((r) => `${r.method} ${r.url}`)).toEqual(['HEAD /h', 'HEAD /to']);
    const error = await rejection(client.get('/bad'));
    expect(error).toBeInstanceOf(ApiError);
    expect(error.message).toContain('invalid Location');
    expect(server.count('/bad')).toBe(1);
  });

  it("the attempt's timeout covers the whole chain: the next hop gets what is left", async () => {
    const server = await serve(
      routes({
        '/slow': (_req, res) => setTimeout(() => redirect(307, '/hang')(_req, res), 150),
        '/hang': () => {},
      }),
    );
    const error = await rejection(make(server, { timeout: 1000, retries: 0 }).get('/slow'));
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.timeout).toBeLessThanOrEqual(850);
    expect(server.requests.map((r) => r.url)).toEqual(['/slow', '/hang']);
  });

  it('HTTPConnection follows redirects the same way', async () => {
    const server = await serve(routes({ '/from': redirect(303, '/to'), '/to': echo }));
    const conn = new HTTPConnection({ url: server.url, transport, retryCount: 0 });
    closers.push(conn);
    await expect(conn.send({ method: 'POST', url: '/from', body: { a: 1 } })).resolves.toMatchObject({ status: 200, data: { method: 'GET', url: '/to' } });
  });
});

describe('redirects in a browser (fetch follows them itself)', () => {
  it("asks fetch for redirect: 'follow', or 'error' with maxRedirects: 0; in Node for 'manual'", async () => {
    const seen: Array<RequestRedirect | undefined> = [];
    const fetchSpy = (async (_url: string, init: RequestInit) => {
      seen.push(init.redirect);
      return new Response('{}', { status: 200, headers: { 'content-type': 'application/json' } });
    }) as unknown as typeof fetch;
    const browserLike = (maxRedirects?: number) =>
      new ApiClient({ baseURL: 'http://127.0.0.1:1', transport: new FetchTransport({ fetch: fetchSpy, followsRedirects: true }), maxRedirects });
    const node = new ApiClient({ baseURL: 'http://127.0.0.1:1', transport: new FetchTransport({ fetch: fetchSpy }) });
    const clients = [browserLike(), browserLike(0), node];
    closers.push(...clients);
    for (const c of clients) await c.get('/x');
    expect(seen).toEqual(['follow', 'error', 'manual']);
  });
});
