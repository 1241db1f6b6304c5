/**
 * Seed 004's Endpoint snippets, run with only the import changed and the URLs
 * pointing at servers this test starts on 127.0.0.1: "Endpoint (Unified
 * Layer)" usage, "Configuration" (production, development), "Best Practices"
 * and the troubleshooting lines through `endpoint.connection` / `endpoint.api`.
 */
import net from 'node:net';
import tls from 'node:tls';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Endpoint } from '../../src/index.js';
import { json, sequence } from '../helpers/testServer.js';
import { waitFor } from '../helpers/wsServer.js';
import { startBackend, type Backend } from './backend.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});
async function backend(options?: Parameters<typeof startBackend>[0]): Promise<Backend> {
  const b = await startBackend(options);
  cleanups.push(() => b.stop());
  return b;
}
function captureLog(): unknown[][] {
  const logs: unknown[][] = [];
  vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void logs.push(args));
  return logs;
}

describe('seed 004: Endpoint (Unified Layer) usage', () => {
  it('runs as written: nothing is lost silently, the HTTP methods answer, dispose stops everything', async () => {
    const b = await backend({ ws: { echo: true } });
    const logs = captureLog();
    const base64Image = Buffer.from('not really a png').toString('base64');
    const audioArrayBuffer = new Uint8Array([1, 2, 3]).buffer;
    const seen: Array<[string, unknown]> = [];

    // ---- seed 004, "Endpoint (Unified Layer)" (URLs changed) ----
    const endpoint = new Endpoint({
      WS_URL: b.wsUrl,
      API_BASE_URL: b.apiUrl,
      NODE_ENV: 'production'
    });
    endpoint.on('message_dropped', (e) => seen.push(['dropped', e.message]));
    endpoint.on('disposed', (e) => seen.push(['disposed', e.queued]));

    // WebSocket methods
    const requestId = endpoint.sendUserMessage('Hello', 'req-123');
    endpoint.sendUserMessageWithImage('Text', base64Image, 'req-124');
    endpoint.streamAudio(audioArrayBuffer);

    endpoint.on('message', (data) => console.log(data));
    endpoint.on('statusChange', (status) => console.log(status));

    // HTTP methods
    const health = await endpoint.getHealth();
    const settings = await endpoint.getSettings();
    await endpoint.setSettings({ theme: 'dark' });
    const models = await endpoint.getModels();
    await endpoint.stopGeneration();

    // Statistics
    const stats = endpoint.getStats();
    console.log('WebSocket:', stats.websocket);
    console.log('HTTP:', stats.http);

    // Cleanup
    endpoint.dispose();
    // ---- end of snippet ----

    expect(requestId).toBe('req-123');
    expect(health).toEqual({ status: 'ok' });
    expect(settings).toEqual({ theme: 'light' });
    expect(b.settings).toEqual({ theme: 'dark' });
    expect(models).toEqual({ models: ['small', 'large'] });
    expect(b.http.requests.map((r) => `${r.method} ${r.url}`)).toEqual(['GET /health', 'GET /api/settings', 'POST /api/settings', 'GET /api/models', 'POST /api/stop']);
    expect(logs).toContainEqual(['WebSocket:', stats.websocket]);
    expect(logs).toContainEqual(['HTTP:', stats.http]);
    expect(stats.http).toMatchObject({ requests: 5, succeeded: 5, failed: 0 });
    // The audio came before the socket was open: live audio is dropped, and says so.
    expect(seen).toContainEqual(['dropped', audioArrayBuffer]);
    // Each user message reached the server, or was reported when dispose found it still queued.
    const userMessages = [
      { type: 'user_message', requestId: 'req-123', content: 'Hello' },
      { type: 'user_message', requestId: 'req-124', content: 'Text', image: base64Image },
    ];
    await waitFor(() => b.ws.clients.size === 0, 5_000, 'the socket to close');
    const reported = seen.filter(([kind]) => kind === 'dropped').map(([, m]) => m);
    for (const m of userMessages) expect(b.ws.jsons().some((j) => JSON.stringify(j) === JSON.stringify(m)) || reported.some((r) => JSON.stringify(r) === JSON.stringify(m))).toBe(true);
    expect(endpoint.status).toBe('disposed');
    expect(endpoint.actor.getSnapshot().status).toBe('done');
  });

  it('step by step: queued messages flushed in order on open, the echoes and statuses reach the handlers, stop goes on both sides', async () => {
    const b = await backend({ ws: { echo: true } });
    const logs = captureLog();
    const endpoint = new Endpoint({ WS_URL: b.wsUrl, API_BASE_URL: b.apiUrl, NODE_ENV: 'production' });
    cleanups.push(() => endpoint.dispose());
    endpoint.on('message', (data) => console.log(data));
    endpoint.on('statusChange', (status) => console.log(status));
    expect(endpoint.sendUserMessage('Hello', 'req-123')).toBe('req-123');
    expect(endpoint.sendUserMessageWithImage('Text', 'aGk=', 'req-124')).toBe('req-124');
    await b.ws.waitForMessages(2);
    expect(b.ws.jsons()).toEqual([
      { type: 'user_message', requestId: 'req-123', content: 'Hello' },
      { type: 'user_message', requestId: 'req-124', content: 'Text', image: 'aGk=' },
    ]);
    await waitFor(() => logs.filter((l) => typeof l[0] === 'object').length === 2, 2_000, 'both echoes');
    expect(logs).toContainEqual([{ type: 'user_message', requestId: 'req-123', content: 'Hello' }]);
    expect(logs).toContainEqual(['idle']);
    expect(endpoint.streamAudio(new Uint8Array([9, 8, 7]))).toBe(true);
    await b.ws.waitForMessages(3);
    expect([...b.ws.messages[2]!.data]).toEqual([9, 8, 7]);
    await expect(endpoint.stopGeneration('req-123')).resolves.toEqual({ stopped: true, body: { requestId: 'req-123' } });
    await b.ws.waitForMessages(4);
    expect(b.ws.jsons()[2]).toEqual({ type: 'stop', requestId: 'req-123' });
    await expect(endpoint.stopGeneration()).resolves.toEqual({ stopped: true, body: null });
    await b.ws.waitForMessages(5);
    expect(b.ws.jsons()[3]).toEqual({ type: 'stop' });
    const stats = endpoint.getStats();
    expect(stats.websocket).toMatchObject({ connected: true, messagesSent: 5 });
    expect(stats.http).toMatchObject({ requests: 2, succeeded: 2 });
    expect(stats.status).toBe('ready');
  });
});

