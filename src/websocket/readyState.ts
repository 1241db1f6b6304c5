import type { SnapshotFrom } from 'xstate';
import type { webSocketMachine } from '../../machines/websocket.js';
import { wireByteLength } from './OutboundQueue.js';

/** The WebSocket `readyState` values (the standard constants' meanings). */
export const CONNECTING = 0;
export const OPEN = 1;
export const CLOSING = 2;
export const CLOSED = 3;
export type ReadyState = typeof CONNECTING | typeof OPEN | typeof CLOSING | typeof CLOSED;

/**
 * The `readyState` a machine snapshot stands for, as partysocket reports it:
 * OPEN while the link is connected; CONNECTING while an attempt opens and while
 * waiting to reconnect (or offline); CLOSED when not connected and not trying
 * (fresh, disconnected, given up, or `disposed`). CLOSING is never reported: on
 * `disconnect()` the machine is closed at once and the socket's closing
 * handshake finishes on its own.
 *
 * @example
 * ```ts
 * readyStateOf(conn.actor.getSnapshot(), false); // 0 | 1 | 3
 * ```
 */
export function readyStateOf(snapshot: SnapshotFrom<typeof webSocketMachine>, disposed: boolean): ReadyState {
  if (disposed || !snapshot.matches('session')) return CLOSED;
  return snapshot.matches({ session: { link: 'connected' } }) ? OPEN : CONNECTING;
}

/**
 * Why a close code or reason given to `close()` / `reconnect()` is refused, or
 * undefined when it is valid: the code must be 1000 or 3000–4999 and the reason
 * at most 123 bytes (UTF-8), as for `WebSocket.close`. Checked before anything
 * is closed (ws would throw inside the machine).
 *
 * @example
 * ```ts
 * closeRequestError('WebSocketConnection', 1006, undefined); // RangeError
 * ```
 */
export function closeRequestError(owner: string, code: number | undefined, reason: string | undefined): RangeError | undefined {
  const valid =
    (code === undefined || code === 1000 || (Number.isInteger(code) && code >= 3000 && code <= 4999)) &&
    (reason === undefined || (typeof reason === 'string' && wireByteLength(reason) <= 123));
  return valid ? undefined : new RangeError(`${owner}: close(${code}, …): the code must be 1000 or 3000-4999, the reason a string of at most 123 bytes`);
}
