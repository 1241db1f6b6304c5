/**
 * What a user gets wrong and must be told: misspelt options of addConnection /
 * removeConnection / dispose, a name that is not a string, an interval given in
 * seconds; seed 000's interval variable; what console.log(manager) shows; a
 * failed automatic health check reaching the logger.
 */
import { inspect } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigError, ConnectionManager, HTTPConnection, WebSocketConnection } from '../../src/index.js';
import { startWsServer, tracker, waitFor } from '../helpers/wsServer.js';

const track = tracker();
const managers: ConnectionManager[] = [];
afterEach(async () => {
  vi.unstubAllEnvs();
  for (const m of managers.splice(0)) await m.dispose();
  await track.cleanup();
});
const manage = (m: ConnectionManager) => (managers.push(m), m);
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

describe('ConnectionManager: inputs', () => {
  it('a misspelt option is a ConfigError with a did-you-mean, and changes nothing', async () => {
    const manager = manage(new ConnectionManager({ healthCheckInterval: 0 }));
    const conn = track.conn(new WebSocketConnection({ url: 'ws://127.0.0.1:1/ws' }));
    const backup = track.conn(new WebSocketConnection({ url: 'ws://127.0.0.1:1/ws' }));
    expect(() => manager.addConnection(conn, 'c', { fallbak: backup } as never)).toThrow(/fallbak.*did you mean "fallback"/);
    expect(manager.getConnectionNames()).toEqual([]);
    manager.addConnection(conn, 'c');
    await expect(manager.removeConnection('c', { dispoze: true } as never)).rejects.toThrow(/dispoze.*did you mean "dispose"/);
    expect(manager.getConnection('c')).toBe(conn);
    await expect(manager.removeConnection(conn as never)).rejects.toBeInstanceOf(ConfigError);
    await expect(manager.dispose({ connections: 'close' } as never)).rejects.toThrow(/connections/);
    expect(manager.getConnection('c')).toBe(conn);
  });

  it('healthCheckInterval: 30 (seconds meant) is warned about once', () => {
    const warn = vi.fn();
    manage(new ConnectionManager({ healthCheckInterval: 30, logger: { ...quiet, warn } }));
    expect(warn.mock.calls.map((c) => String(c[0])).join('\n')).toMatch(/healthCheckInterval/);
  });

  it("seed 000's VITE_CONNECTION_HEALTH_CHECK_INTERVAL is the default interval; the option wins over it; a bad value is named", () => {
    vi.stubEnv('VITE_CONNECTION_HEALTH_CHECK_INTERVAL', '5000');
    expect(manage(new ConnectionManager()).getStatistics().healthCheckInterval).toBe(5000);
    expect(manage(new ConnectionManager({ healthCheckInterval: 1000 })).getStatistics().healthCheckInterval).toBe(1000);
    vi.stubEnv('VITE_CONNECTION_HEALTH_CHECK_INTERVAL', 'soon');
    expect(() => new ConnectionManager()).toThrow(/VITE_CONNECTION_HEALTH_CHECK_INTERVAL/);
  });

  it('console.log(manager) and JSON.stringify(manager) are short summaries', async () => {
    const server = track.server(await startWsServer());
    const manager = manage(new ConnectionManager({ healthCheckInterval: 0 }));
    const conn = track.conn(new WebSocketConnection({ url: server.url, healthUrl: false }));
    manager.addConnection(conn, 'rt');
    await conn.connect();
    expect(inspect(manager)).toBe('ConnectionManager { connections: 1, healthy: 1, running: false }');
    expect(JSON.parse(JSON.stringify(manager))).toEqual({ type: 'ConnectionManager', connections: ['rt'], healthy: 1, running: false, disposed: false });
  });

  it('a failed automatic health check is reported to the logger, naming the connection', async () => {
    const warn = vi.fn();
    const manager = manage(new ConnectionManager({ healthCheckInterval: 100, logger: { ...quiet, warn } }));
    // An HTTP backend that is healthy when connected to, then answers 503 to its health checks.
    let checks = 0;
    const server = track.server(await startWsServer({ health: () => (checks++ === 0 ? 200 : 503) }));
    const api = new HTTPConnection({ url: server.httpUrl });
    manager.addConnection(api, 'api');
    await api.connect();
    await manager.start();
    await waitFor(() => warn.mock.calls.some((c) => /health check of "api" failed/.test(String(c[0]))), 5_000, 'a logged failed check');
  });
});
