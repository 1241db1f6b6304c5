/**
 * Issue 9, item 17: a key that no option of the class and no field of
 * ConnectionConfig has is refused with a did-you-mean (nested ones too); every
 * seed-000 class accepts every ConnectionConfig field; GuruConnection names
 * itself; retryDelay > maxRetryDelay is refused; numbers that only look secret
 * are shown; a new rate-limit category can be added by assignment.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  ApiClient,
  CircuitBreaker,
  ConfigError,
  ConnectionConfigManager,
  GuruConnection,
  HTTPConnection,
  RateLimiter,
  RateLimitError,
  SSEConnection,
  WebSocketConnection,
} from '../../src/index.js';
import { startServer } from '../helpers/testServer.js';

function refusal(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

const open: Array<{ dispose(): void }> = [];
afterEach(() => {
  for (const c of open.splice(0)) c.dispose();
});

describe('unknown option keys', () => {
  it('every seed-000 class accepts a whole ConnectionConfig from the manager, and refuses a misspelt key', () => {
    const m = new ConnectionConfigManager({ env: {} });
    open.push(new HTTPConnection({ ...m.get('http'), url: 'http://127.0.0.1:1' }));
    open.push(new WebSocketConnection({ ...m.get('websocket'), url: 'ws://127.0.0.1:1' }));
    open.push(new SSEConnection({ ...m.get('sse'), url: 'http://127.0.0.1:1/events' }));
    expect(refusal(() => new HTTPConnection({ url: 'http://127.0.0.1:1', timout: 5000 } as never)).message).toBe(
      'HTTPConnection: invalid option "timout": unknown option, got 5000 (did you mean "timeout"?)',
    );
    expect(refusal(() => new HTTPConnection({ url: 'http://127.0.0.1:1', circuitBreakerTreshold: 3 } as never)).hint).toBe(
      'did you mean "circuitBreakerThreshold"?',
    );
    expect(refusal(() => new WebSocketConnection({ url: 'ws://127.0.0.1:1', pingInterbal: 1000 } as never)).message).toMatch(
      /^WebSocketConnection: invalid option "pingInterbal": unknown option, got 1000 \(did you mean "pingInterval"\?\)$/,
    );
  });

  it('nested options are checked too: circuitBreakerOptions.treshold', () => {
    const e = refusal(() => new ApiClient({ baseURL: 'http://127.0.0.1:1', circuitBreakerOptions: { treshold: 5 } as never }));
    expect(e.option).toBe('circuitBreakerOptions.treshold');
    expect(e.message).toBe(
      'ApiClient: invalid option "circuitBreakerOptions.treshold": unknown option, got 5 (did you mean "circuitBreakerOptions.threshold"?)',
    );
    expect(refusal(() => new CircuitBreaker({ treshold: 5 } as never)).hint).toBe('did you mean "threshold"?');
    expect(refusal(() => new ApiClient({ baseURL: 'http://127.0.0.1:1', retires: 2 } as never)).hint).toBe('did you mean "retries"?');
  });

  it('the string value of an unknown key is never shown (it may be a misspelt credential); the did-you-mean stays', () => {
    const e = refusal(() => new SSEConnection({ url: 'http://127.0.0.1:1/events', customHeadrs: 'Bearer sk-live-123' } as never));
    expect(e.message).toBe('SSEConnection: invalid option "customHeadrs": unknown option, got [REDACTED] (did you mean "customHeaders"?)');
    expect(JSON.stringify(e)).not.toContain('sk-live');
    expect(e.value).toBe('[REDACTED]');
  });

  it('GuruConnection errors name GuruConnection', () => {
    expect(refusal(() => new GuruConnection({ url: 'ws://127.0.0.1:1', timout: 1 } as never)).message).toMatch(/^GuruConnection: invalid option "timout"/);
    expect(refusal(() => new GuruConnection({ url: 'ws://127.0.0.1:1', pingInterval: -1 })).message).toMatch(/^GuruConnection: invalid option "pingInterval"/);
  });
});

describe('cross-field and display rules', () => {
  it('retryDelay > maxRetryDelay (both given) is a ConfigError naming both', () => {
    const e = refusal(() => new ApiClient({ baseURL: 'http://127.0.0.1:1', retryDelay: 5000, maxRetryDelay: 1000 }));
    expect(e.message).toBe('ApiClient: invalid option "maxRetryDelay": expected a value >= "retryDelay" (5000), got 1000');
    expect(refusal(() => new WebSocketConnection({ url: 'ws://127.0.0.1:1', reconnectDelay: 5000, maxReconnectDelay: 1000 })).option).toBe('maxReconnectDelay');
  });

  it('tokensPerSecond: 1e9 shows the number, not [REDACTED]', () => {
    const e = refusal(() => new ApiClient({ baseURL: 'http://127.0.0.1:1', rateLimiterOptions: { limits: { api: { tokensPerSecond: 1e9 } } } }));
    expect(e.message).toMatch(/"rateLimiterOptions\.limits\.api\.tokensPerSecond": .*, got 1000000000$/);
    expect(e.value).toBe(1e9);
  });
});

describe('rate-limit categories added by assignment', () => {
  it('limits.uploads = {…} adds a working category; a bad one is refused at the assignment', async () => {
    const server = await startServer();
    const client = new ApiClient({ baseURL: server.url, rateLimiter: true });
    try {
      client.rateLimiter.limits.uploads = { tokensPerSecond: 0.001, burstCapacity: 2 };
      expect(client.rateLimiter.limits.uploads).toMatchObject({ tokensPerSecond: 0.001, burstCapacity: 2 });
      await client.get('/a', { rateCategory: 'uploads', retries: 0 });
      await client.get('/b', { rateCategory: 'uploads', retries: 0 });
      await expect(client.get('/c', { rateCategory: 'uploads', retries: 0 })).rejects.toBeInstanceOf(RateLimitError);
      expect(server.requests.map((r) => r.url)).toEqual(['/a', '/b']);
      expect(() => {
        client.rateLimiter.limits.bad = { tokensPerSecond: -1, burstCapacity: 1 };
      }).toThrow(ConfigError);
      expect(client.rateLimiter.limits.bad).toBeUndefined();
    } finally {
      client.dispose();
      await server.close();
    }
    const limiter = new RateLimiter();
    limiter.limits.jobs = { tokensPerSecond: 1, burstCapacity: 1 };
    expect(limiter.take('jobs')).toBe(0);
    expect(limiter.take('jobs')).toBeGreaterThan(0);
    limiter.dispose();
  });
});
