import { WebSocketConnection } from '../websocket/WebSocketConnection.js';
import type { WebSocketConnectionOptions } from '../websocket/webSocketOptions.js';
import { ConnectionPool } from './ConnectionPool.js';
import type { ConnectionPoolOptions } from './poolOptions.js';

/**
 * Seed 000's pre-configured pool of `WebSocketConnection`s: each is made from
 * `wsConfig` with `autoReconnect` off (a dropped connection is destroyed and
 * replaced by its slot, so the pool never holds more than `maxSize` sockets),
 * runs its machine as its slot's child, and is checked with `isConnected()`
 * before it is handed out and with a ping round trip every `healthCheckInterval`.
 *
 * @example
 * ```ts
 * const pool = new WebSocketConnectionPool({ maxSize: 8, minSize: 1, maxIdleTime: 60, acquireTimeout: 5 }, { url: 'ws://127.0.0.1:8000/ws' });
 * await pool.start();
 * const conn = await pool.acquire();
 * if (conn) {
 *   conn.send({ type: 'data', payload: 'test' });
 *   await pool.release(conn);
 * }
 * ```
 */
export class WebSocketConnectionPool extends ConnectionPool<WebSocketConnection> {
  static readonly ownerName = 'WebSocketConnectionPool';

  constructor(poolConfig: ConnectionPoolOptions<WebSocketConnection>, wsConfig: WebSocketConnectionOptions) {
    super(poolConfig, (config) => new WebSocketConnection(config as unknown as WebSocketConnectionOptions), { ...wsConfig, autoReconnect: false });
  }
}
