/**
 * The Endpoint as an actor system, against real servers on 127.0.0.1: its two
 * children in the inspected tree, the summary following the backends, the seed's
 * tuning lines changing live behaviour (and refusing bad values), the
 * troubleshooting and best-practice snippets through `endpoint.connection` / `endpoint.api`.
 */
import type { AnyActorRef, InspectionEvent } from 'xstate';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CircuitBreakerError, ConfigError, Endpoint, RateLimitError, type EndpointOptions, type EndpointStatus } from '../../src/index.js';
import { json } from '../helpers/testServer.js';
import { rejection } from '../helpers/rejection.js';
import { waitFor } from '../helpers/wsServer.js';
import { startBackend, type Backend } from './backend.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  vi.restoreAllMocks();
  vi.useRealTimers();
});
async function backend(options?: Parameters<typeof startBackend>[0]): Promise<Backend> {
  const b = await startBackend(options);
  cleanups.push(() => b.stop());
  return b;
}
function endpointFor(b: Backend, more: Partial<EndpointOptions> = {}): Endpoint {
  const endpoint = new Endpoint({ WS_URL: b.wsUrl, API_BASE_URL: b.apiUrl, NODE_ENV: 'production', ...more });
  cleanups.push(() => endpoint.dispose());
  return endpoint;
}
const open = (endpoint: Endpoint) => waitFor(() => endpoint.connection.isConnected(), 5_000, 'the socket to open');

