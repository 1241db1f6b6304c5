import { callUserFnAsync } from '../runtime/callUserFn.js';
import { isBinaryData, toQueuedMessage, type QueuedMessage, type WireData } from './OutboundQueue.js';
import type { SocketLike } from './transports/openSocket.js';
import type { WebSocketConnection } from './WebSocketConnection.js';

/**
 * After every (re)open: re-authenticates (the `onOpen` hook), then re-sends the
 * unacknowledged messages and the queue, in order, before anything newer; then
 * the connection is ready (`open` event, `connect()` resolves). A hook that
 * throws or rejects is reported, and the socket dropped to retry.
 *
 * @example
 * ```ts
 * case 'open': return void afterOpen(conn);
 * ```
 */
export async function afterOpen(conn: WebSocketConnection): Promise<void> {
  const socket = conn['socket'];
  if (!socket) return;
  conn['metricsInstance']?.markConnected();
  conn['lastConnectedAt'] = conn['clock'].now();
  // The hook gets a view of this connection whose send() writes at once: its
  // handshake goes first, while anyone else's sends still wait behind the queue.
  const onOpen = conn['options'].onOpen;
  if (onOpen !== undefined && !(await callUserFnAsync(conn, 'onOpen', onOpen, handshakeView(conn, socket)))) {
    socket.terminate();
    return;
  }
  if (conn['socket'] !== socket) return;
  // Re-sent first, each with its acknowledgement clock restarted; the timer runs from here.
  const acks = conn['acks'];
  acks?.open((message) => writeQueued(conn, socket, message));
  const queue = conn['queueInstance'];
  if (queue !== undefined) {
    for (let m = queue.shift(); m; m = queue.shift()) {
      acks?.track(m);
      writeQueued(conn, socket, m, true);
    }
  }
  conn['ready'] = true;
  conn['flushFailedOn'] = undefined; // no reference kept to a dead socket
  conn['emit']('open');
  conn['eventsInstance']?.emit('connected', `connected to ${conn.url}`, 'info');
  conn['settleOpenWaiters']();
}

/** The connection as the `onOpen` hook sees it: its `send()` writes to this socket at once, ahead of the queue. */
function handshakeView(conn: WebSocketConnection, socket: SocketLike): WebSocketConnection {
  return Object.create(conn, {
    send: {
      value(message: unknown): boolean {
        if (conn['socket'] !== socket) return conn.send(message);
        const data: WireData = typeof message === 'string' || isBinaryData(message) ? (message as WireData) : JSON.stringify(message);
        writeQueued(conn, socket, toQueuedMessage(data, message));
        return true;
      },
    },
  }) as WebSocketConnection;
}

/**
 * Writes a queued or re-sent message. Only a flush (`requeue`) watches the write:
 * a queued message whose write fails goes back to the queue, behind the ones of
 * the same flush that failed before it (write callbacks come in write order), so
 * the order survives. The direct path (`send()` while open) does not come here:
 * a callback would cost a closure and a tick per message.
 *
 * @example
 * ```ts
 * writeQueued(conn, socket, message, true);
 * ```
 */
export function writeQueued(conn: WebSocketConnection, socket: SocketLike, message: QueuedMessage, requeue = false): void {
  conn['messagesSent']++;
  conn['bytesSent'] += message.size;
  if (!requeue) return socket.send(message.data);
  socket.send(message.data, (error) => {
    if (!error) return;
    conn['messagesSent']--;
    conn['bytesSent'] -= message.size;
    // With delivery the unacknowledged copy is re-sent on the next open anyway.
    const acks = conn['acks'];
    if (acks !== null && acks.has(acks.idOf(message))) return;
    if (conn['flushFailedOn'] !== socket) {
      conn['flushFailedOn'] = socket;
      conn['flushFailures'] = 0;
    }
    conn['queue'].putBack(message, conn['flushFailures']++);
  });
}
