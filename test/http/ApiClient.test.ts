/**
 * ApiClient against real `node:http` servers on 127.0.0.1: seed 004's snippets,
 * retries, timeouts, Retry-After, circuit breaker, rate limiter, interceptors,
 * bad input, secret redaction, both transports and the lifecycle.
 */
import { inspect } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SimulatedClock } from 'xstate';
import { ApiClient, type ApiClientOptions, type ApiResponse } from '../../src/http/ApiClient.js';
import {
  ApiError,
  CircuitBreakerError,
  ConfigError,
  NetworkError,
  RateLimitError,
  StatewireError,
  TimeoutError,
  ValidationError,
} from '../../src/errors.js';
import {
  closedPort,
  json,
  never,
  reset,
  routes,
  sequence,
  slow,
  startServer,
  text,
  type Handler,
  type TestServer,
} from '../helpers/testServer.js';
import { FlakyHttpServer, type FlakyHttpServerOptions } from '../../src/testing/index.js';
import { runClientInChild } from '../helpers/runInChild.js';
import { rejection } from '../helpers/rejection.js';

// ---------------------------------------------------------------------------
// Fixtures: every server and client made here is closed/disposed after each test.

const servers: Array<{ close(): Promise<void> }> = [];
const clients: ApiClient[] = [];

afterEach(async () => {
  vi.restoreAllMocks();
  // Servers first: closing them resets any hanging socket, so no dispose() waits on it.
  await Promise.all(servers.splice(0).map((s) => s.close()));
  await Promise.all(clients.splice(0).map((c) => c.dispose()));
});

async function serve(handler?: Handler): Promise<TestServer> {
  const server = await startServer(handler);
  servers.push(server);
  return server;
}

/** A started statewire/testing FlakyHttpServer, closed after the test. */
async function flaky(options: FlakyHttpServerOptions): Promise<FlakyHttpServer> {
  const server = new FlakyHttpServer(options);
  servers.push(server);
  await server.start();
  return server;
}

function track(client: ApiClient): ApiClient {
  clients.push(client);
  return client;
}

