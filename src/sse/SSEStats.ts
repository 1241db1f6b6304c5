import type { SseStatus } from '../../machines/sse.js';
import type { EventReceiver } from './EventReceiver.js';

/**
 * What `SSEConnection.getStats()` returns.
 *
 * @example
 * ```ts
 * const { connected, lastEventId, eventsReceived } = sse.getStats();
 * ```
 */
export interface SSEStats {
  connected: boolean;
  status: SseStatus;
  reconnectAttempts: number;
  lastEventId: string | null;
  eventsReceived: number;
  bytesReceived: number;
  lastConnectedAt: number | null;
  /** When the last byte (event or comment) arrived. */
  lastActivityAt: number | null;
}

/** What `statsOf` and `streamHealth` read of a connection. */
export interface StatsSource {
  open: boolean;
  status: SseStatus;
  /** The attempts to show now (the reconnect loop's rule, `attemptsShown`) and when the open stream opened. */
  attempts: number;
  connectedAt: number | null;
  lastConnectedAt: number | null;
  idleTimeout: number;
  url: string;
  receiver: Pick<EventReceiver, 'lastEventId' | 'eventsReceived' | 'bytesReceived' | 'lastActivityAt'>;
  now: number;
}

/**
 * `getStats()` of a connection.
 *
 * @example
 * ```ts
 * statsOf({ open: true, status: 'idle', attempts: 1, connectedAt, lastConnectedAt, idleTimeout: 45000, url, receiver, now: Date.now() });
 * ```
 */
export function statsOf(source: StatsSource): SSEStats {
  const { open, connectedAt, receiver } = source;
  const uptime = open && connectedAt !== null ? source.now - connectedAt : 0;
  return {
    connected: open,
    status: source.status,
    reconnectAttempts: source.attempts,
    lastEventId: receiver.lastEventId,
    eventsReceived: receiver.eventsReceived,
    bytesReceived: receiver.bytesReceived,
    lastConnectedAt: source.lastConnectedAt,
    lastActivityAt: receiver.lastActivityAt,
  };
}

/** What `healthCheck()` resolves with. */
export interface StreamHealth {
  isHealthy: boolean;
  responseTime: number;
  details: Record<string, unknown>;
  errorMessage?: string;
}

/**
 * Whether the stream is open and alive: open, and something (an event or a
 * comment) arrived within `idleTimeout` (0: no limit).
 *
 * @example
 * ```ts
 * streamHealth(source).isHealthy; // false when nothing arrived for idleTimeout
 * ```
 */
export function streamHealth(source: StatsSource): StreamHealth {
  const { lastActivityAt, lastEventId } = source.receiver;
  const quiet = lastActivityAt === null ? null : source.now - lastActivityAt;
  const details = { status: source.status, url: source.url, lastEventId, msSinceLastActivity: quiet };
  if (!source.open) return { isHealthy: false, responseTime: 0, details, errorMessage: 'not connected' };
  const stalled = source.idleTimeout > 0 && quiet !== null && quiet >= source.idleTimeout;
  return stalled ? { isHealthy: false, responseTime: 0, details, errorMessage: `nothing received for ${quiet} ms` } : { isHealthy: true, responseTime: 0, details };
}
