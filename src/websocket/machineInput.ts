import type { WebSocketInput } from '../../machines/websocket.js';
import type { WebSocketConnection } from './WebSocketConnection.js';
import { browserOnline } from './browserEvents.js';

/**
 * The machine's input for a connection, made for each actor (its root, or a
 * parent's child after `attachTo`) from the validated options.
 *
 * @example const input = webSocketMachineInput(conn); // { url, connectTimeout, … }
 */
export function webSocketMachineInput(conn: WebSocketConnection): WebSocketInput {
  const settings = conn['options'];
  return {
    url: conn.url,
    connectTimeout: settings.timeout,
    pingInterval: settings.pingInterval,
    pongTimeout: settings.pongTimeout,
    reconnectDelay: settings.reconnectDelay,
    maxReconnectDelay: settings.maxReconnectDelay,
    // One connect() makes retryCount + 1 attempts; reconnects after a drop follow maxReconnectAttempts.
    maxConnectAttempts: settings.autoReconnect ? settings.retryCount + 1 : 1,
    maxReconnectAttempts: settings.autoReconnect ? settings.maxReconnectAttempts : 1,
    minUptime: settings.minUptime,
    seed: (Math.random() * 2 ** 32) | 0,
    online: browserOnline(),
  };
}
