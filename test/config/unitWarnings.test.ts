/**
 * Issue 9, item 17: values that look like a unit mistake are accepted and warned
 * about once through the logger (console when there is none); impossible ones
 * are still refused.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiClient, ConfigError, ConnectionConfigManager, ExponentialBackoffRetry, SSEConnection, WebSocketConnection, type Logger } from '../../src/index.js';

function recordingLogger(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, debug() {}, info() {}, error() {}, warn: (m: unknown) => void warnings.push(String(m)) };
}

afterEach(() => vi.restoreAllMocks());

describe('unit-mistake warnings', () => {
  it('SSEConnection timeout: 12 and idleTimeout: 45 are accepted, each warned about once through the logger', () => {
    const logger = recordingLogger();
    const make = () => new SSEConnection({ url: 'http://127.0.0.1:1/events', timeout: 12, idleTimeout: 45, logger });
    const sse = make();
    expect(sse.actor.getSnapshot().context.connectTimeout).toBe(12);
    expect(logger.warnings).toEqual([
      '[statewire] SSEConnection: option "timeout" is 12 ms: accepted, but it looks like seconds (12 seconds would be 12000)',
      '[statewire] SSEConnection: option "idleTimeout" is 45 ms: accepted, but it looks like seconds (45 seconds would be 45000)',
    ]);
    make().dispose();
    expect(logger.warnings).toHaveLength(2); // once per process
    sse.dispose();
  });

  it('WebSocketConnection pingInterval: 30 and ApiClient retryDelay: 0.5 warn; plausible values do not', () => {
    const logger = recordingLogger();
    new WebSocketConnection({ url: 'ws://127.0.0.1:1', pingInterval: 30, timeout: 5000, logger }).dispose();
    new ApiClient({ baseURL: 'http://127.0.0.1:1', retryDelay: 0.5, timeout: 3000, logger }).dispose();
    expect(logger.warnings).toHaveLength(2);
    expect(logger.warnings[0]).toMatch(/WebSocketConnection: option "pingInterval" is 30 ms: .*30 seconds would be 30000/);
    expect(logger.warnings[1]).toMatch(/ApiClient: option "retryDelay" is 0\.5 ms: .*0\.5 seconds would be 500/);
  });

  it('ExponentialBackoffRetry(5, 500, 2) (500 seconds, likely meant 500 ms) warns through console', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const retry = new ExponentialBackoffRetry(5, 500, 2);
    expect(retry.getDelay(1)).toBe(500);
    expect(warn.mock.calls).toEqual([
      ['[statewire] ExponentialBackoffRetry: option "baseDelaySeconds" is 500 seconds: accepted, but it looks like milliseconds (500 ms would be 0.5)'],
    ]);
  });

  it('VITE_CONNECTION_TIMEOUT=5 warns through console and still applies', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const m = new ConnectionConfigManager({ env: { VITE_CONNECTION_TIMEOUT: '5' } });
    expect(m.get('http').timeout).toBe(5);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]![0])).toMatch(/ConnectionConfigManager: option "VITE_CONNECTION_TIMEOUT" is 5 ms: .*5 seconds would be 5000/);
  });

  it('keeps refusing the impossible ones', () => {
    expect(() => new SSEConnection({ url: 'http://127.0.0.1:1/events', timeout: 0 })).toThrow(ConfigError);
    expect(() => new WebSocketConnection({ url: 'ws://127.0.0.1:1', pingInterval: -30 })).toThrow(ConfigError);
    expect(() => new ApiClient({ baseURL: 'http://127.0.0.1:1', retryDelay: -0.5 })).toThrow(ConfigError);
    expect(() => new ExponentialBackoffRetry(5, 5000, 2)).toThrow(/did you mean 5\?/);
  });
});
