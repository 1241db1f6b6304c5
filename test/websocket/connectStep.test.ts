/**
 * The connect step of a WebSocketConnection against real servers on 127.0.0.1:
 * a `url` provider's result passes the same security rules as a URL given at
 * construction (before any socket is opened), handshake headers and
 * subprotocols are refused at construction when they are not valid, and a
 * failed or stalled opening says what happened (a TimeoutError naming the
 * phase; the provider's own message).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, GuruConnection, NetworkError, SecurityLevel, TimeoutError, WebSocketConnection } from '../../src/index.js';
import type { WebSocketConnectionOptions } from '../../src/index.js';
import { json, startServer } from '../helpers/testServer.js';
import { refusedPort, startSilentServer, startWsServer, tracker, waitFor } from '../helpers/wsServer.js';

const track = tracker();
afterEach(() => track.cleanup());

function connection(options: WebSocketConnectionOptions): WebSocketConnection {
  return track.conn(new WebSocketConnection({ reconnectDelay: 10, maxReconnectDelay: 20, healthUrl: false, ...options }));
}

/** What construction throws for `options`. */
function constructionError(options: WebSocketConnectionOptions): unknown {
  try {
    track.conn(new WebSocketConnection(options));
  } catch (error) {
    return error;
  }
  throw new Error('construction did not throw');
}

const settle = (p: Promise<unknown>) =>
  p.then(
    () => 'resolved',
    (e: unknown) => e,
  );

describe('a url provider passes the construction-time security rules on every attempt', () => {
  for (const kind of ['async', 'sync'] as const) {
    it(`${kind}: at MAXIMUM a plain ws: URL to a non-loopback host is refused before any socket opens, with the construction-time error`, async () => {
      const server = track.server(await startWsServer());
      const refused = `ws://0.0.0.0:${server.port}/ws`;
      const atConstruction = constructionError({ url: refused, securityLevel: SecurityLevel.MAXIMUM, encryption: false });
      expect(atConstruction).toBeInstanceOf(ConfigError);

      let calls = 0;
      const provide = () => {
        calls++;
        return refused;
      };
      const conn = connection({
        url: kind === 'async' ? async () => provide() : provide,
        securityLevel: SecurityLevel.MAXIMUM,
        encryption: false,
      });
      const errors: unknown[] = [];
      conn.on('error', (e: unknown) => errors.push(e));
      const outcome = await settle(conn.connect());
      expect(outcome).toBeInstanceOf(ConfigError);
      expect((outcome as Error).message).toBe((atConstruction as Error).message);
      expect(outcome).toMatchObject({ option: 'url', owner: 'WebSocketConnection' });
      // Later attempts are refused the same way: the server never sees a connection.
      await waitFor(() => calls >= 3, 3000, 'three attempts');
      expect(server.connections).toBe(0);
      expect(errors[0]).toBeInstanceOf(ConfigError);
      expect(conn.isConnected()).toBe(false);
    });
  }

  it('with encryption on (the default), a provider returning ws: to a non-loopback host is refused, and a loopback one connects', async () => {
    const server = track.server(await startWsServer());
    let calls = 0;
    // retryCount 0: connect() makes one attempt and rejects with its failure.
    const conn = connection({ url: () => (++calls === 1 ? `ws://0.0.0.0:${server.port}/ws` : server.url), retryCount: 0 });
    const outcome = await settle(conn.connect());
    expect(outcome).toBeInstanceOf(ConfigError);
    expect((outcome as Error).message).toMatch(/encryption is on/);
    expect(server.connections).toBe(0);
    await conn.connect(); // the second, loopback attempt
    expect(server.connections).toBe(1);
    expect(server.paths).toEqual(['/ws']);
  });

  it('a provider returning an http: URL is refused like one given at construction', async () => {
    const server = track.server(await startWsServer());
    const wrong = `${server.httpUrl}/ws`;
    const atConstruction = constructionError({ url: wrong });
    const conn = connection({ url: () => wrong, maxReconnectAttempts: 1 });
    const outcome = await settle(conn.connect());
    expect(outcome).toBeInstanceOf(ConfigError);
    expect((outcome as Error).message).toBe((atConstruction as Error).message);
    expect(server.connections).toBe(0);
  });

  it('the health poll does not follow a redirect to a URL that was never checked', async () => {
    const other = track.server(await startServer((_req, res) => json(res, 200, { ok: true })));
    const health = track.server(await startServer((_req, res) => json(res, 302, {}, { location: `http://0.0.0.0:${other.port}/health` })));
    const port = await refusedPort();
    const conn = connection({
      url: `ws://127.0.0.1:${port}/ws`,
      healthUrl: `${health.url}/health`,
      // One long wait after the refused first attempt: the health poll runs during it.
      // Also each poll's abort signal: long enough for a redirect to be followed on a loaded machine.
      healthInterval: 300,
      reconnectDelay: 10_000,
      maxReconnectDelay: 10_000,
      securityLevel: SecurityLevel.MAXIMUM,
      encryption: false,
    });
    void conn.connect().catch(() => {});
    await waitFor(() => health.count('/health') >= 3, 5000, 'three health polls');
    expect(other.requests).toHaveLength(0);
  });

  it('an explicit healthUrl is held to the same rules as url at construction', () => {
    const error = constructionError({ url: 'ws://127.0.0.1:1/ws', healthUrl: 'http://0.0.0.0:1/health', securityLevel: SecurityLevel.MAXIMUM, encryption: false });
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ option: 'healthUrl', owner: 'WebSocketConnection' });
    expect(() => connection({ url: 'ws://127.0.0.1:1/ws', healthUrl: 'https://health.example.com/health', securityLevel: SecurityLevel.MAXIMUM })).not.toThrow();
  });
});