describe('Endpoint: the actor tree', () => {
  it('one root with the websocket and http children (and theirs), in the inspector and in system.get; one socket dialled', async () => {
    const b = await backend();
    const events: InspectionEvent[] = [];
    const endpoint = endpointFor(b, { inspect: (e) => events.push(e) });
    await open(endpoint);
    const root = endpoint.actor;
    expect(root.system.get('websocket')).toBe(endpoint.connection.actor);
    expect(root.system.get('http')).toBe(endpoint.api.actor);
    expect(root.system.get('http.breaker')).toBe(endpoint.api.circuitBreaker.actor);
    expect(Object.keys(root.getSnapshot().children).sort()).toEqual(['http', 'websocket']);
    const actors = events.filter((e) => e.type === '@xstate.actor').map((e) => e.actorRef as AnyActorRef & { _parent?: AnyActorRef });
    const byId = (id: string) => actors.find((a) => a.id === id);
    // The root: no parent, the machine the inspector names 'endpoint'.
    expect(actors.filter((a) => a._parent === undefined && ((a as unknown as { logic: { id?: string } }).logic.id === 'endpoint')).map((a) => a.sessionId)).toEqual([root.sessionId]);
    expect(byId('websocket')!._parent).toBe(root);
    expect(byId('http')!._parent).toBe(root);
    // An event's actorRef is a redacted view of the actor: the same actor by sessionId.
    expect(byId('breaker')!._parent!.sessionId).toBe(byId('http')!.sessionId);
    // The children ran under the root from their first actor: the server saw one connection.
    expect(b.ws.connections).toBe(1);
    expect(events.some((e) => e.type === '@xstate.snapshot' && e.actorRef.sessionId === root.sessionId)).toBe(true);
  });

  it('what the inspector sees carries no credentials (URLs with a token and a password)', async () => {
    const b = await backend({ ws: { echo: true } });
    const events: InspectionEvent[] = [];
    const endpoint = endpointFor(b, {
      WS_URL: `${b.wsUrl}?token=s3cr3t-ws-token`,
      API_BASE_URL: b.apiUrl.replace('http://', 'http://ada:s3cr3t-pw@'),
      inspect: (e) => events.push(e),
    });
    await open(endpoint);
    endpoint.sendUserMessage('hi');
    await endpoint.getSettings();
    b.ws.terminateAll();
    await waitFor(() => endpoint.status !== 'ready', 2_000, 'the drop');
    const seen = new WeakSet<object>();
    const safe = (_key: string, value: unknown) => {
      if (typeof value === 'function') return undefined;
      if (typeof value === 'object' && value !== null) {
        if (seen.has(value)) return undefined;
        seen.add(value);
      }
      return value;
    };
    const shown = events.map((e) => JSON.stringify(e.type === '@xstate.event' ? e.event : e.type === '@xstate.snapshot' ? (e.snapshot as { context?: unknown }).context : null, safe));
    expect(shown.length).toBeGreaterThan(10);
    expect(shown.join('\n')).not.toMatch(/s3cr3t/);
    expect(shown.join('\n')).toContain(`127.0.0.1:${b.ws.port}`);
  });

  it("a credential the servers echo back (a close reason, a 401 body) is scrubbed from what the inspector sees: it knows both children's secrets", async () => {
    const token = 's3cr3t-echoed-token';
    const key = 's3cr3t-echoed-key';
    const b = await backend({
      ws: { onConnection: (socket, index) => index === 1 && setTimeout(() => socket.close(4001, `token ${token} revoked`), 20) },
      routes: { '/api/settings': (req, res) => json(res, 401, { error: `unknown key ${String(req.headers['x-api-key'])}` }) },
    });
    const events: InspectionEvent[] = [];
    const endpoint = endpointFor(b, { WS_URL: `${b.wsUrl}?token=${token}`, http: { headers: { 'X-API-Key': key } }, inspect: (e) => events.push(e) });
    await waitFor(() => b.ws.closes.length > 0 && endpoint.status !== 'ready', 5_000, 'the server to close the socket');
    expect(await rejection(endpoint.getSettings())).toMatchObject({ status: 401 });
    const seen = new WeakSet<object>();
    const shown = events.map((e) =>
      JSON.stringify({ ...e, actorRef: e.actorRef.getSnapshot(), sourceRef: undefined }, (_k, value: unknown) => {
        if (typeof value === 'object' && value !== null) {
          if (seen.has(value)) return undefined;
          seen.add(value);
        }
        return value;
      }),
    );
    expect(shown.join('\n')).toContain('4001');
    expect(shown.join('\n')).not.toMatch(/s3cr3t/);
  });

  it('an inspection observer object ({ next }) works too', async () => {
    const b = await backend();
    const seen: string[] = [];
    const endpoint = endpointFor(b, { inspect: { next: (e: InspectionEvent) => void seen.push(e.type) } });
    await open(endpoint);
    expect(seen).toContain('@xstate.actor');
    expect(seen).toContain('@xstate.event');
  });

  it('the context shows both children; the summary follows the backends: ready → degraded → down → degraded → ready', async () => {
    const b = await backend({ routes: { '/api/boom': (_req, res) => json(res, 500, {}) } });
    const endpoint = endpointFor(b, { websocket: { reconnectDelay: 20, maxReconnectDelay: 40, healthUrl: false }, http: { retries: 0, circuitBreakerOptions: { threshold: 1, volumeThreshold: 1, timeout: 60_000 } } });
    const statuses: EndpointStatus[] = [];
    endpoint.on('endpointStatus', (s) => statuses.push(s));
    await open(endpoint);
    await waitFor(() => endpoint.status === 'ready', 2_000, 'ready');
    expect(endpoint.actor.getSnapshot().context).toMatchObject({
      env: 'production',
      websocket: { attached: true, status: 'idle' },
      http: { attached: true, health: 'unknown', breaker: 'CLOSED' },
    });
    b.ws.terminateAll();
    await waitFor(() => endpoint.status === 'degraded', 2_000, 'degraded');
    await b.ws.stop();
    expect(await rejection(endpoint.api.get('/api/boom'))).toMatchObject({ status: 500 });
    await waitFor(() => endpoint.status === 'down', 2_000, 'down');
    expect(endpoint.actor.getSnapshot().context.http).toEqual({ attached: true, health: 'unhealthy', breaker: 'OPEN' });
    await b.ws.restart();
    await waitFor(() => endpoint.status === 'degraded', 5_000, 'degraded again');
    endpoint.api.resetCircuitBreaker();
    await expect(endpoint.getSettings()).resolves.toEqual({ theme: 'light' });
    await waitFor(() => endpoint.status === 'ready', 2_000, 'ready again');
    expect(statuses.filter((s, i) => s !== statuses[i - 1])).toEqual(statuses);
    expect(statuses).toEqual(expect.arrayContaining(['ready', 'degraded', 'down']));
    expect(statuses.slice(-1)).toEqual(['ready']);
    await endpoint.dispose();
    // While disposing the children leave first: only the end is news.
    expect(statuses.slice(-2)).toEqual(['ready', 'disposed']);
  });

  it("an 'endpointStatus' handler that throws is reported on 'error' and the others still run", async () => {
    const b = await backend();
    const endpoint = endpointFor(b);
    const errors: Error[] = [];
    const seen: EndpointStatus[] = [];
    const bad = () => {
      throw new Error('status handler bug');
    };
    endpoint.on('error', (e) => errors.push(e)).on('endpointStatus', bad).on('endpointStatus', (s) => seen.push(s));
    endpoint.on('endpointStatus', bad); // registered once
    await waitFor(() => seen.includes('ready'), 5_000, 'ready');
    expect(errors.length).toBe(seen.length);
    expect(errors[0]).toMatchObject({ name: 'CallbackError', callback: "'endpointStatus' handler" });
    endpoint.off('endpointStatus', bad);
    endpoint.off('error', errors.push);
  });
});

