/**
 * The Endpoint's methods and options through the public API, against a real
 * backend on 127.0.0.1: what each method sends (messageFormat), the routes,
 * request ids (randomUUID and its getRandomValues fallback), input checks,
 * option validation, disposal.
 */
import { webcrypto } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CallbackError, ConfigError, Endpoint, StatewireError, ValidationError, type EndpointOptions } from '../../src/index.js';
import { rejection } from '../helpers/rejection.js';
import { sleep, waitFor } from '../helpers/wsServer.js';
import { startBackend, type Backend } from './backend.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});
async function backend(options?: Parameters<typeof startBackend>[0]): Promise<Backend> {
  const b = await startBackend(options);
  cleanups.push(() => b.stop());
  return b;
}
function endpointFor(b: Backend, more: Partial<EndpointOptions> = {}): Endpoint {
  const endpoint = new Endpoint({ WS_URL: b.wsUrl, API_BASE_URL: b.apiUrl, NODE_ENV: 'test', ...more });
  cleanups.push(() => endpoint.dispose());
  return endpoint;
}
const open = (endpoint: Endpoint) => waitFor(() => endpoint.connection.isConnected(), 5_000, 'the socket to open');
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('Endpoint: what the WebSocket methods send', () => {
  it('without a requestId, each message gets a fresh crypto.randomUUID(), returned and sent', async () => {
    const b = await backend();
    const endpoint = endpointFor(b);
    const uuid = vi.spyOn(globalThis.crypto, 'randomUUID');
    const first = endpoint.sendUserMessage('one');
    const second = endpoint.sendUserMessageWithImage('two', 'aW1n');
    expect(uuid).toHaveBeenCalledTimes(2);
    expect(first).toMatch(UUID_V4);
    expect(second).toMatch(UUID_V4);
    expect(first).not.toBe(second);
    await b.ws.waitForMessages(2);
    expect(b.ws.jsons()).toEqual([
      { type: 'user_message', requestId: first, content: 'one' },
      { type: 'user_message', requestId: second, content: 'two', image: 'aW1n' },
    ]);
  });

  it('where randomUUID is missing, ids come from crypto.getRandomValues (version-4 UUIDs, all different)', async () => {
    const b = await backend();
    const endpoint = endpointFor(b);
    const getRandomValues = vi.fn(<T extends Uint8Array>(array: T) => webcrypto.getRandomValues(array));
    vi.stubGlobal('crypto', { getRandomValues });
    const ids = Array.from({ length: 50 }, (_, i) => endpoint.sendUserMessage(`m${i}`));
    expect(getRandomValues).toHaveBeenCalledTimes(50);
    for (const id of ids) expect(id).toMatch(UUID_V4);
    expect(new Set(ids).size).toBe(50);
    await b.ws.waitForMessages(50);
    expect((b.ws.jsons() as Array<{ requestId: string }>).map((m) => m.requestId)).toEqual(ids);
  });

  it('the fallback sets the version and variant bits whatever the random bytes are', () => {
    const bytes = [new Uint8Array(16).fill(0xff), new Uint8Array(16).fill(0)];
    const ids: string[] = [];
    for (const fill of bytes) {
      vi.stubGlobal('crypto', { getRandomValues: (a: Uint8Array) => (a.set(fill), a) });
      const endpoint = new Endpoint({ WS_URL: 'ws://127.0.0.1:1/ws', API_BASE_URL: 'http://127.0.0.1:1', websocket: { healthUrl: false } });
      ids.push(endpoint.sendUserMessage('x'));
      void endpoint.dispose();
    }
    expect(ids).toEqual(['ffffffff-ffff-4fff-bfff-ffffffffffff', '00000000-0000-4000-8000-000000000000']);
  });

  it('with neither randomUUID nor getRandomValues: an error asking for a requestId, and nothing is sent', async () => {
    const b = await backend();
    const endpoint = endpointFor(b);
    await open(endpoint);
    vi.stubGlobal('crypto', undefined);
    expect(() => endpoint.sendUserMessage('x')).toThrow(/pass a requestId/);
    expect(endpoint.sendUserMessage('x', 'mine')).toBe('mine');
    await b.ws.waitForMessages(1);
    await sleep(20);
    expect(b.ws.jsons()).toEqual([{ type: 'user_message', requestId: 'mine', content: 'x' }]);
  });

  it('messageFormat replaces what is sent; stop: false sends no stop message on the socket', async () => {
    const b = await backend();
    const endpoint = endpointFor(b, {
      messageFormat: {
        userMessage: (content, requestId) => ({ kind: 'chat', id: requestId, text: content }),
        userMessageWithImage: (content, image, requestId) => `${requestId}|${content}|${image}`,
        stop: false,
      },
    });
    await open(endpoint);
    endpoint.sendUserMessage('hi', 'r1');
    endpoint.sendUserMessageWithImage('pic', 'AAAA', 'r2');
    await expect(endpoint.stopGeneration('r1')).resolves.toEqual({ stopped: true, body: { requestId: 'r1' } });
    await b.ws.waitForMessages(2);
    await sleep(20);
    expect(b.ws.texts()).toEqual([JSON.stringify({ kind: 'chat', id: 'r1', text: 'hi' }), 'r2|pic|AAAA']);
  });

  it('a custom stop message goes on the socket; while the socket is down none is queued, the HTTP stop still goes', async () => {
    const b = await backend();
    const endpoint = endpointFor(b, { messageFormat: { stop: (requestId) => ({ cancel: requestId ?? 'all' }) }, websocket: { reconnectDelay: 60_000, healthUrl: false } });
    await open(endpoint);
    await endpoint.stopGeneration();
    await b.ws.waitForMessages(1);
    expect(b.ws.jsons()).toEqual([{ cancel: 'all' }]);
    await b.ws.stop();
    await waitFor(() => !endpoint.connection.isConnected(), 5_000, 'the drop');
    await endpoint.stopGeneration('r9');
    expect(endpoint.getStats().websocket.queuedMessages).toBe(0);
    expect(b.http.requests.map((r) => r.body)).toEqual(['', JSON.stringify({ requestId: 'r9' })]);
  });

  it('a messageFormat function that throws: a CallbackError to the caller, nothing sent, the endpoint goes on', async () => {
    const b = await backend();
    const endpoint = endpointFor(b, {
      messageFormat: {
        userMessage: () => {
          throw new Error('format bug');
        },
      },
    });
    await open(endpoint);
    const thrown = (() => {
      try {
        endpoint.sendUserMessage('x', 'r1');
      } catch (e) {
        return e as CallbackError;
      }
    })();
    expect(thrown).toBeInstanceOf(CallbackError);
    expect(thrown!.callback).toBe('messageFormat.userMessage');
    endpoint.sendUserMessageWithImage('y', 'Zg==', 'r2');
    await b.ws.waitForMessages(1);
    expect(b.ws.jsons()).toEqual([{ type: 'user_message', requestId: 'r2', content: 'y', image: 'Zg==' }]);
  });

  it('refuses bad arguments with a ValidationError naming them, and sends nothing', async () => {
    const b = await backend();
    const endpoint = endpointFor(b);
    await open(endpoint);
    const cases: Array<[() => unknown, string]> = [
      [() => endpoint.sendUserMessage(42 as never), 'text'],
      [() => endpoint.sendUserMessage('x', '' as never), 'requestId'],
      [() => endpoint.sendUserMessage('x', 7 as never), 'requestId'],
      [() => endpoint.sendUserMessageWithImage('x', '' as never), 'base64Image'],
      [() => endpoint.sendUserMessageWithImage('x', new Uint8Array(2) as never), 'base64Image'],
      [() => endpoint.streamAudio('not audio' as never), 'buffer'],
      [() => endpoint.on('message', 5 as never), 'handler'],
      [() => endpoint.on('endpointStatus', undefined as never), 'handler'],
      [() => endpoint.on(undefined as never, () => {}), 'event'],
    ];
    for (const [call, rule] of cases) {
      let error: unknown;
      try {
        call();
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).rule).toBe(rule);
    }
    for (const bad of [null, [1], 'dark']) {
      const e = await rejection(endpoint.setSettings(bad as never));
      expect(e).toBeInstanceOf(ValidationError);
      expect((e as ValidationError).rule).toBe('settings');
    }
    expect((await rejection(endpoint.stopGeneration('' as never))) as ValidationError).toMatchObject({ rule: 'requestId' });
    await sleep(20);
    expect(b.ws.messages).toEqual([]);
    expect(b.http.requests).toEqual([]);
    // A DataView and an ArrayBuffer are audio.
    expect(endpoint.streamAudio(new DataView(new ArrayBuffer(2)))).toBe(true);
    expect(endpoint.streamAudio(new ArrayBuffer(3))).toBe(true);
    await b.ws.waitForMessages(2);
  });
});

