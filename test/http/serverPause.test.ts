/**
 * Item 7: a server-imposed pause (another call's 429/503 with Retry-After) does
 * not make an unrelated call fail at once. A call with a retry left whose budget
 * covers the pause waits it out (plus a small release jitter), using up that
 * retry; otherwise it rejects with `RateLimitError { reason: 'server' }`. The
 * local token bucket's refusals say `reason: 'client'`. Waits run on a
 * SimulatedClock advanced by each scheduled delay: no timing in the assertions.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import { ApiClient, type ApiClientOptions } from '../../src/http/ApiClient.js';
import { ApiError, RateLimitError } from '../../src/errors.js';
import { json, routes, startServer, type TestServer } from '../helpers/testServer.js';
import { rejection } from '../helpers/rejection.js';

const servers: TestServer[] = [];
const clients: ApiClient[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  await Promise.all(clients.splice(0).map((c) => c.dispose()));
});

const api = routes({
  '/busy': (_q, r) => json(r, 503, { busy: true }, { 'retry-after': '1' }),
  '/broken': (_q, r) => json(r, 200, { ok: true }),
});

async function setup(options: Partial<ApiClientOptions> = {}) {
  const server = await startServer(api);
  servers.push(server);
  const clock = new SimulatedClock();
  clock.set(Date.now());
  const client = new ApiClient({ baseURL: server.url, retryDelay: 10, clock, ...options });
  clients.push(client);
  const delays: number[] = [];
  client.actor.on('retry_scheduled', (e) => {
    delays.push(e.delay);
    setImmediate(() => clock.increment(e.delay));
  });
  return { server, client, clock, delays };
}

describe('a server pause and unrelated calls', () => {
  it('a call made right after a 503 Retry-After: 1 on another path waits the pause out and reaches the server', async () => {
    const { server, client, delays } = await setup();
    await expect(client.get('/busy', { retries: 0 })).rejects.toBeInstanceOf(ApiError);
    await expect(client.get('/broken')).resolves.toEqual({ ok: true });
    expect(server.count('/broken')).toBe(1);
    // One wait: the pause (1000 ms) plus a release jitter of at most a tenth of it.
    expect(delays).toHaveLength(1);
    expect(delays[0]).toBeGreaterThan(1000);
    expect(delays[0]).toBeLessThanOrEqual(1101);
    expect(client.getStats().retries).toBe(1);
  });

  it('the wait uses up one retry: with retries 0 the call rejects with RateLimitError { reason: server } and sends nothing', async () => {
    const { server, client } = await setup();
    await rejection(client.get('/busy', { retries: 0 }));
    const error = await rejection(client.get('/broken', { retries: 0 }));
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error.reason).toBe('server');
    expect(error.retryAfter).toBeGreaterThan(0);
    expect(error.retryAfter).toBeLessThanOrEqual(1000);
    expect(server.count('/broken')).toBe(0);
  });

  it('a pause that ends after the deadline is refused at once with reason server', async () => {
    const { server, client, delays } = await setup({ deadline: 500 });
    await rejection(client.get('/busy', { retries: 0 }));
    const error = await rejection(client.get('/broken'));
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error.reason).toBe('server');
    expect(delays).toEqual([]);
    expect(server.count('/broken')).toBe(0);
  });

  it('a pause longer than the per-attempt timeout (no deadline) is refused with reason server', async () => {
    const { server, client } = await setup({ timeout: 500 });
    await rejection(client.get('/busy', { retries: 0 }));
    const error = await rejection(client.get('/broken'));
    expect(error).toMatchObject({ name: 'RateLimitError', reason: 'server' });
    expect(server.count('/broken')).toBe(0);
  });

  it('many calls held by one pause are released with jitter, not in lockstep', async () => {
    const { server, client, delays } = await setup();
    await rejection(client.get('/busy', { retries: 0 }));
    const calls = Array.from({ length: 8 }, () => client.get('/broken'));
    await expect(Promise.all(calls)).resolves.toHaveLength(8);
    expect(server.count('/broken')).toBe(8);
    expect(delays).toHaveLength(8);
    expect(new Set(delays).size).toBeGreaterThan(1);
    for (const d of delays) expect(d).toBeGreaterThan(1000);
  });

  it("the local token bucket's refusal says reason client", async () => {
    const { server, client } = await setup({ rateLimiter: true, rateLimiterOptions: { limits: { api: { tokensPerSecond: 0.001, burstCapacity: 1 } } } });
    await expect(client.get('/broken')).resolves.toEqual({ ok: true });
    const error = await rejection(client.get('/broken'));
    expect(error).toMatchObject({ name: 'RateLimitError', reason: 'client' });
    expect(server.count('/broken')).toBe(1);
  });
});