describe('seed 004: Configuration', () => {
  it('Production: the snippet runs (WS_URL / API_BASE_URL from the environment, pointing here) and its tuning lines reach the running machines', async () => {
    const b = await backend();
    vi.stubEnv('WS_URL', b.wsUrl);
    vi.stubEnv('API_BASE_URL', b.apiUrl);

    // ---- seed 004, "Configuration: Production" ----
    const endpoint = new Endpoint({
      WS_URL: process.env.WS_URL || 'wss://api.example.com/ws',
      API_BASE_URL: process.env.API_BASE_URL || 'https://api.example.com',
      NODE_ENV: 'production'
    });

    // More aggressive circuit breaker
    endpoint.api.circuitBreaker.threshold = 3;
    endpoint.api.circuitBreaker.timeout = 30000;

    // Stricter rate limiting
    endpoint.api.rateLimiter.limits.api.tokensPerSecond = 10;
    // ---- end of snippet ----
    cleanups.push(() => endpoint.dispose());

    // The machines that run the calls hold the new values (the breaker is the http child's child).
    const breaker = endpoint.actor.system.get('http.breaker');
    expect(breaker).toBe(endpoint.api.circuitBreaker.actor);
    expect(breaker!.getSnapshot().context).toMatchObject({ threshold: 3, timeout: 30000 });
    const limiter = endpoint.actor.system.get('http.rateLimiter');
    expect(limiter!.getSnapshot().context.limits.api).toEqual({ tokensPerSecond: 10, burstCapacity: 30 });
    await waitFor(() => endpoint.connection.isConnected(), 5_000, 'the socket');
    expect(b.ws.paths).toEqual(['/ws']);
  });

  it('Production with the fallback URLs: built, not dialled (disposed in the same tick; a dial would throw here)', async () => {
    // The wss:// / https:// fallbacks would leave 127.0.0.1: any TCP or TLS connect throws in this test instead.
    const tlsConnect = vi.spyOn(tls, 'connect').mockImplementation(() => {
      throw new Error('no dialling outside 127.0.0.1');
    });
    const netConnect = vi.spyOn(net, 'createConnection').mockImplementation(() => {
      throw new Error('no dialling outside 127.0.0.1');
    });
    delete process.env.WS_URL;
    delete process.env.API_BASE_URL;
    const endpoint = new Endpoint({
      WS_URL: process.env.WS_URL || 'wss://api.example.com/ws',
      API_BASE_URL: process.env.API_BASE_URL || 'https://api.example.com',
      NODE_ENV: 'production'
    });

    // More aggressive circuit breaker
    endpoint.api.circuitBreaker.threshold = 3;
    endpoint.api.circuitBreaker.timeout = 30000;

    // Stricter rate limiting
    endpoint.api.rateLimiter.limits.api.tokensPerSecond = 10;
    const tuned = [endpoint.api.circuitBreaker.threshold, endpoint.api.circuitBreaker.timeout, endpoint.api.rateLimiter.limits.api.tokensPerSecond];
    // The socket attempt awaits its URL before it dials: a dispose in the same tick ends it first.
    await endpoint.dispose();
    await new Promise((r) => setTimeout(r, 50));
    expect(tlsConnect).not.toHaveBeenCalled();
    expect(netConnect).not.toHaveBeenCalled();
    expect(endpoint.connection.url).toBe('wss://api.example.com/ws');
    expect(endpoint.api.baseURL).toBe('https://api.example.com');
    expect(endpoint.actor.getSnapshot().context).toMatchObject({ env: 'production', wsUrl: 'wss://api.example.com/ws', apiUrl: 'https://api.example.com' });
    expect(tuned).toEqual([3, 30000, 10]);
  });

  it('Development: the snippet runs; logging is on for both clients, the breaker threshold is 10', async () => {
    const b = await backend({ ws: { echo: true }, routes: { '/flaky': sequence((_req, res) => json(res, 503, {}, { 'retry-after': '0' }), 200) } });
    const lines: string[] = [];
    for (const level of ['info', 'warn', 'error', 'debug'] as const) vi.spyOn(console, level).mockImplementation((...a: unknown[]) => void lines.push(String(a[0])));

    // ---- seed 004, "Configuration: Development" (URLs changed) ----
    const endpoint = new Endpoint({
      WS_URL: b.wsUrl,
      API_BASE_URL: b.apiUrl,
      NODE_ENV: 'development'
    });

    // More permissive settings
    endpoint.connection.enableLogging = true;
    endpoint.api.enableLogging = true;
    endpoint.api.circuitBreaker.threshold = 10;
    // ---- end of snippet ----
    cleanups.push(() => endpoint.dispose());

    expect([endpoint.connection.enableLogging, endpoint.api.enableLogging]).toEqual([true, true]);
    expect(endpoint.actor.system.get('http.breaker')!.getSnapshot().context.threshold).toBe(10);
    // The log is on: a retried request and a message handler that throws are written.
    await expect(endpoint.api.get('/flaky')).resolves.toEqual({ ok: true, attempt: 2 });
    expect(lines.some((l) => l.startsWith('[ApiClient]') && l.includes('retry 1'))).toBe(true);
    const errors: Error[] = [];
    endpoint.on('error', (e) => errors.push(e));
    endpoint.on('message', () => {
      throw new Error('handler bug');
    });
    endpoint.sendUserMessage('echo me');
    await waitFor(() => errors.length > 0, 5_000, 'the handler error');
    expect(errors[0]!.name).toBe('CallbackError');
    expect(lines.some((l) => l.startsWith('[WebSocket guru]') && l.includes('handler bug'))).toBe(true);
  });

  it('production and test presets are quiet: the same failures write nothing', async () => {
    for (const NODE_ENV of ['production', 'test'] as const) {
      const b = await backend({ ws: { echo: true }, routes: { '/flaky': sequence((_req, res) => json(res, 503, {}, { 'retry-after': '0' }), 200) } });
      const lines: string[] = [];
      for (const level of ['info', 'warn', 'error', 'debug'] as const) vi.spyOn(console, level).mockImplementation((...a: unknown[]) => void lines.push(String(a[0])));
      const endpoint = new Endpoint({ WS_URL: b.wsUrl, API_BASE_URL: b.apiUrl, NODE_ENV });
      cleanups.push(() => endpoint.dispose());
      expect([endpoint.env, endpoint.connection.enableLogging, endpoint.api.enableLogging]).toEqual([NODE_ENV, false, false]);
      await expect(endpoint.api.get('/flaky')).resolves.toEqual({ ok: true, attempt: 2 });
      const errors: Error[] = [];
      endpoint.on('error', (e) => errors.push(e));
      endpoint.on('message', () => {
        throw new Error('handler bug');
      });
      endpoint.sendUserMessage('echo me');
      await waitFor(() => errors.length > 0, 5_000, 'the handler error');
      expect(lines).toEqual([]);
      expect(endpoint.actor.system.get('http.breaker')!.getSnapshot().context.threshold).toBe(5);
    }
  });
});
