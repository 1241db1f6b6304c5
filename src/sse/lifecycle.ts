import type { SseEmitted } from '../../machines/sse.js';
import type { SSEConnection } from './SSEConnection.js';
import { answerError, gaveUpError, noContentError } from './connectErrors.js';
import type { Log } from '../runtime/createLog.js';

/**
 * The connection's log when it writes, else undefined: made only then, so a
 * connection that never logs carries none.
 *
 * @example
 * ```ts
 * logOf(conn)?.info('open');
 * ```
 */
export function logOf(conn: SSEConnection): Log | undefined {
  const made = conn['logInstance'];
  if (made !== undefined) return made.enabled ? made : undefined;
  return conn['options'].enableLogging ? conn['log'] : undefined;
}

/**
 * What the machine emits, turned into the connection's state and its events:
 * open, ended, reconnecting, gave up, 204, errors. Lifecycle only: events from
 * the stream never come this way.
 *
 * @example onMachineEvent(conn, { type: 'open', at: 0 });
 */
export function onMachineEvent(conn: SSEConnection, e: SseEmitted): void {
  // One line per lifecycle event (never per stream event); the log redacts what it writes, and `url` is redacted already.
  const log = logOf(conn);
  switch (e.type) {
    case 'open':
      log?.info(`open: ${conn.url}`);
      conn['open'] = true;
      conn['lastConnectedAt'] = e.at;
      conn['metricsInstance']?.markConnected(conn['lastConnectedAt']);
      conn['eventsInstance']?.emit('connected', `connected to ${conn.url}`, 'info');
      return conn['settleOpenWaiters']();
    case 'ended':
      if (log !== undefined) (e.reason === 'end' ? log.info : log.warn)(`stream ${e.reason}`);
      conn['open'] = false;
      conn['metricsInstance']?.markDisconnected();
      // Seed 000 treats a lost connection as an error (its fallback snippet checks severity 'error');
      // a stream the server ended as designed ('end') is routine and stays a warning.
      conn['eventsInstance']?.emit('connection_lost', `stream ${e.reason}`, e.reason === 'end' ? 'warning' : 'error', { reason: e.reason });
      return;
    case 'reconnecting':
      log?.info(`reconnect attempt ${e.attempt} in ${Math.round(e.delay)} ms`);
      conn['eventsInstance']?.emit('reconnecting', `reconnecting in ${Math.round(e.delay)} ms (attempt ${e.attempt})`, 'info', {
        attempt: e.attempt,
        delay: e.delay,
      });
      return;
    case 'max_reconnect_attempts':
      log?.error(`gave up after ${e.attempts} attempts`);
      conn['eventsInstance']?.emit('connection_failed', `gave up after ${e.attempts} attempts`, 'error', { attempts: e.attempts });
      return endWaits(conn, gaveUpError(conn['lastFailure'], e.attempts));
    case 'stopped':
      log?.info('the server answered 204 No Content: not reconnecting');
      conn['eventsInstance']?.emit('stream_stopped', 'the server answered 204 No Content: not reconnecting', 'info', { status: 204 });
      return endWaits(conn, noContentError(conn.url));
    case 'error': {
      log?.warn(`connect attempt failed: ${e.message}`);
      const status = e.status;
      if (status === 401 || status === 403) conn['eventsInstance']?.emit('authentication_failed', e.message, 'error', { status });
      else conn['eventsInstance']?.emit('connection_error', e.message, 'warning', status === undefined ? undefined : { status });
      // connect() rejects only when the session ends (a final answer, or its attempts spent): see onSnapshot.
      conn['lastFailure'] = answerError(e, conn.url, conn['lastAttempt'], conn['redact']);
      return;
    }
  }
}

/** The session ended for good: a waiting `connect()` and a waiting `receive()` both hear why, now. */
function endWaits(conn: SSEConnection, error: Error): void {
  conn['receiver'].interrupt(error);
  conn['settleOpenWaiters'](error);
}
