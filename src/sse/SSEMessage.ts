/**
 * One server-sent event as `receive()`, `on()` and `once()` deliver it.
 *
 * @example
 * ```ts
 * sse.on('price', (event: SSEMessage) => console.log(event.id, event.event, event.data, event.raw));
 * ```
 */
export interface SSEMessage {
  /** The stream's last event id after this event ('' when the server never sent one). */
  id: string;
  /** The event's name: `message` when the server sent none. */
  event: string;
  /** The data, JSON-parsed when it parses (per `parse`), else the string. */
  data: unknown;
  /** The data as sent. */
  raw: string;
  /** The server's `retry:` (ms) when it arrived since the previous event. */
  retry?: number;
}

/** A listener for server events, as `on()` / `once()` take it. */
export type SSEHandler = (message: SSEMessage) => void;
