import { TimeoutError } from '../errors.js';
import type { SocketLike } from './transports/openSocket.js';
import type { WebSocketConnection } from './WebSocketConnection.js';

/** A `healthCheck()` waiting for the next pong: when its ping left, and who hears the round trip. */
export interface PendingPing {
  resolve: (rtt: number) => void;
  at: number;
}

/**
 * Pings an open socket: a ping frame where the socket can send one (Node), else
 * the app-level `ping` message (objects as JSON) when one is configured.
 *
 * @example
 * ```ts
 * sendPing(socket, { type: 'ping' });
 * ```
 */
export function sendPing(socket: SocketLike | null, ping: unknown): void {
  if (!socket) return;
  if (!socket.sendPing() && ping !== undefined) socket.send(typeof ping === 'string' ? ping : JSON.stringify(ping));
}

/**
 * Whether this socket can be probed by a ping at all: a browser socket cannot
 * send ping frames, so it needs an app-level `ping` and `isPong` to recognise
 * the answer. Without them no heartbeat runs, rather than one whose pongs never come.
 *
 * @example
 * ```ts
 * const heartbeat = canPing(socket, options.ping, options.isPong);
 * ```
 */
export function canPing(socket: SocketLike, ping: unknown, isPong: unknown): boolean {
  return socket.canPing || (ping !== undefined && isPong !== undefined);
}

/**
 * A pong arrived (a pong frame, or the app-level pong `isPong` recognised):
 * every `healthCheck()` waiting hears its round trip.
 *
 * @example
 * ```ts
 * pongArrived(conn);
 * ```
 */
export function pongArrived(conn: WebSocketConnection): void {
  const pings = conn['pendingPings'];
  if (pings === undefined) return;
  conn['pendingPings'] = undefined;
  const now = conn['clock'].now();
  for (const p of pings) p.resolve(now - p.at);
}

/** What `healthCheck()` answers. */
export interface WebSocketHealthCheck {
  isHealthy: boolean;
  responseTime: number;
  details: Record<string, unknown>;
  errorMessage?: string;
}

/**
 * `healthCheck()`: a ping round trip on the open socket, timed (recorded in the
 * metrics), or a TimeoutError's message after `timeout` ms. A socket that cannot
 * be pinged (a browser without an app-level ping) is reported healthy, unprobed.
 *
 * @example
 * ```ts
 * const { isHealthy, responseTime } = await pingRoundTrip(conn, 5000);
 * ```
 */
export async function pingRoundTrip(conn: WebSocketConnection, timeout: number): Promise<WebSocketHealthCheck> {
  const socket = conn['socket'];
  const details = { status: conn['status'], url: conn.url };
  if (!socket || !conn['ready']) return { isHealthy: false, responseTime: 0, details, errorMessage: 'not connected' };
  const options = conn['options'];
  if (!canPing(socket, options.ping, options.isPong)) return { isHealthy: true, responseTime: 0, details: { ...details, probe: 'unavailable' } };
  const clock = conn['clock'];
  const at = clock.now();
  const rtt = new Promise<number>((resolve) => (conn['pendingPings'] ??= []).push({ resolve, at }));
  sendPing(socket, options.ping);
  let timer: unknown;
  const timedOut = new Promise<never>((_, reject) => (timer = clock.setTimeout(() => reject(new TimeoutError(conn.url, timeout)), timeout)));
  try {
    const responseTime = await Promise.race([rtt, timedOut]);
    conn['metrics'].recordRequest(responseTime, true);
    return { isHealthy: true, responseTime, details };
  } catch (error) {
    conn['metrics'].recordRequest(timeout, false);
    conn['eventsInstance']?.emit('health_check_failed', (error as Error).message, 'warning');
    return { isHealthy: false, responseTime: timeout, details, errorMessage: (error as Error).message };
  } finally {
    clock.clearTimeout(timer);
  }
}