describe('Endpoint: the tuning lines change the running machines', () => {
  /** 7 good calls, then failing ones (POST: not retried, one attempt each) until the breaker refuses. */
  async function failuresUntilOpen(endpoint: Endpoint, b: Backend): Promise<number> {
    for (let i = 0; i < 7; i++) await endpoint.getSettings();
    b.http.setHandler((_req, res) => json(res, 500, { error: 'down' }));
    for (let failures = 0; failures < 20; failures++) {
      const error = await rejection(endpoint.setSettings({ theme: 'x' }));
      if (error instanceof CircuitBreakerError) return failures;
      expect(error).toMatchObject({ status: 500 });
    }
    return Infinity;
  }

  it('circuitBreaker.threshold = 3: open after 3 failures (the default 5 needs 5), refusing without a request', async () => {
    const tuned = await backend();
    const endpoint = endpointFor(tuned);
    endpoint.api.circuitBreaker.threshold = 3;
    endpoint.api.circuitBreaker.timeout = 30000;
    expect(await failuresUntilOpen(endpoint, tuned)).toBe(3);
    expect(tuned.http.requests.length).toBe(10);
    const state = endpoint.api.getCircuitBreakerState();
    expect(state.state).toBe('OPEN');
    // timeout = 30000 is the OPEN period the machine runs.
    expect(endpoint.actor.system.get('http.breaker')!.getSnapshot().context.retryIn).toBe(30000);
    await waitFor(() => endpoint.actor.getSnapshot().context.http.breaker === 'OPEN', 2_000, 'the endpoint to see it');

    const plain = await backend();
    const untouched = endpointFor(plain);
    expect(await failuresUntilOpen(untouched, plain)).toBe(5);
  });

  it('rateLimiter.limits.api.tokensPerSecond = 10: the next token is 100 ms away instead of 50 (time stands still)', async () => {
    const b = await backend();
    const frozen = Date.now();
    const clock = { now: () => frozen, setTimeout: (fn: () => void, ms: number) => setTimeout(fn, ms), clearTimeout: (id: unknown) => clearTimeout(id as NodeJS.Timeout) };
    const endpoint = endpointFor(b, { clock } as Partial<EndpointOptions>);
    for (let i = 0; i < 30; i++) await endpoint.getSettings(); // the burst
    const before = await rejection(endpoint.getModels());
    expect(before).toBeInstanceOf(RateLimitError);
    expect((before as RateLimitError).retryAfter).toBe(50);
    endpoint.api.rateLimiter.limits.api.tokensPerSecond = 10;
    const after = await rejection(endpoint.getModels());
    expect((after as RateLimitError).retryAfter).toBe(100);
    expect(endpoint.actor.system.get('http.rateLimiter')!.getSnapshot().context.limits.api.tokensPerSecond).toBe(10);
    // Control traffic has its own bucket.
    await expect(endpoint.getHealth()).resolves.toEqual({ status: 'ok' });
    expect(b.http.count('/api/models')).toBe(0);
  });

  it('an invalid value is a ConfigError naming the option and value, and the old value stays', async () => {
    const b = await backend();
    const endpoint = endpointFor(b);
    endpoint.api.circuitBreaker.threshold = 3;
    endpoint.api.rateLimiter.limits.api.tokensPerSecond = 10;
    const assignments: Array<[() => void, string, unknown]> = [
      [() => (endpoint.api.circuitBreaker.threshold = 0), 'threshold', 0],
      [() => (endpoint.api.circuitBreaker.threshold = 2.5), 'threshold', 2.5],
      [() => (endpoint.api.circuitBreaker.timeout = -1), 'timeout', -1],
      [() => (endpoint.api.circuitBreaker.timeout = '30s' as never), 'timeout', '30s'],
      [() => (endpoint.api.rateLimiter.limits.api.tokensPerSecond = -1), 'tokensPerSecond', -1],
      [() => (endpoint.api.rateLimiter.limits.api.burstCapacity = Number.NaN), 'burstCapacity', Number.NaN],
      [() => (endpoint.connection.enableLogging = 'yes' as never), 'enableLogging', 'yes'],
      [() => (endpoint.api.enableLogging = 1 as never), 'enableLogging', 1],
    ];
    for (const [assign, option, value] of assignments) {
      let error: unknown;
      try {
        assign();
      } catch (e) {
        error = e;
      }
      expect(error, option).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).option.endsWith(option)).toBe(true);
      expect((error as ConfigError).value).toEqual(value);
    }
    expect(endpoint.api.circuitBreaker.threshold).toBe(3);
    expect(endpoint.api.circuitBreaker.timeout).toBe(60000);
    expect(endpoint.api.rateLimiter.limits.api).toMatchObject({ tokensPerSecond: 10, burstCapacity: 30 });
    expect([endpoint.connection.enableLogging, endpoint.api.enableLogging]).toEqual([false, false]);
    expect(endpoint.actor.system.get('http.breaker')!.getSnapshot().context.threshold).toBe(3);
  });
});

