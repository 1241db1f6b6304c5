import { attemptsShown } from '../../machines/reconnectLoop.js';
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
  const { context } = conn.actor.getSnapshot();
  const { connectedAt, reconnecting } = context;
  const ready = conn['ready'];
  const uptime = ready && connectedAt !== null ? conn['clock'].now() - connectedAt : 0;
  return {
    connected: ready,
    status: conn['status'],
    // Up at connect()'s own first attempt: no reconnect was made. Else the loop's count, as its minUptime rule shows it now.
    reconnectAttempts: ready && !reconnecting ? 0 : attemptsShown(context, ready ? uptime : null),
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
