/**
 * Redirects of an SSEConnection's request against real servers on 127.0.0.1:
 * every target is dialled only after it passes the construction-time URL and
 * security rules, a hop to another origin carries no configured credential,
 * and a redirect loop fails the attempt with a clear error.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, SecurityLevel, SSEConnection, type SSEConnectionOptions } from '../../src/index.js';
import { startSseServer, type SseStream } from '../helpers/sseServer.js';
import { tracker } from '../helpers/wsServer.js';

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

const streamOne = (s: SseStream) => {
  s.open();
  s.send({ id: '1', data: 'here' });
};

const CREDENTIALS = {
  Authorization: 'Bearer sk-live-redirect-1',
  'X-API-Key': 'ak-live-redirect-2',
  Cookie: 'session=redirect-3',
  'X-Session-Token': 'st-redirect-4',
  'X-Tenant-Secret': 'ts-redirect-5',
};

describe('redirects', () => {
  it('to another origin: the stream opens there without any configured credential; other headers are kept', async () => {
    const other = track.server(await startSseServer(streamOne));
    // Another port: another origin (scheme + host + port).
    const first = track.server(await startSseServer((s) => s.reject(302, '', { location: `http://127.0.0.1:${other.port}/events` })));
    const conn = connection({ url: first.url, headers: { ...CREDENTIALS }, customHeaders: { 'X-Client': 'statewire-test' }, sensitiveHeaders: ['x-tenant-secret'] });
    await conn.connect();
    expect((await conn.receive(2000)).raw).toBe('here');
    expect(first.requests[0]!.headers['x-api-key']).toBe('ak-live-redirect-2');
    const seen = other.requests[0]!.headers;
    for (const name of Object.keys(CREDENTIALS)) expect(seen[name.toLowerCase()]).toBeUndefined();
    expect(seen['x-client']).toBe('statewire-test');
  });

  it('user-info of the configured URL (Basic auth) is not sent to another origin either', async () => {
    const other = track.server(await startSseServer(streamOne));
    const first = track.server(await startSseServer((s) => s.reject(307, '', { location: `http://127.0.0.1:${other.port}/events` })));
    const conn = connection({ url: `http://user:pw-redirect-6@127.0.0.1:${first.port}/events` });
    await conn.connect();
    expect(first.requests[0]!.authorization).toMatch(/^Basic /);
    expect(other.requests[0]!.authorization).toBeUndefined();
  });

  it('within the origin: the credentials follow', async () => {
    const server = track.server(
      await startSseServer((s) => {
        if (s.request.url === '/old') return s.reject(301, '', { location: '/events' });
        streamOne(s);
      }),
    );
    const conn = connection({ url: `http://127.0.0.1:${server.port}/old`, headers: { ...CREDENTIALS } });
    await conn.connect();
    expect(server.requests.map((r) => r.url)).toEqual(['/old', '/events']);
    expect(server.requests[1]!.headers['x-api-key']).toBe('ak-live-redirect-2');
    expect(server.requests[1]!.authorization).toBe('Bearer sk-live-redirect-1');
  });

  it('at MAXIMUM, a redirect to plain http: on a non-loopback host is refused before it is dialled, with the construction-time error', async () => {
    const other = track.server(await startSseServer(streamOne));
    const refused = `http://0.0.0.0:${other.port}/events`;
    let atConstruction: unknown;
    try {
      new SSEConnection({ url: refused, securityLevel: SecurityLevel.MAXIMUM, encryption: false });
    } catch (error) {
      atConstruction = error;
    }
    expect(atConstruction).toBeInstanceOf(ConfigError);
    const first = track.server(await startSseServer((s) => s.reject(302, '', { location: refused })));
    const conn = connection({ url: first.url, securityLevel: SecurityLevel.MAXIMUM, encryption: false, maxReconnectAttempts: 1 });
    const outcome = await settle(conn.connect());
    expect(outcome).toBeInstanceOf(ConfigError);
    expect((outcome as Error).message).toBe((atConstruction as Error).message);
    expect(first.requests).toHaveLength(1);
    expect(other.requests).toHaveLength(0);
  });

  it('a redirect loop fails the attempt after 10 hops with an error saying so', async () => {
    const server = track.server(await startSseServer((s) => s.reject(302, '', { location: `/loop${s.request.index}` })));
    const conn = connection({ url: server.url, maxReconnectAttempts: 1 });
    const outcome = await settle(conn.connect());
    expect(outcome).toBeInstanceOf(Error);
    expect((outcome as Error).message).toMatch(/too many redirects \(more than 10\)/);
    expect(server.requests).toHaveLength(11);
  });
});
