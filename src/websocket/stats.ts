import type { WebSocketStatus } from '../../machines/websocket.js';
import type { WebSocketConnection } from './WebSocketConnection.js';

/** Seed 004's `getStats()`. */
export interface WebSocketStats {
  connected: boolean;
  status: WebSocketStatus;
  reconnectAttempts: number;
  queuedMessages: number;
  unacknowledged: number;
  messagesSent: number;
  messagesReceived: number;
  bytesSent: number;
  bytesReceived: number;
  lastConnectedAt: number | null;
  /** ms connected so far, 0 when not connected. */
  uptime: number;
}

/**
 * `getStats()` of a connection: its counters (fields of the connection, read by
 * element access, which keeps them private) and the machine's attempt count.
 *
 * @example
 * ```ts
 * webSocketStats(conn).messagesSent;
 * ```
 */
export function webSocketStats(conn: WebSocketConnection): WebSocketStats {
  const { connectedAt, attempts, reconnecting } = conn.actor.getSnapshot().context;
  const ready = conn['ready'];
  const uptime = ready && connectedAt !== null ? conn['clock'].now() - connectedAt : 0;
  return {
    connected: ready,
    status: conn['status'],
    // Up at connect()'s own first attempt: no reconnect was made. The machine resets the
    // count when a connection that lasted minUptime closes; show that now.
    reconnectAttempts: ready && (!reconnecting || uptime >= conn['options'].minUptime) ? 0 : attempts,
    queuedMessages: conn['queueInstance']?.length ?? 0,
    unacknowledged: conn['acks']?.size ?? 0,
    messagesSent: conn['messagesSent'],
    messagesReceived: conn['messagesReceived'],
    bytesSent: conn['bytesSent'],
    bytesReceived: conn['bytesReceived'],
    lastConnectedAt: conn['lastConnectedAt'],
    uptime,
  };
}
