/**
 * The connect step of an SSEConnection against real servers on 127.0.0.1: a
 * stalled opening is a TimeoutError naming its phase (not "never reached the
 * server"), a headers function's failure is in the error's message, headers
 * with CR/LF or invalid names are refused (at construction, or for a
 * function's result before any request), and `util.inspect` shows a short
 * redacted summary.
 */
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, NetworkError, SSEConnection, TimeoutError, type SSEConnectionOptions } from '../../src/index.js';
import { startSseServer } from '../helpers/sseServer.js';
import { startSilentServer, tracker, waitFor } from '../helpers/wsServer.js';

const track = tracker();
afterEach(() => track.cleanup());

function connection(options: SSEConnectionOptions): SSEConnection {
  return track.conn(new SSEConnection({ retryDelay: 20, maxRetryDelay: 100, ...options }));
}

const settle = (p: Promise<unknown>) =>
  p.then(
    () => 'resolved',
    (e: unknown) => e,
  );

describe('a failed or stalled opening says what happened', () => {
  it('TCP connects, the server never sends response headers: connect() rejects with a TimeoutError naming the handshake', async () => {
    const silent = track.server(await startSilentServer());
    const url = silent.url.replace(/^ws:/, 'http:');
    // Room for a cold start on a loaded machine: the TCP connection must be made before the timeout.
    const conn = connection({ url, timeout: 1000, retryCount: 0 });
    const outcome = await settle(conn.connect());
    expect(outcome).toBeInstanceOf(TimeoutError);
    expect(outcome).not.toBeInstanceOf(NetworkError);
    expect(outcome).toMatchObject({ phase: 'handshake', timeout: 1000 });
    expect((outcome as Error).message).toMatch(/handshake/);
    expect((outcome as Error).message).not.toMatch(/never reached the server/);
    expect(silent.accepted()).toBe(1);
  });

  it('a headers function that never settles: the TimeoutError names the headers phase, no request is made', async () => {
    const server = track.server(await startSseServer((s) => s.open()));
    const conn = connection({ url: server.url, timeout: 100, retryCount: 0, headers: () => new Promise<Record<string, string>>(() => {}) });
    const outcome = await settle(conn.connect());
    expect(outcome).toBeInstanceOf(TimeoutError);
    expect(outcome).toMatchObject({ phase: 'headers' });
    expect(server.requests).toHaveLength(0);
  });

  it("a headers function that throws: its message (redacted) is in the error's message, not only in .cause", async () => {
    const server = track.server(await startSseServer((s) => s.open()));
    const conn = connection({
      url: server.url,
      customHeaders: { 'X-Api-Key': 'ak-live-55aa77' },
      headers: () => {
        throw new Error('token refresh failed for ak-live-55aa77');
      },
      maxReconnectAttempts: 1,
    });
    const outcome = await settle(conn.connect());
    expect(outcome).toBeInstanceOf(NetworkError);
    expect((outcome as Error).message).toContain('token refresh failed');
    expect((outcome as Error).message).not.toContain('ak-live-55aa77');
    expect(server.requests).toHaveLength(0);
  });
});

describe('headers are refused when they are not valid', () => {
  it.each([
    ['headers', { headers: { 'X-Trace': 'a\r\nInjected: 1' } }, 'headers.X-Trace'],
    ['headers (bad name)', { headers: { 'X Trace': 'a' } }, 'headers.X Trace'],
    ['customHeaders', { customHeaders: { 'X-Trace': 'a\nb' } }, 'customHeaders.X-Trace'],
  ])('%s at construction, naming the header', (_what, options, option) => {
    let error: unknown;
    try {
      track.conn(new SSEConnection({ url: 'http://127.0.0.1:1/events', ...options }));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ option, owner: 'SSEConnection' });
  });

  it("a headers function's result with CR/LF: connect() rejects with a ConfigError naming the header; no request is made", async () => {
    const server = track.server(await startSseServer((s) => s.open()));
    let calls = 0;
    const conn = connection({
      url: server.url,
      headers: () => (++calls === 1 ? { Authorization: 'Bearer ok\r\nX-Injected: 1' } : { Authorization: 'Bearer fine' }),
      retryCount: 0, // connect() makes one attempt and rejects with its failure
    });
    const outcome = await settle(conn.connect());
    expect(outcome).toBeInstanceOf(ConfigError);
    expect(outcome).toMatchObject({ option: 'headers.Authorization', owner: 'SSEConnection' });
    expect((outcome as Error).message).not.toContain('Bearer ok');
    expect(server.requests).toHaveLength(0);
    // The next attempt's headers are fine: it connects.
    await conn.connect();
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]!.headers['x-injected']).toBeUndefined();
  });
});

describe('util.inspect and JSON.stringify of an SSEConnection show a short summary without secrets', () => {
  it('connected, with a password, a query token and auth headers', async () => {
    const server = track.server(await startSseServer((s) => s.open()));
    const url = `http://user:pw-hunter2-secret@127.0.0.1:${server.port}/events?token=qt-live-7c1f09aa`;
    const conn = connection({ url, name: 'feed', headers: { Authorization: 'Bearer sk-live-bearer-5e2d' }, customHeaders: { 'X-API-Key': 'ak-live-90be11' } });
    await conn.connect();
    for (const shown of [inspect(conn), inspect(conn, { depth: 6 })]) {
      for (const secret of ['pw-hunter2-secret', 'qt-live-7c1f09aa', 'sk-live-bearer-5e2d', 'ak-live-90be11']) expect(shown).not.toContain(secret);
      expect(shown.length).toBeLessThanOrEqual(300);
      expect(shown.startsWith('SSEConnection {')).toBe(true);
      expect(shown).toContain('name: "feed"');
      expect(shown).toContain(`127.0.0.1:${server.port}/events`);
      expect(shown).toMatch(/status: ".+", health: ".+"/);
    }
    // JSON.stringify (a structured logger) gives the same summary.
    const text = JSON.stringify({ conn });
    for (const secret of ['pw-hunter2-secret', 'qt-live-7c1f09aa', 'sk-live-bearer-5e2d', 'ak-live-90be11']) expect(text).not.toContain(secret);
    expect(JSON.parse(text).conn).toMatchObject({ type: 'SSEConnection', name: 'feed' });
  });
});
