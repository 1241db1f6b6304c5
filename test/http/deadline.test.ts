/**
 * Item 6: `deadline` bounds the whole call. Each attempt's timeout is clamped to
 * what is left of the deadline, so the call settles with a TimeoutError by then,
 * whatever its retries and per-attempt timeout. Margins are generous: the
 * per-attempt timeout is 5000 ms, the deadline 300 ms, the bound checked 2500 ms.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ApiClient, type ApiClientOptions } from '../../src/http/ApiClient.js';
import { ApiError, TimeoutError } from '../../src/errors.js';
import { json, never, sequence, slow, startServer, type Handler, type TestServer } from '../helpers/testServer.js';

const servers: TestServer[] = [];
const clients: ApiClient[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  await Promise.all(clients.splice(0).map((c) => c.dispose()));
});

async function setup(handler: Handler, options: Partial<ApiClientOptions>) {
  const server = await startServer(handler);
  servers.push(server);
  const client = new ApiClient({ baseURL: server.url, timeout: 5000, retryDelay: 20, maxRetryDelay: 50, ...options });
  clients.push(client);
  return { server, client };
}

/** Settles `p`, returning the rejection and the elapsed wall time. */
async function settle(p: Promise<unknown>): Promise<{ error: unknown; elapsed: number }> {
  const started = Date.now();
  try {
    await p;
    return { error: undefined, elapsed: Date.now() - started };
  } catch (error) {
    return { error, elapsed: Date.now() - started };
  }
}

/** Well under the 5000 ms per-attempt timeout, far above the 300 ms deadline. */
const BOUND = 2500;

describe('deadline bounds the whole call', () => {
  for (const transport of ['undici', 'fetch'] as const) {
    it(`${transport}: a server that never answers → TimeoutError by the deadline, not at the 5000 ms attempt timeout`, async () => {
      const { client } = await setup(never, { deadline: 300, retries: 3, transport });
      const { error, elapsed } = await settle(client.get('/x'));
      expect(error).toBeInstanceOf(TimeoutError);
      expect((error as TimeoutError).timeout).toBe(300);
      expect((error as Error).message).toMatch(/deadline/);
      expect(elapsed).toBeLessThan(BOUND);
    }, 20_000);

    it(`${transport}: a slow server (answers after 3 s) → TimeoutError by the deadline instead of the late answer`, async () => {
      const { server, client } = await setup(slow(3000), { deadline: 300, retries: 2, transport });
      const { error, elapsed } = await settle(client.get('/x'));
      expect(error).toBeInstanceOf(TimeoutError);
      expect(elapsed).toBeLessThan(BOUND);
      // The deadline ends the call: no retry after it.
      expect(server.count()).toBe(1);
    }, 20_000);
  }

  it('a retry gets only what is left: 503 at once, then a server that never answers → TimeoutError by the deadline', async () => {
    const { server, client } = await setup(sequence(503, never), { deadline: 400, retries: 3 });
    const { error, elapsed } = await settle(client.get('/x'));
    expect(error).toBeInstanceOf(TimeoutError);
    expect(elapsed).toBeLessThan(BOUND);
    expect(server.count()).toBe(2);
  }, 20_000);

  it('a retry wait that would pass the deadline is not started: the last error comes at once', async () => {
    const { server, client } = await setup((_q, r) => json(r, 503, { down: true }), { deadline: 300, retries: 5, retryDelay: 1000, maxRetryDelay: 1000 });
    const { error, elapsed } = await settle(client.get('/x'));
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(503);
    expect(server.count()).toBe(1);
    expect(elapsed).toBeLessThan(BOUND);
  });

  it('without a deadline the attempt keeps its own timeout (a 200 after 100 ms resolves)', async () => {
    const { client } = await setup(slow(100), { timeout: 2000 });
    await expect(client.get('/x')).resolves.toEqual({ ok: true });
  });
});