describe('handshake headers and subprotocols are refused at construction', () => {
  it.each([
    ['a value with LF', { 'X-Trace': 'a\nInjected: 1' }, 'headers.X-Trace'],
    ['a value with CR', { 'X-Trace': 'a\rb' }, 'headers.X-Trace'],
    ['a value with NUL', { 'X-Trace': 'a\0b' }, 'headers.X-Trace'],
    ['a name with a space', { 'X Trace': 'a' }, 'headers.X Trace'],
    ['a name with a colon', { 'X-Trace:': 'a' }, 'headers.X-Trace:'],
    ['an empty name', { '': 'a' }, 'headers.'],
  ])('%s', (_what, headers, option) => {
    const error = constructionError({ url: 'ws://127.0.0.1:1/ws', headers });
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ option, owner: 'WebSocketConnection' });
  });

  it('a secret header value is never shown in the refusal', () => {
    const error = constructionError({ url: 'ws://127.0.0.1:1/ws', headers: { 'X-Session': 'sk-live-1234\n' } });
    expect(error).toBeInstanceOf(ConfigError);
    expect(String((error as Error).message)).not.toContain('sk-live');
    expect(JSON.stringify((error as ConfigError).value)).not.toContain('sk-live');
  });

  it.each([
    ['a space', ['a b'], 'protocols[0]'],
    ['a comma', ['chat', 'a,b'], 'protocols[1]'],
    ['a duplicate', ['chat', 'chat'], 'protocols[1]'],
    ['a non-ASCII character', ['chät'], 'protocols[0]'],
  ])('a subprotocol with %s (not an RFC 6455 token)', (_what, protocols, option) => {
    const error = constructionError({ url: 'ws://127.0.0.1:1/ws', protocols });
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ option, owner: 'WebSocketConnection' });
  });

  it('GuruConnection refuses them too, before it starts connecting, naming itself', async () => {
    const server = track.server(await startWsServer());
    expect(() => track.conn(new GuruConnection({ url: server.url, protocols: ['a b'] }))).toThrow(/^GuruConnection: invalid option "protocols\[0\]"/);
    expect(() => track.conn(new GuruConnection({ url: server.url, headers: { 'X-A': 'x\r\n' } }))).toThrow(ConfigError);
    expect(() => track.conn(new GuruConnection({ url: 'ws://0.0.0.0:1/ws' }))).toThrow(/^GuruConnection: invalid option "url"/);
    expect(server.connections).toBe(0);
  });

  it("GuruConnection: a provider's refused URL is the ConfigError construction throws, naming GuruConnection", async () => {
    const server = track.server(await startWsServer());
    const conn = track.conn(new GuruConnection({ url: () => `ws://0.0.0.0:${server.port}/ws`, reconnectDelay: 10_000, healthUrl: false }));
    const error = await new Promise<unknown>((resolve) => conn.on('error', resolve));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ owner: 'GuruConnection', option: 'url' });
    expect(server.connections).toBe(0);
  });

  it('valid headers and subprotocols reach the server', async () => {
    const server = track.server(await startWsServer());
    const conn = connection({ url: server.url, headers: { 'X-Trace': 'abc def', 'x_custom.1': 'ok' }, protocols: ['chat.v2', 'json'] });
    await conn.connect();
    expect(server.connections).toBe(1);
  });
});