describe('Endpoint: routes', () => {
  it('defaults: GET /health, GET and POST /api/settings, GET /api/models, POST /api/stop', async () => {
    const b = await backend();
    const endpoint = endpointFor(b);
    expect(endpoint.routes).toEqual({ health: '/health', settings: '/api/settings', models: '/api/models', stop: '/api/stop' });
    await endpoint.getHealth();
    await endpoint.getSettings();
    await endpoint.setSettings({ a: 1 });
    await endpoint.getModels();
    await endpoint.stopGeneration();
    expect(b.http.requests.map((r) => [r.method, r.url, r.body])).toEqual([
      ['GET', '/health', ''],
      ['GET', '/api/settings', ''],
      ['POST', '/api/settings', '{"a":1}'],
      ['GET', '/api/models', ''],
      ['POST', '/api/stop', ''],
    ]);
    // Health and stop are control traffic: the api bucket is not spent on them.
    expect(endpoint.api.getRateLimiterStats().byEndpoint).toMatchObject({ '/api/settings': { totalRequests: 2 }, '/api/models': { totalRequests: 1 } });
  });

  it('configured routes are used (the rest keep their defaults)', async () => {
    const b = await backend({ routes: { '/healthz': (_req, res) => res.end('up'), '/v1/models': (_req, res) => res.end('m') } });
    const endpoint = endpointFor(b, { routes: { health: '/healthz', models: '/v1/models' } });
    expect(endpoint.routes).toEqual({ health: '/healthz', settings: '/api/settings', models: '/v1/models', stop: '/api/stop' });
    await expect(endpoint.getHealth()).resolves.toBe('up');
    await expect(endpoint.getModels()).resolves.toBe('m');
    await expect(endpoint.getSettings()).resolves.toEqual({ theme: 'light' });
  });
});

