import { callUserFn } from '../runtime/callUserFn.js';
import { decodeValue, type RawMessageData } from './decodeMessage.js';
import { pongArrived } from './heartbeat.js';
import type { WebSocketConnection } from './WebSocketConnection.js';

/**
 * The per-message path: one incoming frame, counted, decoded (the `parse`
 * option), then, in this order, an acknowledgement (`delivery`), an app-level
 * pong (`isPong`), or a message: the activity follows it, the `message`
 * handlers get it and `receive()` may take it. Only activity changes reach the
 * machine. A module-level function on the connection's own fields: no closure
 * and no allocation per message beyond the decoded value. Every user callback
 * here is contained (`callUserFn`, a direct call in a try/catch): one that throws
 * is reported and the message goes on as if it had said no.
 *
 * @example
 * ```ts
 * onMessage(data, isBinary) { onIncoming(this.conn, data, isBinary); }
 * ```
 */
export function onIncoming(conn: WebSocketConnection, data: RawMessageData, isBinary: boolean): void {
  conn['messagesReceived']++;
  conn['bytesReceived'] += Array.isArray(data) ? totalLength(data) : typeof data === 'string' ? data.length : data.byteLength;
  const options = conn['options'];
  const parse = options.parse;
  const value = typeof parse === 'function' && !isBinary ? parseWith(conn, parse, data) : decodeValue(data, isBinary, parse);
  const acks = conn['acks'];
  if (acks !== null && !isBinary && acks.acknowledge(value)) return;
  if (options.isPong !== undefined && callUserFn(conn, 'isPong', options.isPong, value, false)) {
    pongArrived(conn);
    conn.actor.send({ type: 'PONG', at: conn['clock'].now() });
    return;
  }
  const activity = conn['activity'];
  if (options.activityFromMessage !== undefined) {
    const next = callUserFn(conn, 'activityFromMessage', options.activityFromMessage, value, undefined);
    if (next && next !== activity) conn.actor.send({ type: next === 'speaking' ? 'SPEAKING' : next === 'idle' ? 'IDLE' : next === 'listening' ? 'STREAM_AUDIO' : 'USER_MESSAGE' });
  } else if (activity === 'thinking') {
    // Without activityFromMessage, the server's answer (any data message) ends `thinking`.
    conn.actor.send({ type: 'IDLE' });
  }
  const listeners = conn['messageListeners'];
  if (listeners !== undefined) for (const handler of listeners) callMessageHandler(conn, handler, value);
  // Push and pull see the same stream; the inbox is bounded and only reports overflow nobody received.
  conn['inbox'].push(value);
}

function callMessageHandler(conn: WebSocketConnection, handler: (value: unknown) => void, value: unknown): void {
  try {
    handler(value);
  } catch (error) {
    conn.callbackFailed("'message' handler", error);
  }
}

/** A text frame through the caller's `parse` function; one that throws delivers the text (reported). */
function parseWith(conn: WebSocketConnection, parse: (text: string) => unknown, data: RawMessageData): unknown {
  const text = decodeValue(data, false, 'text') as string;
  return callUserFn(conn, 'parse', parse, text, text);
}

function totalLength(fragments: Buffer[]): number {
  let n = 0;
  for (const b of fragments) n += b.length;
  return n;
}