describe('a failed or stalled opening says what happened', () => {
  it('TCP connects, the server never answers the upgrade: connect() rejects with a TimeoutError naming the handshake', async () => {
    const silent = track.server(await startSilentServer());
    const conn = connection({ url: silent.url, timeout: 150, retryCount: 0 });
    const outcome = await settle(conn.connect());
    expect(outcome).toBeInstanceOf(TimeoutError);
    expect(outcome).not.toBeInstanceOf(NetworkError);
    expect(outcome).toMatchObject({ phase: 'handshake', timeout: 150 });
    expect((outcome as Error).message).toMatch(/handshake/);
    expect((outcome as Error).message).not.toMatch(/never reached the server/);
    expect(silent.accepted()).toBe(1);
  });

  it('wss: TCP connects, the server never answers the TLS handshake: the TimeoutError names the tls phase', async () => {
    const silent = track.server(await startSilentServer());
    const conn = connection({ url: silent.url.replace(/^ws:/, 'wss:'), timeout: 150, retryCount: 0 });
    const outcome = await settle(conn.connect());
    expect(outcome).toBeInstanceOf(TimeoutError);
    expect(outcome).toMatchObject({ phase: 'tls' });
    expect((outcome as Error).message).toMatch(/TLS handshake/);
    expect(silent.accepted()).toBe(1);
  });

  it('a url provider that never settles: the TimeoutError names the url phase and no TCP connection is made', async () => {
    const silent = track.server(await startSilentServer());
    const conn = connection({ url: () => new Promise<string>(() => {}), timeout: 100, retryCount: 0 });
    const outcome = await settle(conn.connect());
    expect(outcome).toBeInstanceOf(TimeoutError);
    expect(outcome).toMatchObject({ phase: 'url' });
    expect((outcome as Error).message).toMatch(/url provider/);
    expect(silent.accepted()).toBe(0);
  });

  it("a url provider that rejects: its message is in the error's message (redacted), not only in .cause", async () => {
    const server = track.server(await startWsServer());
    const conn = connection({
      url: async () => {
        throw new Error('token service down (key sk-live-abcdef)');
      },
      headers: { 'X-Api-Key': 'sk-live-abcdef' },
      maxReconnectAttempts: 1,
    });
    const outcome = await settle(conn.connect());
    expect(outcome).toBeInstanceOf(NetworkError);
    expect((outcome as Error).message).toContain('token service down');
    expect((outcome as Error).message).not.toContain('sk-live-abcdef');
    expect(server.connections).toBe(0);
  });

  it('a url provider that throws synchronously or returns a non-string: the message says so', async () => {
    const thrower = connection({
      url: () => {
        throw new TypeError('no token yet');
      },
      maxReconnectAttempts: 1,
    });
    expect(((await settle(thrower.connect())) as Error).message).toContain('no token yet');
    const wrongType = connection({ url: (() => 42) as unknown as () => string, maxReconnectAttempts: 1 });
    expect(((await settle(wrongType.connect())) as Error).message).toMatch(/did not return a string/);
  });
});
