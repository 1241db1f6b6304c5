/**
 * FlakyHttpServer (statewire/testing) against ApiClient and plain fetch: status
 * sequences, Retry-After, redirects, hanging and reset requests, recording.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ApiClient } from '../../../src/index.js';
import { FlakyHttpServer, waitUntil } from '../../../src/testing/index.js';

const servers: FlakyHttpServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
async function started(options?: ConstructorParameters<typeof FlakyHttpServer>[0]) {
  const server = new FlakyHttpServer(options);
  servers.push(server);
  await server.start();
  return server;
}

describe('FlakyHttpServer', () => {
  it('answers a path its scripted statuses in order, then the fallback', async () => {
    const server = await started({ script: { '/a': [{ status: 500 }, { status: 404, body: 'nope' }] } });
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const a1 = await fetch(`${server.url}/a`);
    expect([a1.status, await a1.json()]).toEqual([500, { ok: false, status: 500 }]);
    const a2 = await fetch(`${server.url}/a`);
    expect([a2.status, await a2.text()]).toEqual([404, 'nope']);
    expect((await fetch(`${server.url}/a`)).status).toBe(200);
    server.setFallback({ status: 204, body: '' });
    expect((await fetch(`${server.url}/b`)).status).toBe(204);
  });

  it('ApiClient rides out 503 with Retry-After and a 500, and the server saw each attempt with its headers', async () => {
    const server = await started();
    server.script('/users', { status: 503, retryAfter: 0 }, { status: 500 }, { body: [{ id: 1 }] });
    const api = new ApiClient({ baseURL: server.url, retryDelay: 1, circuitBreaker: false, headers: { authorization: 'Bearer t' } });
    await expect(api.get('/users?page=2')).resolves.toEqual([{ id: 1 }]);
    expect(server.count('/users')).toBe(3);
    expect(server.requests.map((r) => [r.method, r.url, r.step.status])).toEqual([
      ['GET', '/users?page=2', 503],
      ['GET', '/users?page=2', 500],
      ['GET', '/users?page=2', undefined],
    ]);
    expect(server.requests[0]!.headers.authorization).toBe('Bearer t'); // recorded as sent: the server is yours
    const r = await fetch(`${server.url}/x`, { method: 'POST', body: 'hi' }).then(() => server.requests.at(-1)!);
    expect([r.method, r.body]).toEqual(['POST', 'hi']);
  });

  it('Retry-After as an HTTP date, sent as given', async () => {
    const date = new Date(Date.now() + 60_000).toUTCString();
    const server = await started({ script: { '*': [{ status: 429, retryAfter: date }] } });
    const res = await fetch(`${server.url}/any`);
    expect([res.status, res.headers.get('retry-after')]).toEqual([429, date]);
  });

  it('redirects to a path of its own (followed by ApiClient) or elsewhere', async () => {
    const server = await started({ script: { '/old': [{ redirect: '/new' }], '/new': [{ body: { moved: true } }], '/perm': [{ status: 301, redirect: 'http://127.0.0.1:1/x' }] } });
    const api = new ApiClient({ baseURL: server.url, circuitBreaker: false });
    await expect(api.get('/old')).resolves.toEqual({ moved: true });
    expect(server.requests.map((r) => r.path)).toEqual(['/old', '/new']);
    const res = await fetch(`${server.url}/perm`, { redirect: 'manual' });
    expect([res.status, res.headers.get('location')]).toEqual([301, 'http://127.0.0.1:1/x']);
  });

  it('a hanging request times out at the client; close() does not wait for hanging requests', async () => {
    const server = await started({ script: { '/hang': [{ hang: true }, { hang: true }] } });
    const api = new ApiClient({ baseURL: server.url, timeout: 100, retries: 0, circuitBreaker: false });
    await expect(api.get('/hang')).rejects.toMatchObject({ isTimeoutError: true });
    await waitUntil(() => server.pending === 0, 2_000, 'the client to abandon the request');
    expect(server.requests[0]!.closedEarly).toBe(true);
    const pending = fetch(`${server.url}/hang`).catch((e: Error) => e);
    await server.waitForRequests(2);
    expect(server.pending).toBe(1);
    await server.close();
    expect(await pending).toBeInstanceOf(Error);
  });

  it('a reset answers nothing (a network error); a delay answers late', async () => {
    const server = await started({ script: { '/r': [{ reset: true }], '/d': [{ delay: 50, body: 'late' }] } });
    await expect(fetch(`${server.url}/r`)).rejects.toThrow();
    const api = new ApiClient({ baseURL: server.url, retries: 0, circuitBreaker: false });
    await expect(api.get('/r')).resolves.toEqual({ ok: true, status: 200 }); // the script is used up: fallback
    await expect(api.get('/d')).resolves.toBe('late');
  });
});
