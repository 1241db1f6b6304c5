import type { SseEmitted } from '../../machines/sse.js';
import type { SSEConnection } from './SSEConnection.js';
import { answerError, gaveUpError, noContentError } from './connectErrors.js';

/**
 * What the machine emits, turned into the connection's state and its events:
 * open, ended, reconnecting, gave up, 204, errors. Lifecycle only: events from
 * the stream never come this way.
 *
 * @example onMachineEvent(conn, { type: 'open', at: 0 });
 */
export function onMachineEvent(conn: SSEConnection, e: SseEmitted): void {
  switch (e.type) {
    case 'open':
      conn['open'] = true;
      conn['lastConnectedAt'] = e.at;
      conn['metricsInstance']?.markConnected(conn['lastConnectedAt']);
      conn['eventsInstance']?.emit('connected', `connected to ${conn.url}`, 'info');
      return conn['settleOpenWaiters']();
    case 'ended':
      conn['open'] = false;
      conn['metricsInstance']?.markDisconnected();
      // Seed 000 treats a lost connection as an error (its fallback snippet checks severity 'error');
      // a stream the server ended as designed ('end') is routine and stays a warning.
      conn['eventsInstance']?.emit('connection_lost', `stream ${e.reason}`, e.reason === 'end' ? 'warning' : 'error', { reason: e.reason });
      return;
    case 'reconnecting':
      conn['eventsInstance']?.emit('reconnecting', `reconnecting in ${Math.round(e.delay)} ms (attempt ${e.attempt})`, 'info', {
        attempt: e.attempt,
        delay: e.delay,
      });
      return;
    case 'max_reconnect_attempts':
      conn['eventsInstance']?.emit('connection_failed', `gave up after ${e.attempts} attempts`, 'error', { attempts: e.attempts });
      return conn['settleOpenWaiters'](gaveUpError(conn['lastFailure'], e.attempts));
    case 'stopped':
      conn['eventsInstance']?.emit('stream_stopped', 'the server answered 204 No Content: not reconnecting', 'info', { status: 204 });
      return conn['settleOpenWaiters'](noContentError(conn.url));
    case 'error': {
      const status = e.status;
      if (status === 401 || status === 403) conn['eventsInstance']?.emit('authentication_failed', e.message, 'error', { status });
      else conn['eventsInstance']?.emit('connection_error', e.message, 'warning', status === undefined ? undefined : { status });
      // connect() rejects only when the session ends (a final answer, or its attempts spent): see onSnapshot.
      conn['lastFailure'] = answerError(e, conn.url, conn['lastAttempt'], conn['redact']);
      return;
    }
  }
}
