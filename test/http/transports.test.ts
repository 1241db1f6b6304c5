import { afterEach, describe, expect, it } from 'vitest';
import { gzipSync, brotliCompressSync } from 'node:zlib';
import { UndiciTransport } from '../../src/http/transports/UndiciTransport.js';
import { FetchTransport } from '../../src/http/transports/FetchTransport.js';
import { createHttpTransport } from '../../src/http/transports/createHttpTransport.js';
import type { HttpTransport } from '../../src/http/transports/HttpTransport.js';
import { ApiError, ConfigError } from '../../src/errors.js';
import { startServer, type TestServer } from '../helpers/testServer.js';

let server: TestServer | undefined;
const transports: HttpTransport[] = [];
afterEach(async () => {
  await Promise.all(transports.splice(0).map((t) => t.close()));
  await server?.close();
});

const big = JSON.stringify({ text: 'x'.repeat(20_000) });
const compressed = (req: { headers: Record<string, unknown> }, res: import('node:http').ServerResponse, encoding: 'gzip' | 'br', body = big) => {
  const data = encoding === 'gzip' ? gzipSync(body) : brotliCompressSync(body);
  res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': encoding, 'content-length': data.length });
  res.end(data);
};

describe.each([
  ['undici', (o: ConstructorParameters<typeof UndiciTransport>[0]) => new UndiciTransport(o)],
  ['fetch', (o: ConstructorParameters<typeof FetchTransport>[0]) => new FetchTransport(o)],
] as const)('%s transport', (_name, make) => {
  const request = (t: HttpTransport, path: string, maxResponseBytes = 1 << 20) =>
    t.request({ method: 'GET', url: `${server!.url}${path}`, headers: {}, timeout: 5_000, maxResponseBytes });

  it('decodes gzip and brotli responses', async () => {
    server = await startServer((req, res) => compressed(req, res, req.url === '/br' ? 'br' : 'gzip'));
    const t = make({});
    transports.push(t);
    expect((await request(t, '/gz')).body).toBe(big);
    expect((await request(t, '/br')).body).toBe(big);
    expect(server.requests[0]!.headers['accept-encoding']).toMatch(/gzip/);
  });

  it('stops at maxResponseBytes, also for a body that only grows when decoded', async () => {
    server = await startServer((req, res) => compressed(req, res, 'gzip', 'a'.repeat(5_000_000)));
    const t = make({});
    transports.push(t);
    const error = await request(t, '/bomb', 100_000).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).message).toMatch(/maxResponseBytes/);
  });

  it('lower-cases response header names', async () => {
    server = await startServer((_req, res) => {
      res.writeHead(200, { 'X-Trace-Id': 'abc', 'Content-Type': 'text/plain' });
      res.end('ok');
    });
    const t = make({});
    transports.push(t);
    const res = await request(t, '/');
    expect(res.headers['x-trace-id']).toBe('abc');
    expect(res.body).toBe('ok');
  });
});

describe('UndiciTransport', () => {
  it('does not ask for compression when compression is off', async () => {
    server = await startServer((_req, res) => res.end('plain'));
    const t = new UndiciTransport({ compression: false });
    transports.push(t);
    await t.request({ method: 'GET', url: `${server.url}/`, headers: {}, timeout: 1_000, maxResponseBytes: 100 });
    expect(server.requests[0]!.headers['accept-encoding']).toBeUndefined();
  });

  it('reuses keep-alive sockets for sequential requests', async () => {
    const ports = new Set<number>();
    server = await startServer((req, res) => {
      ports.add(req.socket.remotePort!);
      res.end('ok');
    });
    const t = new UndiciTransport({ keepAlive: 10_000 });
    transports.push(t);
    for (let i = 0; i < 20; i++) await t.request({ method: 'GET', url: `${server.url}/`, headers: {}, timeout: 1_000, maxResponseBytes: 100 });
    // undici may open a second socket while the first is being released; never one per request.
    expect(ports.size).toBeLessThanOrEqual(2);
  });
});

describe('createHttpTransport', () => {
  it('picks undici in Node, fetch on request, and passes a custom transport through', async () => {
    const auto = await createHttpTransport('auto');
    const fetchT = await createHttpTransport('fetch');
    const custom: HttpTransport = { name: 'mine', request: async () => ({ status: 204, headers: {}, body: '' }), close: async () => {} };
    transports.push(auto, fetchT);
    expect([auto.name, fetchT.name, (await createHttpTransport(custom)).name]).toEqual(['undici', 'fetch', 'mine']);
    await expect(createHttpTransport('carrier-pigeon' as never)).rejects.toBeInstanceOf(ConfigError);
  });
});
