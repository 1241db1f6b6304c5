import type { WebSocketStatus } from '../../machines/websocket.js';
import type { DroppedMessage } from './WebSocketConnection.js';

/**
 * The events of `WebSocketConnection` and `GuruConnection` (seed 004), each
 * with the arguments its listeners get. `on` / `off` accept only these names,
 * so a misspelt one (`on('mesage')`) is a compile error.
 *
 * @example
 * ```ts
 * ws.on('close', ({ code, reason }) => console.log(code, reason));
 * ws.on('statusChange', (status) => console.log(status)); // 'idle' | 'listening' | … | 'waiting' | 'error'
 * ```
 */
export interface WebSocketEventMap {
  /** The connection is open (each time, reconnects included). */
  open: [];
  /**
   * The connection closed: the server's close, a dropped link (1006), or the app's own
   * `disconnect()` / `close(code, reason)`. `wasClean` as on WebSocket's CloseEvent: a close
   * frame was exchanged (any code), false for 1006.
   */
  close: [event: { code: number; reason: string; wasClean: boolean }];
  /** One incoming message, decoded as the `parse` option says (binary frames as ArrayBuffer / Buffer). */
  message: [data: unknown];
  /** The status changed. */
  statusChange: [status: WebSocketStatus];
  /** An attempt to connect failed, or the server refused the upgrade (a `NetworkError`). */
  error: [error: Error];
  /** A reconnect is scheduled after `delay` ms. */
  reconnecting: [event: { attempt: number; delay: number }];
  /** Reconnecting gave up after `attempts`. */
  max_reconnect_attempts: [event: { attempts: number }];
  /** A message was not and will not be delivered. */
  message_dropped: [event: DroppedMessage];
  /** `dispose()` ran; what was still queued or unacknowledged. */
  disposed: [event: { queued: unknown[]; unacknowledged: unknown[] }];
}

/** A listener for `event`. Bivariant in its arguments, so a listener may declare a narrower message type. */
export type WebSocketListener<E extends keyof WebSocketEventMap> = { bivariant(...args: WebSocketEventMap[E]): void }['bivariant'];