describe('Endpoint: options', () => {
  const base = { WS_URL: 'ws://127.0.0.1:1/ws', API_BASE_URL: 'http://127.0.0.1:1' };
  const refused = (options: unknown): ConfigError => {
    try {
      const e = new Endpoint(options as EndpointOptions);
      void e.dispose();
    } catch (error) {
      return error as ConfigError;
    }
    throw new Error('accepted');
  };

  it('refuses bad options with a ConfigError naming the option and the value', () => {
    const cases: Array<[unknown, string, unknown]> = [
      [{ API_BASE_URL: base.API_BASE_URL }, 'WS_URL', undefined],
      [{ ...base, WS_URL: 'http://127.0.0.1:1/ws' }, 'WS_URL', 'http://127.0.0.1:1/ws'],
      [{ ...base, API_BASE_URL: 'ftp://127.0.0.1' }, 'API_BASE_URL', 'ftp://127.0.0.1'],
      [{ ...base, NODE_ENV: 'staging' }, 'NODE_ENV', 'staging'],
      [{ ...base, routes: { health: 'health' } }, 'routes.health', 'health'],
      [{ ...base, routes: { health: '//evil.example/x' } }, 'routes.health', '//evil.example/x'],
      [{ ...base, routes: { healthz: '/x' } }, 'routes.healthz', '[REDACTED]'],
      [{ ...base, routes: 'x' }, 'routes', 'x'],
      [{ ...base, messageFormat: { stop: 1 } }, 'messageFormat.stop', 1],
      [{ ...base, messageFormat: { userMessage: 'x' } }, 'messageFormat.userMessage', 'x'],
      [{ ...base, inspect: 5 }, 'inspect', 5],
      [{ ...base, inspect: {} }, 'inspect', {}],
      [{ ...base, websocket: 3 }, 'websocket', 3],
      [{ ...base, http: [] }, 'http', []],
      [{ ...base, logger: {} }, 'logger', {}],
    ];
    for (const [options, option, value] of cases) {
      const error = refused(options);
      expect(error, option).toBeInstanceOf(ConfigError);
      expect([error.owner, error.option, error.value]).toEqual(['Endpoint', option, value]);
    }
    expect(refused({ ...base, WS_URI: 'x' }).hint).toBe('did you mean "WS_URL"?');
  });

  it("a client's bad option is named under the Endpoint's option (its own error as the cause), and nothing is left open (no socket dialled)", async () => {
    const b = await backend();
    const error = refused({ WS_URL: b.wsUrl, API_BASE_URL: b.apiUrl, websocket: { pingInterval: -1 } });
    expect([error.owner, error.option]).toEqual(['Endpoint', 'websocket.pingInterval']);
    expect([(error.cause as ConfigError).owner, (error.cause as ConfigError).option]).toEqual(['GuruConnection', 'pingInterval']);
    expect(refused({ WS_URL: b.wsUrl, API_BASE_URL: b.apiUrl, http: { retries: -1 } }).option).toBe('http.retries');
    const misspelt = refused({ WS_URL: b.wsUrl, API_BASE_URL: b.apiUrl, http: { retires: 2 } });
    expect(misspelt.message).toMatch(/Endpoint: invalid option "http\.retires"/);
    expect(misspelt.hint).toBe('did you mean "http.retries"?');
    await sleep(50);
    expect(b.ws.connections).toBe(0);
  });

  it('a client option the Endpoint sets itself (websocket.url, websocket.attachTo, http.baseURL) is refused, not silently replaced', async () => {
    const b = await backend();
    const other = await backend();
    const ws = refused({ WS_URL: b.wsUrl, API_BASE_URL: b.apiUrl, websocket: { url: `${other.wsUrl}?token=s3cret-ws` } });
    expect(ws).toBeInstanceOf(ConfigError);
    expect([ws.owner, ws.option]).toEqual(['Endpoint', 'websocket.url']);
    expect(ws.message).toContain('WS_URL');
    expect(`${ws.message} ${JSON.stringify(ws.value)}`).not.toContain('s3cret-ws');
    const http = refused({ WS_URL: b.wsUrl, API_BASE_URL: b.apiUrl, http: { baseURL: other.apiUrl } });
    expect([http.owner, http.option, http.value]).toEqual(['Endpoint', 'http.baseURL', other.apiUrl]);
    expect(http.message).toContain('API_BASE_URL');
    expect(refused({ WS_URL: b.wsUrl, API_BASE_URL: b.apiUrl, websocket: { attachTo: { parent: {}, name: 'x' } } }).option).toBe('websocket.attachTo');
    await sleep(50);
    expect([b.ws.connections, other.ws.connections]).toEqual([0, 0]);
  });

  it('NODE_ENV is case-insensitive and defaults to production; client options go over the preset, breaker options merge', async () => {
    const b = await backend();
    expect(endpointFor(b, { NODE_ENV: 'Development' as never }).env).toBe('development');
    expect(endpointFor(b, { NODE_ENV: undefined }).env).toBe('production');
    const dev = endpointFor(b, { NODE_ENV: 'development', http: { circuitBreakerOptions: { volumeThreshold: 2 }, enableLogging: false }, websocket: { enableLogging: false } });
    expect(dev.api.circuitBreaker.actor.getSnapshot().context).toMatchObject({ threshold: 10, volumeThreshold: 2 });
    expect([dev.api.enableLogging, dev.connection.enableLogging]).toEqual([false, false]);
    const limited = endpointFor(b, { http: { rateLimiterOptions: { limits: { heavy: { tokensPerSecond: 1, burstCapacity: 1 } } } } });
    expect(limited.api.rateLimiter.limits.api).toMatchObject({ tokensPerSecond: 20, burstCapacity: 30 });
    expect(limited.api.rateLimiter.limits.heavy).toMatchObject({ tokensPerSecond: 1, burstCapacity: 1 });
    const off = endpointFor(b, { http: { rateLimiter: false } });
    expect(off.api.rateLimiter.enabled).toBe(false);
    expect(refused({ WS_URL: b.wsUrl, API_BASE_URL: b.apiUrl, http: { rateLimiterOptions: { limits: 5 } } }).option).toBe('http.rateLimiterOptions.limits');
  });

  it('secrets stay out of the context, toJSON and console.log', async () => {
    const b = await backend();
    const endpoint = endpointFor(b, { WS_URL: `${b.wsUrl}?token=s3cr3t-ws`, API_BASE_URL: b.apiUrl.replace('http://', 'http://user:s3cr3t-pw@') });
    const shown = JSON.stringify([endpoint.actor.getSnapshot().context, endpoint, String((endpoint as unknown as Record<symbol, () => string>)[Symbol.for('nodejs.util.inspect.custom')]!())]);
    expect(shown).not.toMatch(/s3cr3t/);
    expect(shown).toContain(`127.0.0.1:${b.ws.port}`);
  });
});

