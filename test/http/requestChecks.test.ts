/**
 * Issue 9 items 2 and 5 (HTTP): every URL dialled passes the security level's
 * rules with the construction error; invalid headers and non-HTTP schemes are a
 * ConfigError at construction or a ValidationError per request, raised before
 * the limiter and breaker: never sent, never retried, never a backend failure.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ApiClient, type ApiClientOptions } from '../../src/http/ApiClient.js';
import { HTTPConnection } from '../../src/http/HTTPConnection.js';
import { SecurityLevel } from '../../src/config/enums.js';
import { ConfigError, ValidationError } from '../../src/errors.js';
import { startServer, type TestServer } from '../helpers/testServer.js';
import { rejection } from '../helpers/rejection.js';

const servers: TestServer[] = [];
const closers: Array<{ dispose(): Promise<void> }> = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  await Promise.all(closers.splice(0).map((c) => c.dispose()));
});

async function serve(): Promise<TestServer> {
  const server = await startServer();
  servers.push(server);
  return server;
}

function thrown(f: () => unknown): any {
  try {
    f();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

/** A breaker that opens on the first counted failure, fast retries. */
const touchy: Partial<ApiClientOptions> = { retries: 3, retryDelay: 1, circuitBreakerOptions: { threshold: 1, volumeThreshold: 1 } };

describe.each(['undici', 'fetch'] as const)('headers and URLs checked before anything is sent (%s)', (transport) => {
  function make(server: TestServer, options: Partial<ApiClientOptions> = {}): ApiClient {
    const c = new ApiClient({ baseURL: server.url, transport, ...touchy, ...options });
    closers.push(c);
    return c;
  }

  it('a configured header with CR/LF or a bad name is a ConfigError naming it', () => {
    const a = thrown(() => new ApiClient({ baseURL: 'http://127.0.0.1:1', headers: { 'X-Trace': 'a\r\nX-Evil: 1' } }));
    expect(a).toBeInstanceOf(ConfigError);
    expect(a.option).toBe('headers.X-Trace');
    const b = thrown(() => new ApiClient({ baseURL: 'http://127.0.0.1:1', headers: { 'Bad Name': 'x' } }));
    expect(b).toBeInstanceOf(ConfigError);
    expect(b.option).toBe('headers.Bad Name');
    const c = thrown(() => new HTTPConnection({ url: 'http://127.0.0.1:1', customHeaders: { Authorization: 'Bearer x\nSet: y' } }));
    expect(c).toBeInstanceOf(ConfigError);
    expect(c.option).toBe('customHeaders.Authorization');
    expect(c.message).not.toContain('Bearer x');
  });

  it('a per-request bad header is a ValidationError naming it: 0 requests, no retry, breaker CLOSED', async () => {
    const server = await serve();
    const client = make(server);
    for (let i = 0; i < 3; i++) {
      const error = await rejection(client.get('/x', { headers: { 'X-Trace': 'a\nb' } }));
      expect(error).toBeInstanceOf(ValidationError);
      expect(error.message).toContain('"X-Trace"');
    }
    client.addRequestInterceptor((config) => ({ ...config, headers: { ...config.headers, 'X Bad': '1' } }));
    expect(await rejection(client.get('/y'))).toBeInstanceOf(ValidationError);
    expect(server.count()).toBe(0);
    expect(client.getCircuitBreakerState().state).toBe('CLOSED');
    expect(client.getStats().retries).toBe(0);
  });

  it.each(['ftp://127.0.0.1:2121/x', 'ws://127.0.0.1:1/x', 'file:///etc/passwd'])('an absolute %s URL is a ValidationError naming it', async (url) => {
    const server = await serve();
    const client = make(server);
    const error = await rejection(client.get(url));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toContain(url);
    expect(client.getCircuitBreakerState().state).toBe('CLOSED');
    expect(client.getStats().retries).toBe(0);
  });

  it('HTTPConnection refuses bad headers and schemes per request the same way', async () => {
    const server = await serve();
    const conn = new HTTPConnection({ url: server.url, transport, circuitBreakerThreshold: 1, retryDelay: 1 });
    closers.push(conn);
    expect(await rejection(conn.send({ url: '/x', headers: { 'X-Trace': 'a\rb' } }))).toBeInstanceOf(ValidationError);
    const error = await rejection(conn.send({ url: 'ftp://127.0.0.1:2121/x' }));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toContain('ftp://127.0.0.1:2121/x');
    expect(server.count()).toBe(0);
    expect(conn.circuitBreaker.state).toBe('CLOSED');
  });

  it('at MAXIMUM a per-request absolute http: URL off loopback is refused with the construction error, before dialling', async () => {
    const server = await serve();
    const client = make(server, { securityLevel: SecurityLevel.MAXIMUM });
    const url = `http://0.0.0.0:${server.port}/x`;
    const atConstruction = thrown(() => new ApiClient({ baseURL: url, securityLevel: SecurityLevel.MAXIMUM }));
    const error = await rejection(client.get(url));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toBe(atConstruction.message);
    expect(server.count()).toBe(0);
    expect(client.getCircuitBreakerState().state).toBe('CLOSED');
  });

  it('HTTPConnection with encryption on refuses a per-request plain URL off loopback', async () => {
    const server = await serve();
    const conn = new HTTPConnection({ url: server.url, transport });
    closers.push(conn);
    const url = `http://0.0.0.0:${server.port}/x`;
    const atConstruction = thrown(() => new HTTPConnection({ url }));
    const error = await rejection(conn.send({ url }));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toBe(atConstruction.message);
    expect(server.count()).toBe(0);
  });
});

describe('a header undici refuses to send (upgrade, transfer-encoding) is the request’s fault', () => {
  it('is a ValidationError: not retried, breaker CLOSED, server sees nothing', async () => {
    const server = await serve();
    const client = new ApiClient({ baseURL: server.url, transport: 'undici', ...touchy });
    closers.push(client);
    for (let i = 0; i < 3; i++) {
      const error = await rejection(client.get('/x', { headers: { Upgrade: 'websocket' } }));
      expect(error).toBeInstanceOf(ValidationError);
    }
    expect(server.count()).toBe(0);
    expect(client.getStats().retries).toBe(0);
    expect(client.getCircuitBreakerState().state).toBe('CLOSED');
  });
});
