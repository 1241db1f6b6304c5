import { afterEach, describe, expect, expectTypeOf, it, vi } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ConnectionConfigManager, type ConnectionDefaults } from '../../src/config/ConnectionConfigManager.js';
import type { ConnectionConfig } from '../../src/config/ConnectionConfig.js';
import { ConnectionType, SecurityLevel } from '../../src/config/enums.js';
import { ConfigError } from '../../src/errors.js';

/** The ConfigError that `fn` throws. */
function refusal(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

const withEnv = (env: Record<string, string | undefined>) => new ConnectionConfigManager({ env });

const common = {
  retryCount: 3,
  retryDelay: 1000,
  backoffMultiplier: 2,
  maxConnections: 10,
  keepAlive: 30_000,
  compression: true,
  encryption: true,
  securityLevel: 'standard',
  healthCheckInterval: 30_000,
  healthCheckTimeout: 5000,
  autoRetry: true,
  circuitBreaker: true,
  circuitBreakerThreshold: 5,
  circuitBreakerTimeout: 60_000,
  rateLimit: false,
  rateLimitRequests: 100,
  rateLimitWindow: 60_000,
  auditLogging: false,
  monitoring: true,
};

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('ConnectionConfigManager', () => {
  describe('seed snippet', () => {
    it('spreads into a connection config with the caller’s url and timeout', () => {
      // Stands in for `new HTTPConnection(config)`: anything that takes a ConnectionConfig.
      const connect = (c: ConnectionConfig) => c;
      const configManager = new ConnectionConfigManager();
      const config = configManager.get('http');
      const conn = connect({ ...config, url: 'https://api.example.com', timeout: 5000 });
      expect(conn).toMatchObject({ url: 'https://api.example.com', timeout: 5000, connectionType: 'http', retryCount: 3 });
    });

    it('types the defaulted fields as present and url as optional', () => {
      const config = withEnv({}).get(ConnectionType.HTTP);
      expectTypeOf(config.timeout).toEqualTypeOf<number>();
      expectTypeOf(config.securityLevel).toEqualTypeOf<SecurityLevel>();
      expectTypeOf(config.url).toEqualTypeOf<string | undefined>();
      expectTypeOf<ConnectionDefaults>().not.toExtend<ConnectionConfig>(); // url may be missing
    });
  });

  describe('get', () => {
    it('returns seed 000’s defaults per type, without a url when none is set', () => {
      const m = withEnv({});
      expect(m.get('http')).toEqual({ ...common, name: 'http', connectionType: 'http', timeout: 5000, autoReconnect: false });
      expect(m.get('websocket')).toEqual({
        ...common,
        name: 'websocket',
        connectionType: 'websocket',
        // Seed 000's VITE_CONNECTION_TIMEOUT default, as for every type.
        timeout: 5000,
        autoReconnect: true,
      });
      expect(m.get('sse')).toEqual({ ...common, name: 'sse', connectionType: 'sse', timeout: 5000, autoReconnect: true });
      expect('url' in m.get('http')).toBe(false);
    });

    it('returns a fresh object each time', () => {
      const m = withEnv({});
      const a = m.get('http');
      a.timeout = 1;
      a.customHeaders = { x: 'y' };
      expect(m.get('http').timeout).toBe(5000);
      expect(m.get('http')).not.toHaveProperty('customHeaders');
      expect(m.get('http')).not.toBe(m.get('http'));
    });

    it('accepts the enum, and refuses an unknown type naming "type"', () => {
      const m = withEnv({});
      expect(m.get(ConnectionType.SSE).connectionType).toBe('sse');
      const err = refusal(() => m.get('ftp' as ConnectionType));
      expect(err.option).toBe('type');
      expect(err.message).toBe(
        'ConnectionConfigManager: invalid option "type": expected one of "http", "websocket", "sse", got "ftp"',
      );
    });
  });

  describe('environment variables', () => {
    const cases: [variable: string, raw: string, field: keyof ConnectionDefaults, value: unknown][] = [
      ['VITE_CONNECTION_TIMEOUT', '8000', 'timeout', 8000],
      ['VITE_CONNECTION_RETRY_COUNT', '5', 'retryCount', 5],
      ['VITE_CONNECTION_RETRY_DELAY', '2000', 'retryDelay', 2000],
      ['VITE_CONNECTION_BACKOFF_MULTIPLIER', '1.5', 'backoffMultiplier', 1.5],
      ['VITE_CONNECTION_MAX_POOL_SIZE', '20', 'maxConnections', 20],
      ['VITE_CONNECTION_KEEP_ALIVE', '0', 'keepAlive', 0],
      ['VITE_CONNECTION_COMPRESSION', 'false', 'compression', false],
      ['VITE_CONNECTION_ENCRYPTION', 'no', 'encryption', false],
      ['VITE_CONNECTION_SECURITY_LEVEL', 'enhanced', 'securityLevel', 'enhanced'],
      ['VITE_CONNECTION_HEALTH_CHECK_INTERVAL', '15000', 'healthCheckInterval', 15_000],
      ['VITE_CONNECTION_AUTO_RECONNECT', 'true', 'autoReconnect', true],
      ['VITE_CONNECTION_CIRCUIT_BREAKER', '0', 'circuitBreaker', false],
      ['VITE_CONNECTION_CIRCUIT_BREAKER_THRESHOLD', '10', 'circuitBreakerThreshold', 10],
      ['VITE_CONNECTION_CIRCUIT_BREAKER_TIMEOUT', '120000', 'circuitBreakerTimeout', 120_000],
    ];

    it.each(cases)('%s=%s sets %s on every type', (variable, raw, field, value) => {
      const m = withEnv({ [variable]: raw });
      for (const type of Object.values(ConnectionType)) expect(m.get(type)[field]).toEqual(value);
    });

    it('reads the per-type URLs', () => {
      const m = withEnv({
        VITE_HTTP_URL: 'https://api.example.com',
        VITE_WEBSOCKET_URL: 'wss://api.example.com/ws',
        VITE_SSE_URL: 'https://api.example.com/events',
      });
      expect(m.get('http').url).toBe('https://api.example.com');
      expect(m.get('websocket').url).toBe('wss://api.example.com/ws');
      expect(m.get('sse').url).toBe('https://api.example.com/events');
    });

    it('reads the whole block of seed 000 at once', () => {
      const m = withEnv({
        VITE_CONNECTION_TIMEOUT: '5000',
        VITE_CONNECTION_RETRY_COUNT: '3',
        VITE_CONNECTION_RETRY_DELAY: '1000',
        VITE_CONNECTION_BACKOFF_MULTIPLIER: '2',
        VITE_CONNECTION_MAX_POOL_SIZE: '10',
        VITE_CONNECTION_KEEP_ALIVE: '30000',
        VITE_CONNECTION_COMPRESSION: 'true',
        VITE_CONNECTION_ENCRYPTION: 'true',
        VITE_CONNECTION_SECURITY_LEVEL: 'enhanced',
        VITE_CONNECTION_HEALTH_CHECK_INTERVAL: '30000',
        VITE_CONNECTION_AUTO_RECONNECT: 'true',
        VITE_CONNECTION_CIRCUIT_BREAKER: 'true',
        VITE_CONNECTION_CIRCUIT_BREAKER_THRESHOLD: '5',
        VITE_CONNECTION_CIRCUIT_BREAKER_TIMEOUT: '60000',
        VITE_WEBSOCKET_URL: 'wss://api.example.com/ws',
      });
      expect(m.get('websocket')).toEqual({
        ...common,
        name: 'websocket',
        connectionType: 'websocket',
        securityLevel: 'enhanced',
        timeout: 5000, // the variable applies to every type, websocket included
        autoReconnect: true,
        url: 'wss://api.example.com/ws',
      });
      expect(m.get('http').autoReconnect).toBe(true);
    });

    it('accepts booleans as true/false/1/0/yes/no in any case', () => {
      const read = (raw: string) => withEnv({ VITE_CONNECTION_COMPRESSION: raw }).get('http').compression;
      expect(['true', 'TRUE', '1', 'yes', 'Yes'].map(read)).toEqual([true, true, true, true, true]);
      expect(['false', 'False', '0', 'no', 'NO'].map(read)).toEqual([false, false, false, false, false]);
    });

    it('matches the security level case-insensitively and returns the canonical spelling', () => {
      expect(withEnv({ VITE_CONNECTION_SECURITY_LEVEL: 'MAXIMUM' }).get('sse').securityLevel).toBe(SecurityLevel.MAXIMUM);
    });

    it('trims values and treats blank ones as unset', () => {
      const m = withEnv({ VITE_CONNECTION_TIMEOUT: ' 7000 ', VITE_CONNECTION_RETRY_COUNT: '', VITE_HTTP_URL: '  ' });
      expect(m.get('http').timeout).toBe(7000);
      expect(m.get('http').retryCount).toBe(3);
      expect(m.get('http')).not.toHaveProperty('url');
    });

    it('accepts decimal exponents', () => {
      expect(withEnv({ VITE_CONNECTION_TIMEOUT: '1e4' }).get('http').timeout).toBe(10_000);
    });
  });

  describe('invalid environment values', () => {
    const bad: [variable: string, raw: string, expected: string][] = [
      ['VITE_CONNECTION_TIMEOUT', 'abc', 'expected a number of milliseconds between 1 and 3600000'],
      ['VITE_CONNECTION_TIMEOUT', '0', 'between 1 and 3600000'],
      ['VITE_CONNECTION_TIMEOUT', '3600001', 'between 1 and 3600000'],
      ['VITE_CONNECTION_TIMEOUT', 'Infinity', 'number of milliseconds'],
      ['VITE_CONNECTION_TIMEOUT', '0x10', 'number of milliseconds'],
      ['VITE_CONNECTION_TIMEOUT', '5s', 'number of milliseconds'],
      ['VITE_CONNECTION_RETRY_COUNT', '1.5', 'expected an integer >= 0'],
      ['VITE_CONNECTION_RETRY_COUNT', '-1', 'expected an integer >= 0'],
      ['VITE_CONNECTION_RETRY_DELAY', '-5', 'between 0 and 3600000'],
      ['VITE_CONNECTION_BACKOFF_MULTIPLIER', '0.5', 'expected a finite number between 1 and 100'],
      ['VITE_CONNECTION_BACKOFF_MULTIPLIER', '101', 'between 1 and 100'],
      ['VITE_CONNECTION_MAX_POOL_SIZE', '0', 'expected an integer >= 1'],
      ['VITE_CONNECTION_KEEP_ALIVE', 'forever', 'number of milliseconds'],
      ['VITE_CONNECTION_COMPRESSION', 'maybe', 'expected true, false, 1, 0, yes or no'],
      ['VITE_CONNECTION_ENCRYPTION', 'on', 'expected true, false, 1, 0, yes or no'],
      ['VITE_CONNECTION_SECURITY_LEVEL', 'ultra', 'expected one of "basic", "standard", "enhanced", "maximum"'],
      ['VITE_CONNECTION_HEALTH_CHECK_INTERVAL', '0', 'between 1 and 3600000'],
      ['VITE_CONNECTION_AUTO_RECONNECT', '2', 'expected true, false, 1, 0, yes or no'],
      ['VITE_CONNECTION_CIRCUIT_BREAKER', 'enabled', 'expected true, false, 1, 0, yes or no'],
      ['VITE_CONNECTION_CIRCUIT_BREAKER_THRESHOLD', '0', 'expected an integer >= 1'],
      ['VITE_CONNECTION_CIRCUIT_BREAKER_TIMEOUT', '-1', 'between 1 and 3600000'],
      ['VITE_HTTP_URL', 'api.example.com', 'expected an absolute URL'],
      ['VITE_HTTP_URL', 'wss://api.example.com', 'expected a URL with protocol http: or https:'],
      ['VITE_WEBSOCKET_URL', 'https://api.example.com/ws', 'expected a URL with protocol ws: or wss:'],
      ['VITE_SSE_URL', 'ftp://api.example.com/events', 'expected a URL with protocol http: or https:'],
    ];

    it.each(bad)('%s=%s is refused at construction, naming the variable', (variable, raw, expected) => {
      const err = refusal(() => withEnv({ [variable]: raw }));
      expect(err.option).toBe(variable);
      expect(err.owner).toBe('ConnectionConfigManager');
      expect(err.message).toContain(`"${variable}"`);
      expect(err.reason).toContain(expected);
    });

    it('shows the raw text it got', () => {
      expect(refusal(() => withEnv({ VITE_CONNECTION_TIMEOUT: 'abc' })).message).toBe(
        'ConnectionConfigManager: invalid option "VITE_CONNECTION_TIMEOUT": expected a number of milliseconds between 1 and 3600000, got "abc"',
      );
    });

    it('suggests milliseconds for a timeout given in seconds', () => {
      expect(refusal(() => withEnv({ VITE_CONNECTION_TIMEOUT: '0.5' })).hint).toBe('did you mean 500?');
    });
  });

  describe('environment source', () => {
    it('uses the injected env and nothing else', () => {
      vi.stubEnv('VITE_CONNECTION_TIMEOUT', '1234');
      expect(withEnv({}).get('http').timeout).toBe(5000);
      expect(withEnv({ VITE_CONNECTION_TIMEOUT: '4321' }).get('http').timeout).toBe(4321);
    });

    it('reads the environment when no env is given', () => {
      // vi.stubEnv sets both import.meta.env (what vitest, like Vite, provides) and process.env.
      vi.stubEnv('VITE_CONNECTION_TIMEOUT', '1234');
      vi.stubEnv('VITE_SSE_URL', 'https://api.example.com/events');
      const m = new ConnectionConfigManager();
      expect(m.get('http').timeout).toBe(1234);
      expect(m.get('sse').url).toBe('https://api.example.com/events');
    });

    it('fails fast on a bad variable in the environment', () => {
      vi.stubEnv('VITE_CONNECTION_RETRY_COUNT', 'three');
      expect(refusal(() => new ConnectionConfigManager()).option).toBe('VITE_CONNECTION_RETRY_COUNT');
    });

    it('falls back to process.env in plain Node, and to no variables without process', async () => {
      // A fresh Node process (no Vite, so no import.meta.env) loading the source through tsx.
      const script = `
        import { ConnectionConfigManager } from './src/config/ConnectionConfigManager.ts';
        const node = new ConnectionConfigManager().get('websocket');
        const real = globalThis.process;
        Object.defineProperty(globalThis, 'process', { value: undefined, configurable: true, writable: true });
        let browser;
        try { browser = new ConnectionConfigManager().get('websocket'); } finally { globalThis.process = real; }
        console.log(JSON.stringify({ node: [node.timeout, node.url], browser: [browser.timeout, browser.url ?? null] }));`;
      const { stdout } = await promisify(execFile)(
        process.execPath,
        ['--import', 'tsx', '--input-type=module', '-e', script],
        {
          cwd: process.cwd(),
          timeout: 15_000,
          env: { ...process.env, VITE_CONNECTION_TIMEOUT: '2500', VITE_WEBSOCKET_URL: 'ws://127.0.0.1:9/ws' },
        },
      );
      expect(JSON.parse(stdout)).toEqual({ node: [2500, 'ws://127.0.0.1:9/ws'], browser: [5000, null] });
    });

    it('refuses an env that is not an object', () => {
      const err = refusal(() => new ConnectionConfigManager({ env: 'VITE_X=1' as never }));
      expect(err.option).toBe('env');
    });
  });

  describe('set', () => {
    it('overrides fields of one type, validated, and returns the result', () => {
      const m = withEnv({ VITE_CONNECTION_TIMEOUT: '8000' });
      const result = m.set('http', { timeout: 10_000, url: 'https://api.example.com', customHeaders: { 'User-Agent': 'MyApp/1.0' } });
      expect(result).toMatchObject({ timeout: 10_000, url: 'https://api.example.com', retryCount: 3 });
      expect(m.get('http')).toEqual(result);
      expect(m.get('sse').timeout).toBe(8000); // other types untouched, env still applies
    });

    it('accumulates and leaves fields given as undefined alone', () => {
      const m = withEnv({});
      m.set('websocket', { retryCount: 7 });
      m.set('websocket', { timeout: 3000, retryCount: undefined });
      const ws = m.get('websocket');
      expect([ws.retryCount, ws.timeout]).toEqual([7, 3000]);
    });

    it('refuses a key that is no field of ConnectionConfig, with a did-you-mean, and changes nothing', () => {
      const m = withEnv({});
      const err = refusal(() => m.set('websocket', { timout: 3000 } as Partial<ConnectionConfig>));
      expect(err.option).toBe('timout');
      expect(err.message).toBe('ConnectionConfigManager: invalid option "timout": unknown option, got 3000 (did you mean "timeout"?)');
      expect(refusal(() => m.set('http', { bogus: 1 } as Partial<ConnectionConfig>)).hint).toBeUndefined();
      expect(m.get('websocket').timeout).toBe(5000);
    });

    it('keeps its own copy of headers and lists', () => {
      const m = withEnv({});
      const headers = { 'X-Trace': '1' };
      m.set('http', { customHeaders: headers, sensitiveHeaders: ['x-session'] });
      headers['X-Trace'] = '2';
      m.get('http').sensitiveHeaders!.push('x-other');
      expect(m.get('http').customHeaders).toEqual({ 'X-Trace': '1' });
      expect(m.get('http').sensitiveHeaders).toEqual(['x-session']);
    });

    it('refuses invalid values naming the option', () => {
      const m = withEnv({});
      expect(refusal(() => m.set('http', { timeout: -1 })).option).toBe('timeout');
      expect(refusal(() => m.set('http', { backoffMultiplier: 0 })).option).toBe('backoffMultiplier');
      expect(refusal(() => m.set('websocket', { url: 'https://api.example.com' })).reason).toBe(
        'expected a URL with protocol ws: or wss:',
      );
      expect(refusal(() => m.set('http', { securityLevel: 'ultra' as SecurityLevel })).option).toBe('securityLevel');
      expect(refusal(() => m.set('http', { logger: {} as never })).option).toBe('logger');
      expect(m.get('http').timeout).toBe(5000); // a refused set changes nothing
    });

    it('refuses a connectionType other than the type being set', () => {
      const err = refusal(() => withEnv({}).set('http', { connectionType: 'sse' }));
      expect(err.option).toBe('connectionType');
      expect(err.reason).toBe('expected "http" (the type being set)');
    });
  });

  describe('getAll', () => {
    it('returns every type’s configuration as fresh objects', () => {
      const m = withEnv({ VITE_HTTP_URL: 'https://api.example.com' });
      m.set('sse', { retryCount: 1 });
      const all = m.getAll();
      expect(Object.keys(all)).toEqual(['http', 'websocket', 'sse']);
      expect(all.http.url).toBe('https://api.example.com');
      expect(all.sse.retryCount).toBe(1);
      expect(all.websocket).toEqual(m.get('websocket'));
      all.http.timeout = 1;
      expect(m.get('http').timeout).toBe(5000);
    });
  });
});
