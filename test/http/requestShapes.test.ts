/**
 * Issue 9 item 17 (HTTP part): a `URL` object as the path, array params as
 * repeated names, the health path joined to the URL's path without its query,
 * stacked content encodings decoded, and `head()` resolving the headers.
 */
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiClient } from '../../src/http/ApiClient.js';
import { HTTPConnection } from '../../src/http/HTTPConnection.js';
import { json, startServer, type Handler, type TestServer } from '../helpers/testServer.js';

const servers: TestServer[] = [];
const closers: Array<{ dispose(): Promise<void> }> = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  await Promise.all(closers.splice(0).map((c) => c.dispose()));
});

async function serve(handler?: Handler): Promise<TestServer> {
  const server = await startServer(handler ?? ((req, res) => json(res, 200, { url: req.url }, { 'x-total': 5 })));
  servers.push(server);
  return server;
}

describe.each(['undici', 'fetch'] as const)('request shapes (%s)', (transport) => {
  function make(server: TestServer, baseURL = server.url): ApiClient {
    const c = new ApiClient({ baseURL, transport, retries: 0 });
    closers.push(c);
    return c;
  }

  it('get(new URL(...)) accepts a URL object', async () => {
    const server = await serve();
    await expect(make(server).get(new URL(`${server.url}/u?x=1`))).resolves.toEqual({ url: '/u?x=1' });
  });

  it('array params repeat the name, as URLSearchParams.append does', async () => {
    const server = await serve();
    await expect(make(server).get('/p', { params: { a: [1, 2], b: 'x', c: undefined } })).resolves.toEqual({ url: '/p?a=1&a=2&b=x' });
  });

  it("a base URL's query goes with relative requests, joined after its path", async () => {
    const server = await serve();
    await expect(make(server, `${server.url}/api?v=2`).get('/users?page=3')).resolves.toEqual({ url: '/api/users?v=2&page=3' });
  });

  it('healthCheck() joins the health path to the URL path and sends no query', async () => {
    const server = await serve();
    const conn = new HTTPConnection({ url: `${server.url}/api?token=tok-123456&v=2`, transport });
    closers.push(conn);
    await expect(conn.healthCheck()).resolves.toMatchObject({ isHealthy: true });
    expect(server.requests.map((r) => r.url)).toEqual(['/api/health']);
  });

  it('decodes stacked encodings (content-encoding: gzip, gzip)', async () => {
    const server = await serve((_req, res) => {
      const body = gzipSync(gzipSync(JSON.stringify({ twice: true })));
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip, gzip', 'content-length': body.length });
      res.end(body);
    });
    await expect(make(server).get('/z')).resolves.toEqual({ twice: true });
  });

  it('head() resolves the response headers', async () => {
    const server = await serve();
    const headers = await make(server).head('/h');
    expect(headers).toMatchObject({ 'x-total': '5', 'content-type': 'application/json' });
  });
});
