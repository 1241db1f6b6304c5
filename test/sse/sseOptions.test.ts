/**
 * SSEConnection's options: bad input is refused at construction with a
 * ConfigError that names the option, and the security level applies.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, SecurityLevel, SSEConnection } from '../../src/index.js';
import type { SSEConnectionOptions } from '../../src/index.js';

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

  it('headers must be an object of strings or a function', () => {
    refused({ headers: 'Bearer x' as never }, 'headers');
    refused({ headers: { Authorization: 42 } as never }, 'headers.Authorization');
    expect(() => make({ headers: () => ({ Authorization: 'Bearer x' }) })().dispose()).not.toThrow();
  });

  it('parse accepts the three names or a function', () => {
    refused({ parse: 'yaml' as never }, 'parse');
    for (const parse of ['auto', 'json', 'text', (t: string) => t] as const) expect(() => make({ parse })().dispose()).not.toThrow();
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