describe('Endpoint: dispose', () => {
  it('is idempotent; afterwards the WebSocket methods throw and the HTTP ones reject, nothing is sent', async () => {
    const b = await backend();
    const endpoint = endpointFor(b);
    await open(endpoint);
    const first = endpoint.dispose();
    expect(endpoint.dispose()).toBe(first);
    await first;
    for (const call of [() => endpoint.sendUserMessage('x'), () => endpoint.sendUserMessageWithImage('x', 'eA=='), () => endpoint.streamAudio(new ArrayBuffer(1))]) {
      expect(call).toThrow(StatewireError);
    }
    for (const call of [() => endpoint.getHealth(), () => endpoint.getSettings(), () => endpoint.setSettings({}), () => endpoint.getModels(), () => endpoint.stopGeneration()]) {
      expect(await rejection(call())).toBeInstanceOf(StatewireError);
    }
    await waitFor(() => b.ws.clients.size === 0, 5_000, 'the socket to close');
    expect(b.ws.closes).toEqual([{ connection: 1, code: 1000, reason: expect.any(String) }]);
    expect(b.ws.messages).toEqual([]);
    expect(b.http.requests).toEqual([]);
    expect(endpoint.status).toBe('disposed');
    expect(endpoint.getStats().status).toBe('disposed');
  });
});
