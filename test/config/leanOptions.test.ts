/**
 * leanOptions: a client's resolved options hold as their own only what differs
 * from the spec's defaults; the defaults are one shared prototype.
 */
import { describe, expect, it } from 'vitest';
import { leanOptions } from '../../src/config/leanOptions.js';
import { validateOptions } from '../../src/config/validate.js';
import { webSocketAccept, webSocketSpec } from '../../src/websocket/webSocketOptions.js';
import { WebSocketConnection } from '../../src/index.js';

const resolve = (input: Record<string, unknown>) => leanOptions(webSocketSpec, validateOptions('WebSocketConnection', input, webSocketSpec, { accept: webSocketAccept }));

describe('leanOptions', () => {
  it('reads every option as the full resolution does, holding only the given ones', () => {
    const input = { url: 'ws://127.0.0.1:1/ws', pingInterval: 5000, name: 'feed' };
    const full = validateOptions('WebSocketConnection', input, webSocketSpec, { accept: webSocketAccept }) as Record<string, unknown>;
    const lean = resolve(input) as Record<string, unknown>;
    for (const key of Object.keys(full)) expect(lean[key], key).toEqual(full[key]);
    expect(Object.keys(lean).sort()).toEqual(expect.arrayContaining(['name', 'pingInterval', 'url']));
    expect(Object.keys(lean)).not.toContain('maxQueuedMessages');
    expect(Object.keys(lean).length).toBeLessThan(Object.keys(full).length / 3);
  });

  it('two clients share one defaults object; an assignment on one stays its own', () => {
    const a = resolve({ url: 'ws://127.0.0.1:1/a' }) as Record<string, unknown>;
    const b = resolve({ url: 'ws://127.0.0.1:1/b' }) as Record<string, unknown>;
    expect(Object.getPrototypeOf(a)).toBe(Object.getPrototypeOf(b));
    a.enableLogging = true;
    expect(b.enableLogging).toBe(false);
    expect(a.enableLogging).toBe(true);
  });

  it('a shared array default cannot be changed through one client', () => {
    const a = resolve({ url: 'ws://127.0.0.1:1/a' }) as { sensitiveHeaders: string[] };
    expect(() => a.sensitiveHeaders.push('x-secret')).toThrow(TypeError);
    expect(resolve({ url: 'ws://127.0.0.1:1/b' }).sensitiveHeaders).toEqual([]);
  });

  it('a WebSocketConnection still honours given options and defaults alike', () => {
    const conn = new WebSocketConnection({ url: 'ws://127.0.0.1:1/ws', pingInterval: 1234, autoReconnect: false });
    expect(conn['options']).toMatchObject({ pingInterval: 1234, autoReconnect: false });
    expect(conn['options'].maxQueuedMessages).toBe(1000);
    conn.dispose();
  });
});