describe('seed 004: troubleshooting and best practices through an endpoint', () => {
  it('"WebSocket won\'t connect": connection.url, stats.reconnectAttempts, _startHealthCheck() reconnects at once', async () => {
    const b = await backend();
    await b.ws.stop();
    const logs: unknown[][] = [];
    vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void logs.push(a));
    const endpoint = endpointFor(b, { websocket: { reconnectDelay: 10_000, healthUrl: false } });
    await waitFor(() => endpoint.connection.getStats().status === 'waiting', 3_000, 'waiting');
    await waitFor(() => endpoint.status === 'degraded', 3_000, 'degraded');
    const connection = endpoint.connection;

    // ---- seed 004, troubleshooting ----
    // Check URL
    console.log('WS URL:', connection.url);

    // Check reconnection attempts
    const stats = connection.getStats();
    console.log('Reconnect attempts:', stats.reconnectAttempts);

    await b.ws.restart();
    // Check health check
    connection._startHealthCheck();
    // ---- end of snippet ----

    expect(logs[0]).toEqual(['WS URL:', b.wsUrl]);
    expect(logs[1]).toEqual(['Reconnect attempts:', 1]);
    await open(endpoint);
    await waitFor(() => endpoint.status === 'ready', 2_000, 'ready');
  });

  it('"Circuit breaker stuck open" and "Rate limiting too aggressive" on endpoint.api', async () => {
    const b = await backend({ routes: { '/api/boom': (_req, res) => json(res, 503, {}) } });
    const endpoint = endpointFor(b, { http: { retries: 0, circuitBreakerOptions: { threshold: 1, volumeThreshold: 1 } } });
    const client = endpoint.api;
    await rejection(client.get('/api/boom'));
    const logs: unknown[][] = [];
    vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void logs.push(a));

    // ---- seed 004, "Circuit breaker stuck open" ----
    // Check state
    const state = client.getCircuitBreakerState();
    console.log('State:', state.state);
    console.log('Failures:', state.failureCount);
    console.log('Next attempt:', new Date(state.nextAttempt!));

    // Force reset
    client.resetCircuitBreaker();
    // ---- "Rate limiting too aggressive" ----
    // Check stats
    const stats = client.getRateLimiterStats();
    console.log('Rate limited:', stats.rateLimited);
    console.log('By endpoint:', stats.byEndpoint);

    // Adjust limits
    client.rateLimiter.limits.api.tokensPerSecond = 50;
    client.rateLimiter.limits.api.burstCapacity = 100;

    // Or disable temporarily
    client.rateLimiter.disable();
    // ---- end of snippets ----

    expect(logs.slice(0, 2)).toEqual([['State:', 'OPEN'], ['Failures:', 1]]);
    expect((logs[2]![1] as Date).getTime()).toBeGreaterThan(Date.now());
    expect(logs.slice(3)).toEqual([['Rate limited:', 0], ['By endpoint:', { '/api/boom': { totalRequests: 1, rateLimited: 0 } }]]);
    expect(client.getCircuitBreakerState().state).toBe('CLOSED');
    expect(endpoint.actor.system.get('http.rateLimiter')!.getSnapshot().context.limits.api).toEqual({ tokensPerSecond: 50, burstCapacity: 100 });
    expect(client.rateLimiter.enabled).toBe(false);
    await waitFor(() => endpoint.actor.getSnapshot().context.http.breaker === 'CLOSED', 2_000, 'the endpoint to see the reset');
  });

  it('Best Practices: on("error", handleError), monitoring getStats every minute, dispose', async () => {
    const b = await backend();
    await b.ws.stop();
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const logs: unknown[][] = [];
    vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void logs.push(a));
    const handled: Error[] = [];
    const handleError = (error: Error) => handled.push(error);
    const endpoint = endpointFor(b, { websocket: { reconnectDelay: 20, healthUrl: false } });

    // ---- seed 004, "Best Practices" 2 and 4 ----
    endpoint.on('error', handleError);

    setInterval(() => {
      const stats = endpoint.getStats();
      console.log('Connection health:', stats);
    }, 60000);
    // ---- ----

    await waitFor(() => handled.length > 0, 3_000, 'an error for the refused socket');
    expect(handled[0]!.name).toBe('NetworkError');
    vi.advanceTimersByTime(60_000);
    expect(logs).toHaveLength(1);
    expect(logs[0]![0]).toBe('Connection health:');
    expect(logs[0]![1]).toMatchObject({ websocket: { connected: false, status: 'waiting' }, http: { requests: 0 }, status: 'degraded' });

    // ---- Best Practices 1 ----
    endpoint.dispose();
    // ----
    vi.advanceTimersByTime(60_000);
    expect((logs[1]![1] as { status: string }).status).toBe('disposed');
    vi.clearAllTimers();
  });
});
