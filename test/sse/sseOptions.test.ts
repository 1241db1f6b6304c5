/**
 * SSEConnection's options: bad input is refused at construction with a
 * ConfigError that names the option, and the security level applies.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, SecurityLevel, SSEConnection } from '../../src/index.js';
import type { SSEConnectionOptions } from '../../src/index.js';
import { startSseServer } from '../helpers/sseServer.js';

const make = (options: Partial<SSEConnectionOptions>) => () => new SSEConnection({ url: 'http://127.0.0.1:1/events', ...options } as SSEConnectionOptions);

function refused(options: Partial<SSEConnectionOptions>, option: string): void {
  let error: unknown;
  try {
    make(options)().dispose();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ConfigError);
  expect((error as ConfigError).option).toBe(option);
  expect((error as Error).message).toContain('SSEConnection');
}

describe('constructor: bad options', () => {
  it('a missing or non-http URL names `url`', () => {
    refused({ url: undefined }, 'url');
    refused({ url: 'ws://127.0.0.1:1/events' }, 'url');
    refused({ url: 'not a url' }, 'url');
  });

  it('durations out of range or of the wrong type name the option', () => {
    refused({ idleTimeout: -1 }, 'idleTimeout');
    refused({ retryDelay: '1000' as never }, 'retryDelay');
    refused({ timeout: 0 }, 'timeout');
    refused({ maxEventBytes: 1.5 }, 'maxEventBytes');
  });

  it('headers must be an object of strings or a function; a function is called per attempt and its headers are sent', async () => {
    refused({ headers: 'Bearer x' as never }, 'headers');
    refused({ headers: { Authorization: 42 } as never }, 'headers.Authorization');
    const server = await startSseServer((s) => s.open());
    let calls = 0;
    const sse = new SSEConnection({ url: server.url, headers: () => ({ Authorization: `Bearer t${++calls}` }), customHeaders: { 'X-App': 'demo' } });
    try {
      await sse.connect();
      expect(calls).toBe(1);
      expect(server.requests[0]!.authorization).toBe('Bearer t1');
      expect(server.requests[0]!.headers['x-app']).toBe('demo');
    } finally {
      sse.dispose();
      await server.close();
    }
  });

  it('parse accepts the three names or a function, and each decodes the data as it says', async () => {
    refused({ parse: 'yaml' as never }, 'parse');
    const server = await startSseServer((s) => {
      s.open();
      s.send({ data: '{"a":1}' });
      s.send({ data: '42' });
    });
    const decoded: Record<string, unknown[]> = {};
    const parsers = { auto: 'auto', json: 'json', text: 'text', fn: (t: string) => t.length } as const;
    try {
      for (const [name, parse] of Object.entries(parsers)) {
        const sse = new SSEConnection({ url: server.url, parse });
        await sse.connect();
        decoded[name] = [(await sse.receive(2_000)).data, (await sse.receive(2_000)).data];
        sse.dispose();
      }
    } finally {
      await server.close();
    }
    expect(decoded).toEqual({ auto: [{ a: 1 }, '42'], json: [{ a: 1 }, 42], text: ['{"a":1}', '42'], fn: [7, 2] });
  });
});

describe('constructor: resolved defaults and unknown keys', () => {
  it('resolves seed 000 defaults (timeout 5000, retryCount 3 → 4 attempts per connect(), reconnects without limit) and the given values', () => {
    const d = make({})();
    expect(d.actor.getSnapshot().context).toMatchObject({
      connectTimeout: 5000,
      reconnect: { base: 1000, factor: 2, maxDelay: 30_000, maxAttempts: null, maxConnectAttempts: 4, minUptime: 5000 },
    });
    d.dispose();
    const g = make({ timeout: 2500, retryCount: 1, retryDelay: 200, backoffMultiplier: 3, maxRetryDelay: 900, maxReconnectAttempts: 7, minUptime: 100 })();
    expect(g.actor.getSnapshot().context).toMatchObject({
      connectTimeout: 2500,
      reconnect: { base: 200, factor: 3, maxDelay: 900, maxAttempts: 7, maxConnectAttempts: 2, minUptime: 100 },
    });
    g.dispose();
    const once = make({ autoReconnect: false })();
    expect(once.actor.getSnapshot().context.reconnect).toMatchObject({ maxAttempts: 1, maxConnectAttempts: 1 });
    once.dispose();
  });

  it('accepts every ConnectionConfig field, refuses other keys with a did-you-mean', () => {
    expect(() => make({ maxConnections: 5, circuitBreaker: true, rateLimitWindow: 1000, connectionType: 'sse' } as never)().dispose()).not.toThrow();
    let error: unknown;
    try {
      make({ timout: 5000 } as never)();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toBe('SSEConnection: invalid option "timout": unknown option, got 5000 (did you mean "timeout"?)');
  });

  it('refuses retryDelay > maxRetryDelay when both are given; a retryDelay above the default cap raises the cap', () => {
    refused({ retryDelay: 5000, maxRetryDelay: 1000 }, 'maxRetryDelay');
    const sse = make({ retryDelay: 60_000 })();
    expect(sse.actor.getSnapshot().context.reconnect).toMatchObject({ base: 60_000, maxDelay: 60_000 });
    sse.dispose();
  });
});

describe('constructor: security level', () => {
  it('MAXIMUM refuses plain http to another host, allows loopback and https', () => {
    expect(make({ url: 'http://example.com/events', securityLevel: SecurityLevel.MAXIMUM })).toThrow(ConfigError);
    expect(() => make({ url: 'http://127.0.0.1:1/events', securityLevel: SecurityLevel.MAXIMUM })().dispose()).not.toThrow();
    expect(() => make({ url: 'https://example.com/events', securityLevel: SecurityLevel.MAXIMUM })().dispose()).not.toThrow();
  });

  it('credentials in the URL never show in `url`', () => {
    const sse = make({ url: 'http://user:secret@127.0.0.1:1/events?token=abc123' })();
    expect(sse.url).not.toContain('secret');
    expect(sse.url).not.toContain('abc123');
    expect(JSON.stringify(sse.actor.getSnapshot().context)).not.toContain('secret');
    sse.dispose();
  });
});