/** A client with fast retries (1 ms), no jitter surprises, and the given options. */
function make(server: { url: string } | string, options: Partial<ApiClientOptions> = {}): ApiClient {
  const baseURL = typeof server === 'string' ? server : server.url;
  return track(new ApiClient({ baseURL, retryDelay: 1, maxRetryDelay: 20, ...options }));
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Records the `retry_scheduled` events of a client. */
function retryDelays(client: ApiClient): number[] {
  const delays: number[] = [];
  client.actor.on('retry_scheduled', (e) => delays.push(e.delay));
  return delays;
}

/** Drives every retry wait of `client` on a SimulatedClock: each scheduled delay passes at once. */
function autoAdvance(client: ApiClient, clock: SimulatedClock): number[] {
  const delays: number[] = [];
  client.actor.on('retry_scheduled', (e) => {
    delays.push(e.delay);
    // The wait is registered right after the event: advance once it exists.
    setImmediate(() => clock.increment(e.delay));
  });
  return delays;
}

/** A CRUD-ish API like the seed's `/api/users`. */
const usersApi: Handler = routes({
  '/api/users': (req, res) =>
    req.method === 'POST' ? json(res, 201, { id: 1, ...JSON.parse(req.body) }) : json(res, 200, [{ id: 1, name: 'John' }]),
  '/api/users/1': (req, res) => {
    if (req.method === 'PUT') return json(res, 200, { id: 1, ...JSON.parse(req.body) });
    if (req.method === 'DELETE') return void res.writeHead(204).end();
    json(res, 200, { id: 1, name: 'John' });
  },
  '/api/heavy-operation': (_req, res) => json(res, 200, { done: true }),
  '/api/upload': (req, res) => json(res, 200, { received: req.body.length }),
});

/** The seed's constructor, verbatim except for baseURL. */
function seedClient(baseURL: string): ApiClient {
  const client = new ApiClient({
    baseURL,
    timeout: 12000,
    retries: 2,
    retryDelay: 500,
    retryStatusCodes: [408, 429, 500, 502, 503, 504],
    circuitBreaker: true,
    circuitBreakerOptions: {
      threshold: 5, // Failures before opening
      timeout: 60000, // Time before half-open (ms)
      volumeThreshold: 10, // Min requests before checking
    },
    rateLimiter: true,
    rateLimiterOptions: {
      limits: {
        api: {
          tokensPerSecond: 20,
          burstCapacity: 30,
        },
      },
    },
    enableLogging: false,
  });
  return track(client);
}

/** Seed 004 "Error Handling", verbatim (typed catch only). */
async function seedErrorHandling(client: ApiClient): Promise<void> {
  try {
    await client.get('/api/users');
  } catch (error: any) {
    if (error.isApiError) {
      console.error('API Error:', error.status, error.body);
    } else if (error.isTimeoutError) {
      console.error('Timeout:', error.url);
    } else if (error.isCircuitBreakerError) {
      console.error('Circuit breaker open');
    }
  }
}

/** Seed 004 "Security Integration / Rate Limiting", verbatim (typed catch only). */
async function seedRateLimiting(client: ApiClient): Promise<void> {
  try {
    await client.get('/api/heavy-operation', { rateCategory: 'heavy' });
  } catch (error: any) {
    if (error.isRateLimitError) {
      console.warn('Rate limited, retry after:', error.retryAfter, 'ms');
    }
  }
}

// ---------------------------------------------------------------------------

describe('ApiClient', () => {
  describe('seed 004 snippets', () => {
    it('runs the usage snippet: constructor, get/post/put/delete', async () => {
      const server = await serve(usersApi);
      const client = seedClient(server.url);

      // Make requests
      const data = await client.get('/api/users');
      const created = await client.post('/api/users', { name: 'John' });
      const updated = await client.put('/api/users/1', { name: 'Jane' });
      await client.delete('/api/users/1');

      expect(data).toEqual([{ id: 1, name: 'John' }]);
      expect(created).toEqual({ id: 1, name: 'John' });
      expect(updated).toEqual({ id: 1, name: 'Jane' });
      expect(server.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
        'GET /api/users',
        'POST /api/users',
        'PUT /api/users/1',
        'DELETE /api/users/1',
      ]);
      expect(server.requests[1]!.body).toBe('{"name":"John"}');
      expect(server.requests[1]!.headers['content-type']).toBe('application/json');
      expect(server.requests[2]!.body).toBe('{"name":"Jane"}');
    });

    it('runs the interceptor snippets: the server sees the Authorization header, the call returns response.data', async () => {
      const server = await serve((req, res) => json(res, 200, { auth: req.headers.authorization ?? null }));
      const client = seedClient(server.url);

      // Add interceptors
      client.addRequestInterceptor((config) => {
        config.headers['Authorization'] = 'Bearer token';
        return config;
      });

      client.addResponseInterceptor((response) => {
        return response.data;
      });

      const result = await client.get('/api/users');
      expect(server.requests[0]!.headers.authorization).toBe('Bearer token');
      expect(result).toEqual({ auth: 'Bearer token' });
    });

    it('runs the circuit breaker control snippet: getCircuitBreakerState().state and resetCircuitBreaker()', async () => {
      const server = await serve((_req, res) => json(res, 503, { error: 'down' }));
      const client = make(server, { retries: 0, circuitBreakerOptions: { threshold: 2, volumeThreshold: 2 } });
      const log = vi.spyOn(console, 'log').mockImplementation(() => {});

      // Circuit breaker control
      let cbState = client.getCircuitBreakerState();
      console.log('Circuit breaker state:', cbState.state); // CLOSED | OPEN | HALF_OPEN
      await rejection(client.get('/a'));
      await rejection(client.get('/a'));
      cbState = client.getCircuitBreakerState();
      console.log('Circuit breaker state:', cbState.state);
      client.resetCircuitBreaker();
      console.log('Circuit breaker state:', client.getCircuitBreakerState().state);

      expect(log.mock.calls).toEqual([
        ['Circuit breaker state:', 'CLOSED'],
        ['Circuit breaker state:', 'OPEN'],
        ['Circuit breaker state:', 'CLOSED'],
      ]);
      // After the reset the next call reaches the server again.
      await rejection(client.get('/a'));
      expect(server.count()).toBe(3);
    });

    it('runs the rate limiter statistics snippet: rateLimited and totalRequests', async () => {
      const server = await serve();
      const client = make(server, { rateLimiter: true, rateLimiterOptions: { limits: { api: { tokensPerSecond: 0.01, burstCapacity: 2 } } } });
      await client.get('/a');
      await client.get('/b');
      await rejection(client.get('/a'));
      const log = vi.spyOn(console, 'log').mockImplementation(() => {});

      // Rate limiter statistics
      const rlStats = client.getRateLimiterStats();
      console.log('Rate limited:', rlStats.rateLimited);
      console.log('Total requests:', rlStats.totalRequests);

      expect(log.mock.calls).toEqual([
        ['Rate limited:', 1],
        ['Total requests:', 3],
      ]);
    });

    it('runs the error handling snippet: isApiError with status and body', async () => {
      const server = await serve((_req, res) => json(res, 404, { error: 'no users' }));
      const client = make(server);
      const error = vi.spyOn(console, 'error').mockImplementation(() => {});
      await seedErrorHandling(client);
      expect(error.mock.calls).toEqual([['API Error:', 404, { error: 'no users' }]]);
    });

    it('runs the error handling snippet: isTimeoutError with error.url', async () => {
      const server = await serve(never);
      const client = make(server, { timeout: 200, retries: 0 });
      const error = vi.spyOn(console, 'error').mockImplementation(() => {});
      await seedErrorHandling(client);
      expect(error.mock.calls).toEqual([['Timeout:', `${server.url}/api/users`]]);
    });

    it('runs the error handling snippet: isCircuitBreakerError', async () => {
      const server = await serve((_req, res) => json(res, 500, {}));
      const client = make(server, { retries: 0, circuitBreakerOptions: { threshold: 1, volumeThreshold: 1 } });
      await rejection(client.get('/api/users')); // opens the circuit
      const error = vi.spyOn(console, 'error').mockImplementation(() => {});
      await seedErrorHandling(client);
      expect(error.mock.calls).toEqual([['Circuit breaker open']]);
      expect(server.count()).toBe(1);
    });

    it("runs the rate limiting snippet: the 'heavy' category (burst 5) rejects the 6th call with retryAfter in ms", async () => {
      const server = await serve(usersApi);
      const client = seedClient(server.url);
      const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
      for (let i = 0; i < 6; i++) await seedRateLimiting(client);
      expect(server.count('/api/heavy-operation')).toBe(5);
      expect(warn).toHaveBeenCalledTimes(1);
      const [label, retryAfter, unit] = warn.mock.calls[0]!;
      expect([label, unit]).toEqual(['Rate limited, retry after:', 'ms']);
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(500); // heavy refills 2 tokens per second
    });

    it("runs the best-practice snippet: client.post('/api/upload', data, { rateCategory: 'heavy' })", async () => {
      const server = await serve(usersApi);
      const client = seedClient(server.url);
      const data = { file: 'x'.repeat(100) };
      const result = await client.post('/api/upload', data, { rateCategory: 'heavy' });
      expect(result).toEqual({ received: JSON.stringify(data).length });
      expect(server.requests[0]!.body).toBe(JSON.stringify(data));
      expect(client.getRateLimiterStats().byEndpoint['/api/upload']).toEqual({ totalRequests: 1, rateLimited: 0 });
    });

    it('runs the "circuit breaker stuck open" snippet: failureCount, new Date(nextAttempt), force reset', async () => {
      const server = await serve((_req, res) => json(res, 503, {}));
      const client = make(server, { retries: 0, circuitBreakerOptions: { threshold: 3, volumeThreshold: 3, timeout: 60_000 } });
      for (let i = 0; i < 3; i++) await rejection(client.get('/api/users'));
      const log = vi.spyOn(console, 'log').mockImplementation(() => {});
      const before = Date.now();

      // Check state
      const state = client.getCircuitBreakerState();
      console.log('State:', state.state);
      console.log('Failures:', state.failureCount);
      console.log('Next attempt:', new Date(state.nextAttempt!));

      // Force reset
      client.resetCircuitBreaker();

      expect(log.mock.calls[0]).toEqual(['State:', 'OPEN']);
      expect(log.mock.calls[1]).toEqual(['Failures:', 3]);
      const next = log.mock.calls[2]![1] as Date;
      expect(next).toBeInstanceOf(Date);
      expect(next.getTime()).toBeGreaterThan(before);
      expect(next.getTime()).toBeLessThanOrEqual(before + 60_000);
      expect(client.getCircuitBreakerState()).toEqual({ state: 'CLOSED', failureCount: 0, nextAttempt: null });
    });

    it('runs the "rate limiting too aggressive" snippet: byEndpoint, adjusting limits, disable()', async () => {
      const server = await serve();
      // Time stands still for the buckets (real timers otherwise): a slow machine refills no token between the calls.
      const frozen = Date.now();
      const clock = { now: () => frozen, setTimeout: (fn: () => void, ms: number) => setTimeout(fn, ms), clearTimeout: (id: unknown) => clearTimeout(id as NodeJS.Timeout) };
      const client = make(server, { clock, rateLimiter: true, rateLimiterOptions: { limits: { api: { tokensPerSecond: 10, burstCapacity: 3 } } } });
      for (let i = 0; i < 3; i++) await client.get('/api/users');
      const limited = await rejection(client.get('/api/users'));
      expect(limited).toBeInstanceOf(RateLimitError);
      expect(limited.retryAfter).toBeGreaterThan(20); // 10/s: about 100 ms to the next token
      const log = vi.spyOn(console, 'log').mockImplementation(() => {});

      // Check stats
      const stats = client.getRateLimiterStats();
      console.log('Rate limited:', stats.rateLimited);
      console.log('By endpoint:', stats.byEndpoint);

      // Adjust limits
      client.rateLimiter.limits.api!.tokensPerSecond = 50;
      client.rateLimiter.limits.api!.burstCapacity = 100;

      expect(log.mock.calls).toEqual([
        ['Rate limited:', 1],
        ['By endpoint:', { '/api/users': { totalRequests: 4, rateLimited: 1 } }],
      ]);
      expect(client.rateLimiter.limits.api).toMatchObject({ tokensPerSecond: 50, burstCapacity: 100 });
      // 50 tokens per second: the next token is at most 20 ms away.
      const faster = await rejection(client.get('/api/users'));
      expect(faster).toBeInstanceOf(RateLimitError);
      expect(faster.retryAfter).toBeLessThanOrEqual(20);

      // Or disable temporarily
      client.rateLimiter.disable();

      const results = await Promise.all(Array.from({ length: 10 }, () => client.get('/api/users')));
      expect(results).toHaveLength(10);
      expect(server.count()).toBe(13);
    });
  });

  describe('methods', () => {
    it('sends PATCH with a JSON body and HEAD without one', async () => {
      const server = await serve((req, res) => json(res, 200, { method: req.method, body: req.body }));
      const client = make(server);
      await expect(client.patch('/x', { a: 1 })).resolves.toEqual({ method: 'PATCH', body: '{"a":1}' });
      // No body: HEAD resolves the response headers.
      await expect(client.head('/x')).resolves.toMatchObject({ 'content-type': 'application/json' });
      expect(server.requests.map((r) => r.method)).toEqual(['PATCH', 'HEAD']);
    });

    it('request() takes any method and keeps a base path (http://host/api + /users)', async () => {
      const server = await serve((req, res) => json(res, 200, { method: req.method, url: req.url }));
      const client = make(`${server.url}/api/`);
      await expect(client.request({ method: 'options', url: '/users' })).resolves.toEqual({ method: 'OPTIONS', url: '/api/users' });
    });

    it('sends strings as text/plain and URLSearchParams as a form', async () => {
      const server = await serve((req, res) => json(res, 200, { type: req.headers['content-type'], body: req.body }));
      const client = make(server);
      await expect(client.post('/x', 'hello')).resolves.toEqual({ type: 'text/plain;charset=UTF-8', body: 'hello' });
      await expect(client.post('/x', new URLSearchParams({ a: '1', b: 'x y' }))).resolves.toEqual({
        type: 'application/x-www-form-urlencoded;charset=UTF-8',
        body: 'a=1&b=x+y',
      });
      await expect(client.post('/x', { a: 1 }, { headers: { 'Content-Type': 'application/vnd.api+json' } })).resolves.toEqual({
        type: 'application/vnd.api+json',
        body: '{"a":1}',
      });
    });
  });

  describe('retries', () => {
    it.each([500, 502, 503, 504, 408, 429])('retries a GET answered %i `retries` times (retries + 1 requests)', async (status) => {
      const server = await serve((_req, res) => json(res, status, { error: status }));
      const client = make(server, { retries: 2 });
      const delays = retryDelays(client);
      const error = await rejection(client.get('/x'));
      expect(error).toBeInstanceOf(ApiError);
      expect(error.status).toBe(status);
      expect(error.body).toEqual({ error: status });
      expect(server.count()).toBe(3);
      expect(delays).toHaveLength(2);
      expect(client.getStats()).toMatchObject({ requests: 1, failed: 1, retries: 2, succeeded: 0 });
    });

    it.each([400, 401, 403, 404, 422])('does not retry a GET answered %i (1 request)', async (status) => {
      const server = await serve((_req, res) => json(res, status, { error: status }));
      const client = make(server, { retries: 3 });
      const error = await rejection(client.get('/x'));
      expect(error).toBeInstanceOf(ApiError);
      expect(error.status).toBe(status);
      expect(server.count()).toBe(1);
    });

    it('succeeds when a retry succeeds (503, 503, 200)', async () => {
      const server = await serve(sequence(503, 503, 200));
      const client = make(server, { retries: 2 });
      await expect(client.get('/x')).resolves.toEqual({ ok: true, attempt: 3 });
      expect(server.count()).toBe(3);
      expect(client.getStats()).toMatchObject({ requests: 1, succeeded: 1, failed: 0, retries: 2 });
    });

    it('does not retry a POST answered 503', async () => {
      const server = await serve((_req, res) => json(res, 503, {}));
      const client = make(server, { retries: 2 });
      const error = await rejection(client.post('/x', { a: 1 }));
      expect(error.status).toBe(503);
      expect(server.count()).toBe(1);
    });

    it('retries a POST answered 503 when it carries an Idempotency-Key header', async () => {
      const server = await serve((_req, res) => json(res, 503, {}));
      const client = make(server, { retries: 2 });
      const error = await rejection(client.post('/x', { a: 1 }, { headers: { 'Idempotency-Key': 'k-1' } }));
      expect(error.status).toBe(503);
      expect(server.count()).toBe(3);
      expect(server.requests.map((r) => r.headers['idempotency-key'])).toEqual(['k-1', 'k-1', 'k-1']);
      expect(server.requests.map((r) => r.body)).toEqual(['{"a":1}', '{"a":1}', '{"a":1}']);
    });

    it('retries a POST answered 503 when retryMethods includes POST', async () => {
      const server = await serve((_req, res) => json(res, 503, {}));
      const client = make(server, { retries: 2, retryMethods: ['GET', 'POST'] });
      await rejection(client.post('/x', { a: 1 }));
      expect(server.count()).toBe(3);
    });

    it('retries a refused connection even for a POST, and rejects with NetworkError ECONNREFUSED', async () => {
      const port = await closedPort();
      const client = make(`http://127.0.0.1:${port}`, { retries: 2 });
      const delays = retryDelays(client);
      const error = await rejection(client.post('/x', { a: 1 }));
      expect(error).toBeInstanceOf(NetworkError);
      expect(error.isNetworkError).toBe(true);
      expect(error.code).toBe('ECONNREFUSED');
      expect(error.reachedServer).toBe(false);
      expect(delays).toHaveLength(2); // two retries: three connection attempts
      expect(client.getStats().retries).toBe(2);
    }, 5_000);

    it('retries a connection reset for a GET but not for a POST (it may have reached the server)', async () => {
      const server = await serve(reset);
      const client = make(server, { retries: 2 });
      const getError = await rejection(client.get('/x'));
      expect(getError).toBeInstanceOf(NetworkError);
      expect(getError.reachedServer).toBe(true);
      expect(server.count()).toBe(3);
      const postError = await rejection(client.post('/x', { a: 1 }));
      expect(postError).toBeInstanceOf(NetworkError);
      expect(server.count()).toBe(4);
    });

    it('honours a per-request retries override in both directions', async () => {
      const server = await serve((_req, res) => json(res, 503, {}));
      const none = make(server, { retries: 0 });
      await rejection(none.get('/x', { retries: 3 }));
      expect(server.count()).toBe(4);
      const many = make(server, { retries: 3 });
      await rejection(many.get('/x', { retries: 0 }));
      expect(server.count()).toBe(5);
    });

    it('honours retryStatusCodes: a code left out is not retried, one added is', async () => {
      const server = await serve(routes({ '/503': (_q, r) => json(r, 503, {}), '/409': (_q, r) => json(r, 409, {}) }));
      const client = make(server, { retries: 2, retryStatusCodes: [409] });
      await rejection(client.get('/503'));
      await rejection(client.get('/409'));
      expect(server.count('/503')).toBe(1);
      expect(server.count('/409')).toBe(3);
    });

    it('schedules exponential, capped delays (retryDelay 4, maxRetryDelay 10)', async () => {
      const server = await serve((_req, res) => json(res, 500, {}));
      const client = make(server, { retries: 4, retryDelay: 4, maxRetryDelay: 10 });
      const delays = retryDelays(client);
      await rejection(client.get('/x'));
      expect(delays).toHaveLength(4);
      // Equal jitter over the capped exponential: retry n waits in [d/2, d], d = min(4·2^(n-1), 10).
      const capped = [4, 8, 10, 10];
      delays.forEach((delay, i) => {
        expect(delay).toBeGreaterThanOrEqual(capped[i]! / 2);
        expect(delay).toBeLessThanOrEqual(capped[i]!);
      });
    });
  });

  describe('timeout', () => {
    it('rejects with TimeoutError (isTimeoutError, url, timeout) when the server never answers', async () => {
      const server = await serve(never);
      const client = make(server, { timeout: 200, retries: 0 });
      const error = await rejection(client.get('/slow'));
      expect(error).toBeInstanceOf(TimeoutError);
      expect(error.isTimeoutError).toBe(true);
      expect(error.url).toBe(`${server.url}/slow`);
      expect(error.timeout).toBe(200);
      expect(server.count()).toBe(1);
    });

    it('retries a timeout: with retries 1 the server sees 2 requests', async () => {
      const server = await serve(never);
      const client = make(server, { timeout: 200, retries: 1 });
      const error = await rejection(client.get('/slow'));
      expect(error).toBeInstanceOf(TimeoutError);
      expect(server.count()).toBe(2);
    });

    it('honours a per-request timeout override', async () => {
      const server = await serve(never);
      const client = make(server, { timeout: 10_000, retries: 0 });
      const error = await rejection(client.get('/slow', { timeout: 150 }));
      expect(error).toBeInstanceOf(TimeoutError);
      expect(error.timeout).toBe(150);
    });

    it('lets a slow answer within the timeout through', async () => {
      const server = await serve(slow(50));
      const client = make(server, { timeout: 5_000, retries: 0 });
      await expect(client.get('/x')).resolves.toEqual({ ok: true });
    });
  });

  describe('abort signal', () => {
    it('rejects with the signal reason when aborted mid-request', async () => {
      const server = await serve(never);
      const client = make(server, { timeout: 10_000, retries: 2 });
      const controller = new AbortController();
      const call = rejection(client.get('/hang', { signal: controller.signal }));
      await vi.waitFor(() => expect(server.count()).toBe(1));
      const reason = new Error('user cancelled');
      controller.abort(reason);
      expect(await call).toBe(reason);
      expect(server.count()).toBe(1);
      expect(client.getCircuitBreakerState().failureCount).toBe(0); // a cancel is not the service's fault
    });

    it('rejects with the signal reason when aborted during a retry wait', async () => {
      const server = await serve((_req, res) => json(res, 503, {}));
      const client = make(server, { retries: 3, retryDelay: 10_000, maxRetryDelay: 10_000 });
      const controller = new AbortController();
      client.actor.on('retry_scheduled', () => setImmediate(() => controller.abort(new Error('stop'))));
      const error = await rejection(client.get('/x', { signal: controller.signal }));
      expect(error.message).toBe('stop');
      expect(server.count()).toBe(1);
    });

    it('rejects at once with an already-aborted signal', async () => {
      const server = await serve();
      const client = make(server);
      const error = await rejection(client.get('/x', { signal: AbortSignal.abort(new Error('early')) }));
      expect(error.message).toBe('early');
      expect(server.count()).toBe(0);
    });
  });

  describe('Retry-After', () => {
    it('waits exactly the seconds a 503 asks for (Retry-After: 1 → 1000 ms, no jitter), then retries', async () => {
      const server = await flaky({ script: { '/x': [{ status: 503, retryAfter: 1 }, { body: { ok: true, attempt: 2 } }] } });
      const clock = new SimulatedClock();
      clock.set(Date.now());
      const client = make(server, { retries: 2, retryDelay: 1, maxRetryDelay: 30_000, clock });
      const delays = autoAdvance(client, clock);
      await expect(client.get('/x')).resolves.toEqual({ ok: true, attempt: 2 });
      expect(delays).toEqual([1000]);
      expect(server.count()).toBe(2);
    });

    it('waits until an HTTP-date Retry-After (~2 s ahead → between 1000 and 2000 ms)', async () => {
      const clock = new SimulatedClock();
      clock.set(Date.now());
      const server = await flaky({ script: { '/x': [{ status: 429, retryAfter: new Date(clock.now() + 2000).toUTCString() }, { body: { ok: true, attempt: 2 } }] } });
      const client = make(server, { retries: 1, maxRetryDelay: 30_000, clock });
      const delays = autoAdvance(client, clock);
      await expect(client.get('/x')).resolves.toEqual({ ok: true, attempt: 2 });
      expect(delays).toHaveLength(1);
      expect(delays[0]).toBeGreaterThan(1000);
      expect(delays[0]).toBeLessThanOrEqual(2000);
      expect(server.count()).toBe(2);
    });

    it('caps a Retry-After at maxRetryDelay (Retry-After: 1 with maxRetryDelay 50 → exactly 50 ms)', async () => {
      const server = await flaky({ script: { '/x': [{ status: 429, retryAfter: 1 }, { body: { ok: true, attempt: 2 } }] } });
      const client = make(server, { retries: 1, maxRetryDelay: 50 });
      const delays = retryDelays(client);
      await expect(client.get('/x')).resolves.toEqual({ ok: true, attempt: 2 });
      expect(delays).toEqual([50]);
      expect(server.count()).toBe(2);
    });

    it('exposes the server-requested wait as ApiError.retryAfter', async () => {
      const server = await serve((_q, r) => json(r, 429, {}, { 'retry-after': '3' }));
      const client = make(server, { retries: 0, maxRetryDelay: 50 });
      const error = await rejection(client.get('/x'));
      expect(error).toBeInstanceOf(ApiError);
      expect(error.retryAfter).toBe(3000);
    });

    it('pauses the whole rate category after a 429 with Retry-After, even with rateLimiter: false', async () => {
      const server = await serve(routes({ '/a': (_q, r) => json(r, 429, {}, { 'retry-after': '1' }), '/b': (_q, r) => json(r, 200, 'b') }));
      const client = make(server, { retries: 0, rateLimiter: false, maxRetryDelay: 30_000 });
      const first = await rejection(client.get('/a'));
      expect(first).toBeInstanceOf(ApiError);
      expect(first.status).toBe(429);

      const other = await rejection(client.get('/b'));
      expect(other).toBeInstanceOf(RateLimitError);
      expect(other.isRateLimitError).toBe(true);
      expect(other.category).toBe('api');
      expect(other.retryAfter).toBeGreaterThan(0);
      expect(other.retryAfter).toBeLessThanOrEqual(1000);
      expect(server.count('/b')).toBe(0);

      // Other categories are not paused.
      await expect(client.get('/b', { rateCategory: 'control' })).resolves.toBe('b');
      expect(server.count('/b')).toBe(1);
    });

    it('a 429 Retry-After does not turn on token-bucket limiting for a client built with rateLimiter: false', async () => {
      const server = await serve(routes({ '/429': (_q, r) => json(r, 429, {}, { 'retry-after': '0' }) }, (_q, r) => json(r, 200, {})));
      const client = make(server, { retries: 0, rateLimiter: false, rateLimiterOptions: { limits: { api: { tokensPerSecond: 0.01, burstCapacity: 1 } } } });
      for (let i = 0; i < 3; i++) await client.get('/ok'); // limiting is off: burst 1 does not apply
      await rejection(client.get('/429')); // Retry-After: 0 → a zero-length pause
      await sleep(20); // the pause has ended
      expect(client.rateLimiter.enabled).toBe(false);
      for (let i = 0; i < 3; i++) await client.get('/ok');
      expect(server.count('/ok')).toBe(6);
    });
  });

  describe('circuit breaker', () => {
    const breakerOptions = { threshold: 3, volumeThreshold: 3, timeout: 60_000 };

    it('opens after threshold 503s and then rejects with CircuitBreakerError without a network call', async () => {
      const server = await serve((_req, res) => json(res, 503, {}));
      const client = make(server, { retries: 0, circuitBreakerOptions: breakerOptions });
      for (let i = 0; i < 3; i++) expect((await rejection(client.get('/x'))).status).toBe(503);
      expect(client.getCircuitBreakerState().state).toBe('OPEN');
      for (let i = 0; i < 5; i++) {
        const error = await rejection(client.get('/x'));
        expect(error).toBeInstanceOf(CircuitBreakerError);
        expect(error.isCircuitBreakerError).toBe(true);
        expect(error.state).toBe('OPEN');
        expect(error.nextAttempt).toBe(client.getCircuitBreakerState().nextAttempt);
      }
      expect(server.count()).toBe(3);
    });

    it('counts every attempt of a retried call: one GET with retries 2 opens a threshold-3 breaker', async () => {
      const server = await serve((_req, res) => json(res, 503, {}));
      const client = make(server, { retries: 2, circuitBreakerOptions: breakerOptions });
      await rejection(client.get('/x'));
      expect(server.count()).toBe(3);
      expect(client.getCircuitBreakerState().state).toBe('OPEN');
    });

    it('stops retrying once the breaker opens mid-call', async () => {
      const server = await serve((_req, res) => json(res, 503, {}));
      const client = make(server, { retries: 5, circuitBreakerOptions: breakerOptions });
      const error = await rejection(client.get('/x'));
      expect(error).toBeInstanceOf(CircuitBreakerError);
      expect(server.count()).toBe(3);
    });

    it('opens on refused connections too', async () => {
      const port = await closedPort();
      const client = make(`http://127.0.0.1:${port}`, { retries: 0, circuitBreakerOptions: breakerOptions });
      for (let i = 0; i < 3; i++) expect(await rejection(client.get('/x'))).toBeInstanceOf(NetworkError);
      expect(await rejection(client.get('/x'))).toBeInstanceOf(CircuitBreakerError);
    });

    it('does not open on 4xx answers', async () => {
      const server = await serve((_req, res) => json(res, 404, {}));
      const client = make(server, { retries: 0, circuitBreakerOptions: breakerOptions });
      for (let i = 0; i < 10; i++) expect((await rejection(client.get('/x'))).status).toBe(404);
      expect(client.getCircuitBreakerState().state).toBe('CLOSED');
      expect(server.count()).toBe(10);
    });

    it.each([1, 3])(
      'goes HALF_OPEN after circuitBreakerOptions.timeout and admits exactly halfOpenMaxCalls = %i of 20 concurrent calls',
      async (halfOpenMaxCalls) => {
        const server = await serve((_req, res) => json(res, 503, {}));
        const client = make(server, { retries: 0, circuitBreakerOptions: { ...breakerOptions, timeout: 100, halfOpenMaxCalls } });
        const transitions: string[] = [];
        client.circuitBreaker.on('circuit_breaker_half_open', () => transitions.push('HALF_OPEN'));
        client.circuitBreaker.on('circuit_breaker_closed', () => transitions.push('CLOSED'));
        for (let i = 0; i < 3; i++) await rejection(client.get('/x'));
        expect(client.getCircuitBreakerState().state).toBe('OPEN');
        await vi.waitFor(() => expect(client.getCircuitBreakerState().state).toBe('HALF_OPEN'), { timeout: 3_000, interval: 10 });

        server.setHandler(slow(100)); // healthy again, but slow: all 20 calls overlap
        const before = server.count();
        const results = await Promise.allSettled(Array.from({ length: 20 }, () => client.get('/x')));

        const passed = results.filter((r) => r.status === 'fulfilled');
        const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
        expect(passed).toHaveLength(halfOpenMaxCalls);
        expect(refused).toHaveLength(20 - halfOpenMaxCalls);
        for (const r of refused) {
          expect(r.reason).toBeInstanceOf(CircuitBreakerError);
          expect(r.reason.state).toBe('HALF_OPEN');
        }
        expect(server.count() - before).toBe(halfOpenMaxCalls);
        expect(client.getCircuitBreakerState().state).toBe('CLOSED');
        expect(transitions).toEqual(['HALF_OPEN', 'CLOSED']);
        // Closed again: calls flow.
        await expect(client.get('/x')).resolves.toEqual({ ok: true });
      },
    );

    it('goes back to OPEN when the HALF_OPEN probe fails', async () => {
      const server = await serve((_req, res) => json(res, 503, {}));
      const client = make(server, { retries: 0, circuitBreakerOptions: { ...breakerOptions, timeout: 100 } });
      for (let i = 0; i < 3; i++) await rejection(client.get('/x'));
      await vi.waitFor(() => expect(client.getCircuitBreakerState().state).toBe('HALF_OPEN'), { timeout: 3_000, interval: 10 });
      expect((await rejection(client.get('/x'))).status).toBe(503);
      expect(client.getCircuitBreakerState().state).toBe('OPEN');
      expect(await rejection(client.get('/x'))).toBeInstanceOf(CircuitBreakerError);
      expect(server.count()).toBe(4);
    });

    it('drives the client health: degraded → unhealthy (OPEN) → degraded (HALF_OPEN) → healthy (CLOSED)', async () => {
      const server = await serve((_req, res) => json(res, 503, {}));
      const client = make(server, { retries: 0, circuitBreakerOptions: { ...breakerOptions, timeout: 100 } });
      const health: string[] = [];
      client.actor.on('health_changed', (e) => health.push(e.health));
      for (let i = 0; i < 3; i++) await rejection(client.get('/x'));
      await vi.waitFor(() => expect(client.getCircuitBreakerState().state).toBe('HALF_OPEN'), { timeout: 3_000, interval: 10 });
      server.setHandler((_req, res) => json(res, 200, {}));
      await client.get('/x');
      expect(health).toEqual(['degraded', 'unhealthy', 'degraded', 'healthy']);
      expect(client.getStats().health).toBe('healthy');
    });

    it('circuitBreaker: false never rejects a call', async () => {
      const server = await serve((_req, res) => json(res, 503, {}));
      const client = make(server, { retries: 0, circuitBreaker: false, circuitBreakerOptions: { threshold: 1, volumeThreshold: 1 } });
      for (let i = 0; i < 5; i++) expect((await rejection(client.get('/x'))).status).toBe(503);
      expect(server.count()).toBe(5);
    });
  });

  describe('rate limiter', () => {
    const limited = { rateLimiter: true, rateLimiterOptions: { limits: { api: { tokensPerSecond: 10, burstCapacity: 3 } } } };

    it('lets the burst through, rejects the next call without reaching the server, and refills', async () => {
      const server = await serve();
      const client = make(server, limited);
      await Promise.all([client.get('/x'), client.get('/x'), client.get('/x')]);
      const error = await rejection(client.get('/x'));
      expect(error).toBeInstanceOf(RateLimitError);
      expect(error.isRateLimitError).toBe(true);
      expect(error.category).toBe('api');
      expect(error.retryAfter).toBeGreaterThan(0);
      expect(error.retryAfter).toBeLessThanOrEqual(100);
      expect(server.count()).toBe(3);

      await sleep(error.retryAfter + 20);
      await expect(client.get('/x')).resolves.toEqual({ ok: true });
      expect(server.count()).toBe(4);
      expect(client.getRateLimiterStats()).toEqual({ totalRequests: 5, rateLimited: 1, byEndpoint: { '/x': { totalRequests: 5, rateLimited: 1 } } });
    });

    it('keeps categories apart: an empty api bucket does not block control', async () => {
      const server = await serve();
      const client = make(server, limited);
      for (let i = 0; i < 3; i++) await client.get('/x');
      expect(await rejection(client.get('/x'))).toBeInstanceOf(RateLimitError);
      await expect(client.get('/x', { rateCategory: 'control' })).resolves.toEqual({ ok: true });
    });

    it('emits rate_limited once per episode', async () => {
      const server = await serve();
      const client = make(server, limited);
      const events: unknown[] = [];
      client.rateLimiter.on('rate_limited', (e) => events.push(e));
      for (let i = 0; i < 3; i++) await client.get('/x');
      for (let i = 0; i < 4; i++) await rejection(client.get('/x'));
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ category: 'api' });
    });

    it('refuses an unknown rateCategory with ConfigError before anything is sent', async () => {
      const server = await serve();
      const client = make(server, limited);
      const error = await rejection(client.get('/x', { rateCategory: 'nope' }));
      expect(error).toBeInstanceOf(ConfigError);
      expect(error.option).toBe('rateCategory');
      expect(error.message).toMatch(/nope/);
      expect(server.count()).toBe(0);
    });

    it('refuses an unknown rateCategory with ConfigError also when rateLimiter is false', async () => {
      const server = await serve((_q, r) => json(r, 429, {}, { 'retry-after': '1' }));
      const client = make(server, { retries: 0 });
      const error = await rejection(client.get('/x', { rateCategory: 'nope' }));
      expect(error).toBeInstanceOf(ConfigError);
      expect(server.count()).toBe(0);
    });
  });

  describe('interceptors', () => {
    it('runs request interceptors in the order they were added', async () => {
      const server = await serve();
      const client = make(server);
      for (const tag of ['a', 'b', 'c']) {
        client.addRequestInterceptor((config) => {
          config.headers['X-Order'] = [config.headers['X-Order'], tag].filter(Boolean).join(',');
          return config;
        });
      }
      await client.get('/x');
      expect(server.requests[0]!.headers['x-order']).toBe('a,b,c');
    });

    it('awaits an async request interceptor', async () => {
      const server = await serve();
      const client = make(server);
      client.addRequestInterceptor(async (config) => {
        await sleep(5);
        return { ...config, headers: { ...config.headers, 'X-Async': 'yes' } };
      });
      await client.get('/x');
      expect(server.requests[0]!.headers['x-async']).toBe('yes');
    });

    it('lets a request interceptor change the url, params and data', async () => {
      const server = await serve((req, res) => json(res, 200, { url: req.url, body: req.body }));
      const client = make(server);
      client.addRequestInterceptor((config) => ({ ...config, url: '/rewritten', params: { page: 2 }, data: { injected: true } }));
      await expect(client.post('/original', { a: 1 })).resolves.toEqual({ url: '/rewritten?page=2', body: '{"injected":true}' });
    });

    it('the remover returned by addRequestInterceptor / addResponseInterceptor works', async () => {
      const server = await serve();
      const client = make(server);
      const removeRequest = client.addRequestInterceptor((config) => {
        config.headers['X-Intercepted'] = '1';
        return config;
      });
      const removeResponse = client.addResponseInterceptor(() => 'replaced');
      await expect(client.get('/x')).resolves.toBe('replaced');
      removeRequest();
      removeResponse();
      removeRequest(); // twice is harmless
      await expect(client.get('/x')).resolves.toEqual({ ok: true });
      expect(server.requests[0]!.headers['x-intercepted']).toBe('1');
      expect(server.requests[1]!.headers['x-intercepted']).toBeUndefined();
    });

    it('chains response interceptors, each receiving what the previous one returned', async () => {
      const server = await serve((_req, res) => json(res, 200, { n: 1 }, { 'x-extra': 'e' }));
      const client = make(server);
      let seen: ApiResponse | undefined;
      client.addResponseInterceptor((response) => {
        seen = response;
        return response.data;
      });
      client.addResponseInterceptor(async (data) => ({ wrapped: data }));
      await expect(client.get('/x', { params: { q: 'v' } })).resolves.toEqual({ wrapped: { n: 1 } });
      expect(seen?.status).toBe(200);
      expect(seen?.headers['x-extra']).toBe('e');
      expect(seen?.config).toMatchObject({ method: 'GET', url: '/x', params: { q: 'v' } });
    });

    it('runs request interceptors once per call, not once per retry', async () => {
      const server = await serve(sequence(503, 503, 200));
      const client = make(server, { retries: 2 });
      let runs = 0;
      client.addRequestInterceptor((config) => {
        runs++;
        config.headers['X-Run'] = String(runs);
        return config;
      });
      await client.get('/x');
      expect(runs).toBe(1);
      expect(server.requests.map((r) => r.headers['x-run'])).toEqual(['1', '1', '1']);
    });

    it('rejects the call when an interceptor throws, without sending it', async () => {
      const server = await serve();
      const client = make(server);
      client.addRequestInterceptor(() => {
        throw new Error('no token');
      });
      await expect(client.get('/x')).rejects.toThrow('no token');
      expect(server.count()).toBe(0);
    });

    it('refuses a non-function interceptor with ConfigError', async () => {
      const server = await serve();
      const client = make(server);
      expect(() => client.addRequestInterceptor('nope' as never)).toThrow(ConfigError);
      expect(() => client.addResponseInterceptor(undefined as never)).toThrow(/interceptor/);
    });
  });

  describe('bad input', () => {
    it('refuses an unparsable request URL with ConfigError naming "url"', async () => {
      const server = await serve();
      const client = make(server);
      const error = await rejection(client.get('http://exa mple.com/x'));
      expect(error).toBeInstanceOf(ConfigError);
      expect(error.option).toBe('url');
      expect(error.message).toMatch(/"url"/);
      expect(server.count()).toBe(0);
    });

    it('refuses baseURL "not a url" with ConfigError naming "baseURL"', () => {
      let error: any;
      try {
        new ApiClient({ baseURL: 'not a url' });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect(error.option).toBe('baseURL');
      expect(error.message).toMatch(/ApiClient.*"baseURL"/);
    });

    it.each([
      ['timeout', { timeout: -1 }],
      ['retries', { retries: 'two' }],
      ['circuitBreakerOptions.threshold', { circuitBreakerOptions: { threshold: 0 } }],
      ['retryDelay', { retryDelay: Number.NaN }],
      ['maxResponseBytes', { maxResponseBytes: 0 }],
      ['rateLimiterOptions.limits.api.burstCapacity', { rateLimiterOptions: { limits: { api: { burstCapacity: 0 } } } }],
      ['transport', { transport: 'carrier-pigeon' }],
    ])('refuses a bad constructor option with ConfigError naming %s', (option, bad) => {
      let error: any;
      try {
        new ApiClient({ baseURL: 'http://127.0.0.1:1', ...(bad as object) });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect(error.option).toBe(option);
      expect(error.message).toContain(`"${option}"`);
    });

    it('refuses bad per-request timeout / retries with ConfigError', async () => {
      const server = await serve();
      const client = make(server);
      expect((await rejection(client.get('/x', { timeout: -5 }))).option).toBe('timeout');
      expect((await rejection(client.get('/x', { retries: 1.5 }))).option).toBe('retries');
      expect(server.count()).toBe(0);
    });

    it('refuses a circular body with ValidationError and sends nothing', async () => {
      const server = await serve();
      const client = make(server);
      const body: Record<string, unknown> = { a: 1 };
      body.self = body;
      const error = await rejection(client.post('/x', body));
      expect(error).toBeInstanceOf(ValidationError);
      expect(error.rule).toBe('body');
      const bigint = await rejection(client.post('/x', { n: 1n }));
      expect(bigint).toBeInstanceOf(ValidationError);
      expect(server.count()).toBe(0);
    });

    it('turns malformed JSON in a 200 that claims application/json into an ApiError carrying the raw text', async () => {
      const server = await serve((_req, res) => text(res, 200, '{"broken": ', { 'content-type': 'application/json' }));
      const client = make(server, { retries: 2 });
      const error = await rejection(client.get('/x'));
      expect(error).toBeInstanceOf(ApiError);
      expect(error.status).toBe(200);
      expect(error.body).toBe('{"broken": ');
      expect(error.message).toMatch(/JSON/);
      expect(server.count()).toBe(1);
    });

    it('keeps malformed JSON in an error response as text', async () => {
      const server = await serve((_req, res) => text(res, 400, 'not json', { 'content-type': 'application/json' }));
      const client = make(server);
      const error = await rejection(client.get('/x'));
      expect(error.status).toBe(400);
      expect(error.body).toBe('not json');
    });

    it('returns text for a non-JSON response and null for an empty JSON one', async () => {
      const server = await serve(routes({ '/t': (_q, r) => text(r, 200, 'hello'), '/e': (_q, r) => text(r, 200, '', { 'content-type': 'application/json' }) }));
      const client = make(server);
      await expect(client.get('/t')).resolves.toBe('hello');
      await expect(client.get('/e')).resolves.toBeNull();
    });

    it.each([
      ['undici', 'chunked, without content-length', false],
      ['undici', 'with content-length', true],
      ['fetch', 'chunked, without content-length', false],
      ['fetch', 'with content-length', true],
    ] as const)('refuses a body larger than maxResponseBytes (%s, %s) with an ApiError naming the limit', async (transport, _label, withLength) => {
      const big = 'x'.repeat(10 * 1024);
      const server = await serve((_req, res) => {
        if (withLength) return text(res, 200, big);
        res.writeHead(200, { 'content-type': 'text/plain' });
        for (let i = 0; i < 10; i++) res.write(big.slice(i * 1024, (i + 1) * 1024));
        res.end();
      });
      const client = make(server, { transport, maxResponseBytes: 1024 });
      const error = await rejection(client.get('/big'));
      expect(error).toBeInstanceOf(ApiError);
      expect(error.message).toMatch(/maxResponseBytes \(1024\)/);
      expect(server.count()).toBe(1);
      // The client is still usable afterwards.
      server.setHandler((_req, res) => json(res, 200, { small: true }));
      await expect(client.get('/small')).resolves.toEqual({ small: true });
    });
  });

  describe('secrets', () => {
    const SECRET = /SECRET|pa55word/;
    const secretHeaders = { Authorization: 'Bearer sk-SECRET-123', 'X-API-Key': 'key-SECRET-456' };

    /** Everything a client lets out, as strings. */
    function collector() {
      const out: string[] = [];
      const logs: string[] = [];
      const line = (...args: unknown[]) => logs.push(args.map((a) => (typeof a === 'string' ? a : inspect(a, { depth: 10 }))).join(' '));
      const logger = { debug: line, info: line, warn: line, error: line };
      const listen = (client: ApiClient) => {
        client.actor.on('*', (e) => out.push(JSON.stringify(e), inspect(e, { depth: 10 })));
        client.circuitBreaker.actor.on('*', (e) => out.push(JSON.stringify(e)));
        client.rateLimiter.actor.on('*', (e) => out.push(JSON.stringify(e)));
      };
      const error = (e: any) => out.push(String(e), e.message, e.stack, inspect(e, { depth: 10 }), JSON.stringify(e));
      const state = (client: ApiClient) =>
        out.push(JSON.stringify(client.getStats()), JSON.stringify(client.actor.getPersistedSnapshot()), inspect(client.getStats(), { depth: 10 }));
      return { out, logs, logger, listen, error, state };
    }

    function secretClient(port: number, logger: NonNullable<ApiClientOptions['logger']>, options: Partial<ApiClientOptions> = {}): ApiClient {
      return make(`http://user:pa55word@127.0.0.1:${port}`, {
        headers: secretHeaders,
        enableLogging: true,
        logger,
        retries: 1,
        timeout: 200,
        circuitBreakerOptions: { threshold: 3, volumeThreshold: 3 },
        rateLimiter: true,
        rateLimiterOptions: { limits: { heavy: { tokensPerSecond: 0.01, burstCapacity: 1 } } },
        ...options,
      });
    }

    it('keeps header secrets and URL user-info out of errors, events, stats, snapshots and logs (500, 404, breaker open, rate limited)', async () => {
      const server = await serve(routes({ '/500': (_q, r) => json(r, 500, { e: 500 }), '/ok': (_q, r) => json(r, 200, {}) }));
      const c = collector();
      const client = secretClient(server.port, c.logger);
      c.listen(client);

      await client.get('/ok', { rateCategory: 'heavy' });
      c.error(await rejection(client.get('/ok', { rateCategory: 'heavy' }))); // rate limited
      c.error(await rejection(client.get('/missing'))); // 404
      c.error(await rejection(client.get('/500'))); // 500 twice (retried)
      c.error(await rejection(client.get('/500'))); // third failure: OPEN
      c.error(await rejection(client.get('/500'))); // breaker open
      c.error(await rejection(client.post('/500', { password: 'x' }))); // breaker open
      c.state(client);

      // The secrets were really used...
      expect(server.requests[0]!.headers.authorization).toBe('Bearer sk-SECRET-123');
      expect(server.requests[0]!.headers['x-api-key']).toBe('key-SECRET-456');
      // ...every failure kind happened and was collected...
      expect(c.out.join('\n')).toMatch(/RateLimitError/);
      expect(c.out.join('\n')).toMatch(/HTTP 404/);
      expect(c.out.join('\n')).toMatch(/HTTP 500/);
      expect(c.out.join('\n')).toMatch(/CircuitBreakerError/);
      expect(c.logs.length).toBeGreaterThan(0);
      // ...and none of it shows them.
      for (const s of [...c.out, ...c.logs]) expect(s).not.toMatch(SECRET);
    });

    // Regression: the transports once built TimeoutError / NetworkError from the raw URL.
    it('keeps URL user-info and secret query parameters out of timeout and refused-connection errors and events', async () => {
      const server = await serve(never);
      const c = collector();
      const client = secretClient(server.port, c.logger);
      c.listen(client);
      c.error(await rejection(client.get('/hang', { retries: 0, params: { token: 'tok-SECRET-789' } })));
      c.state(client);

      const refused = secretClient(await closedPort(), c.logger);
      c.listen(refused);
      c.error(await rejection(refused.get('/x')));
      c.state(refused);

      expect(c.out.join('\n')).toMatch(/TimeoutError/);
      expect(c.out.join('\n')).toMatch(/ECONNREFUSED/);
      for (const s of [...c.out, ...c.logs]) expect(s).not.toMatch(SECRET);
    });

    it('accepts a console-like logger object and writes retries to it at warn level', async () => {
      const server = await serve((_q, r) => json(r, 500, {}));
      const lines: unknown[][] = [];
      const logger = { debug: () => {}, info: () => {}, warn: (...a: unknown[]) => lines.push(a), error: () => {} };
      const client = make(server, { enableLogging: true, logger, retries: 1 });
      await rejection(client.get('/x'));
      expect(lines).toHaveLength(1);
      expect(String(lines[0]![0])).toMatch(/^\[ApiClient\] GET .*\/x failed .*retry 1 in/);
    });

    it('never puts header values into ConfigError messages', () => {
      let error: any;
      try {
        new ApiClient({ baseURL: 'http://127.0.0.1:1', headers: { Authorization: 42 as never } });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect(error.message).not.toMatch(/42/);
    });
  });

  describe.each(['undici', 'fetch'] as const)('transport: %s', (transport) => {
    it('GET resolves the parsed JSON body', async () => {
      const server = await serve((req, res) => json(res, 200, { method: req.method, url: req.url }));
      const client = make(server, { transport });
      await expect(client.get('/items', { params: { page: 2, q: 'a b' } })).resolves.toEqual({ method: 'GET', url: '/items?page=2&q=a+b' });
    });

    it('POST sends the JSON body with its content type', async () => {
      const server = await serve((req, res) => json(res, 201, { echo: JSON.parse(req.body) }));
      const client = make(server, { transport, headers: { 'X-Default': 'd' } });
      await expect(client.post('/items', { name: 'John', n: [1, 2] })).resolves.toEqual({ echo: { name: 'John', n: [1, 2] } });
      const seen = server.requests[0]!;
      expect(seen.method).toBe('POST');
      expect(seen.headers['content-type']).toBe('application/json');
      expect(seen.headers['x-default']).toBe('d');
      expect(seen.body).toBe('{"name":"John","n":[1,2]}');
    });

    it('retries a 503 and resolves the 200 that follows', async () => {
      const server = await serve(sequence(503, 200));
      const client = make(server, { transport, retries: 2 });
      await expect(client.get('/x')).resolves.toEqual({ ok: true, attempt: 2 });
      expect(server.count()).toBe(2);
    });

    it('rejects with TimeoutError when the server never answers', async () => {
      const server = await serve(never);
      const client = make(server, { transport, timeout: 200, retries: 0 });
      const error = await rejection(client.get('/slow'));
      expect(error).toBeInstanceOf(TimeoutError);
      expect(error.url).toBe(`${server.url}/slow`);
      expect(error.timeout).toBe(200);
    });

    it('rejects a refused connection with NetworkError ECONNREFUSED', async () => {
      const port = await closedPort();
      const client = make(`http://127.0.0.1:${port}`, { transport, retries: 1 });
      const error = await rejection(client.get('/x'));
      expect(error).toBeInstanceOf(NetworkError);
      expect(error.code).toBe('ECONNREFUSED');
      expect(error.reachedServer).toBe(false);
    }, 5_000);

    it('refuses a chunked body over maxResponseBytes', async () => {
      const server = await serve((_req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('y'.repeat(10 * 1024));
      });
      const client = make(server, { transport, maxResponseBytes: 1024 });
      const error = await rejection(client.get('/big'));
      expect(error).toBeInstanceOf(ApiError);
      expect(error.message).toMatch(/maxResponseBytes \(1024\)/);
    });

    it(
      `refuses a body over maxResponseBytes announced by Content-Length without crashing the process`,
      async () => {
        const server = await serve((_req, res) => text(res, 200, 'y'.repeat(10 * 1024)));
        const result = await runClientInChild({ baseURL: server.url, transport, maxResponseBytes: 1024, retries: 0 }, '/big');
        expect(result.outcome).toMatchObject({ ok: false, name: 'ApiError' });
        expect(result.outcome?.message).toMatch(/maxResponseBytes \(1024\)/);
        expect(result.stderr).not.toMatch(/Unhandled 'error' event/);
        expect(result.code).toBe(0);
      },
      20_000,
    );

    it(
      `a 200 ms timeout cuts off an answer that takes 450 ms`,
      async () => {
        const server = await serve(slow(450));
        const client = make(server, { transport, timeout: 200, retries: 0 });
        const error = await rejection(client.get('/x'));
        expect(error).toBeInstanceOf(TimeoutError);
        expect(error.timeout).toBe(200);
      },
    );

    it('returns 204 No Content as an empty string', async () => {
      const server = await serve((_req, res) => void res.writeHead(204).end());
      const client = make(server, { transport });
      await expect(client.delete('/x')).resolves.toBe('');
    });
  });

  describe('transports and URL user-info', () => {
    it('undici reaches the server for a baseURL with user-info', async () => {
      const server = await serve();
      const client = make(`http://user:pa55word@127.0.0.1:${server.port}`, { transport: 'undici', retries: 0 });
      await expect(client.get('/x')).resolves.toEqual({ ok: true });
      expect(server.count()).toBe(1);
    });

    it("transport 'fetch' reaches the server for a baseURL with user-info, like undici", async () => {
      const server = await serve();
      const client = make(`http://user:pa55word@127.0.0.1:${server.port}`, { transport: 'fetch', retries: 0 });
      await expect(client.get('/x')).resolves.toEqual({ ok: true });
      expect(server.count()).toBe(1);
    });
  });

  describe('lifecycle', () => {
    it('shows { active: { connection: "connected", health } } while alive and is done/stopped after dispose()', async () => {
      const server = await serve();
      const client = make(server);
      expect(client.actor.getSnapshot().value).toEqual({ active: { connection: 'connected', health: 'unknown' } });
      expect(client.actor.getSnapshot().status).toBe('active');
      await client.get('/x');
      await expect(client.dispose()).resolves.toBeUndefined();
      expect(['done', 'stopped']).toContain(client.actor.getSnapshot().status);
    });

    it('rejects calls after dispose() with a clear error, and dispose() twice is fine', async () => {
      const server = await serve();
      const client = make(server);
      await client.dispose();
      await client.dispose();
      const error = await rejection(client.get('/x'));
      expect(error).toBeInstanceOf(StatewireError);
      expect(error.message).toMatch(/disposed/);
      expect(server.count()).toBe(0);
    });

    it('ends a pending retry wait on dispose()', async () => {
      const server = await serve((_req, res) => json(res, 503, {}));
      const client = make(server, { retries: 3, retryDelay: 10_000, maxRetryDelay: 10_000 });
      const scheduled = new Promise<void>((resolve) => client.actor.on('retry_scheduled', () => resolve()));
      const call = rejection(client.get('/x'));
      await scheduled;
      await client.dispose();
      const error = await call;
      expect(error).toBeInstanceOf(StatewireError);
      expect(error.message).toMatch(/disposed/);
      expect(server.count()).toBe(1);
    });

    it('dispose() settles an in-flight request promptly instead of waiting for its timeout', async () => {
      const server = await serve(never);
      const client = make(server, { timeout: 10_000, retries: 0 });
      const call = client.get('/hang').then(
        () => 'resolved',
        (e: unknown) => e,
      );
      await vi.waitFor(() => expect(server.count()).toBe(1));
      // A request that outlives its client reports to stopped actors (XState warns): keep that out of the output.
      vi.spyOn(console, 'warn').mockImplementation(() => {});
      try {
        const outcome = await Promise.race([Promise.all([client.dispose(), call]).then(([, e]) => e), sleep(1_500).then(() => 'hung')]);
        expect(outcome).toBeInstanceOf(StatewireError);
        expect((outcome as Error).message).toMatch(/disposed/);
      } finally {
        await server.close(); // resets the hanging socket
        await call;
      }
    });

    it("exposes the breaker child: client.actor.system.get('breaker') is client.circuitBreaker.actor (under a parent, '<name>.breaker')", async () => {
      const server = await serve();
      const client = make(server);
      // A root client (the default) has no name; the as-children run adopts every client under one.
      const name = client.actor.getSnapshot().context.name;
      const id = (part: string) => (name === null ? part : `${name}.${part}`);
      expect(client.actor.system.get(id('breaker'))).toBe(client.circuitBreaker.actor);
      expect(client.actor.system.get(id('rateLimiter'))).toBe(client.rateLimiter.actor);
      expect(client.actor.getSnapshot().children.breaker).toBe(client.circuitBreaker.actor);
    });

    it('restores an OPEN breaker from circuitBreakerOptions.snapshot (JSON round-trip) into a new client', async () => {
      const server = await serve((_req, res) => json(res, 503, {}));
      const first = make(server, { retries: 0, circuitBreakerOptions: { threshold: 1, volumeThreshold: 1, timeout: 60_000 } });
      await rejection(first.get('/x'));
      expect(first.getCircuitBreakerState().state).toBe('OPEN');
      const snapshot = JSON.parse(JSON.stringify(first.circuitBreaker.actor.getPersistedSnapshot()));
      const nextAttempt = first.getCircuitBreakerState().nextAttempt;
      await first.dispose();

      const second = make(server, { retries: 0, circuitBreakerOptions: { snapshot } });
      expect(second.getCircuitBreakerState()).toMatchObject({ state: 'OPEN', nextAttempt });
      const error = await rejection(second.get('/x'));
      expect(error).toBeInstanceOf(CircuitBreakerError);
      expect(error.nextAttempt).toBe(nextAttempt);
      expect(server.count()).toBe(1);
    });

    it('a restored OPEN breaker still goes HALF_OPEN when its time is up', async () => {
      const server = await serve((_req, res) => json(res, 503, {}));
      const first = make(server, { retries: 0, circuitBreakerOptions: { threshold: 1, volumeThreshold: 1, timeout: 150 } });
      await rejection(first.get('/x'));
      const snapshot = JSON.parse(JSON.stringify(first.circuitBreaker.actor.getPersistedSnapshot()));
      await first.dispose();

      const second = make(server, { retries: 0, circuitBreakerOptions: { snapshot } });
      server.setHandler((_req, res) => json(res, 200, { back: true }));
      await vi.waitFor(() => expect(second.getCircuitBreakerState().state).toBe('HALF_OPEN'), { timeout: 3_000, interval: 10 });
      await expect(second.get('/x')).resolves.toEqual({ back: true });
      expect(second.getCircuitBreakerState().state).toBe('CLOSED');
    });

    it('getStats() counts requests, successes, failures and retries', async () => {
      const server = await serve(routes({ '/ok': (_q, r) => json(r, 200, {}), '/bad': (_q, r) => json(r, 500, {}) }));
      const client = make(server, { retries: 1 });
      await client.get('/ok');
      await rejection(client.get('/bad'));
      expect(client.getStats()).toMatchObject({
        requests: 2,
        succeeded: 1,
        failed: 1,
        retries: 1,
        circuitBreaker: { state: 'CLOSED' },
        rateLimiter: { totalRequests: 3 },
      });
    });
  });
});

