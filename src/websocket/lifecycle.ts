import type { SnapshotFrom } from 'xstate';
import { statusOf, type webSocketMachine } from '../../machines/websocket.js';
import { NetworkError, StatewireError } from '../errors.js';
import { healthOfStatus } from '../runtime/PersistentConnection.js';
import { attemptError } from './dialing.js';
import { sendPing } from './heartbeat.js';
import { afterOpen } from './openFlush.js';
import { OPEN } from './readyState.js';
import { OWN_CLOSE } from './SocketAttempt.js';
import type { WebSocketConnection } from './WebSocketConnection.js';
import type { Log } from '../runtime/createLog.js';

type Emitted = Parameters<Parameters<WebSocketConnection['actor']['on']>[1]>[0];

/** The machine's `lastError` when the connect timeout ended an attempt. */
const CONNECT_TIMEOUT = 'connect timeout';

/**
 * The connection's log when it writes, else undefined: made only then, so a
 * connection that never logs carries none (GuruConnection's `enableLogging`
 * may turn it on or off later).
 *
 * @example
 * ```ts
 * logOf(conn)?.info('open');
 * ```
 */
export function logOf(conn: WebSocketConnection): Log | undefined {
  const made = conn['logInstance'];
  if (made !== undefined) return made.enabled ? made : undefined;
  return conn['options'].enableLogging ? conn['log'] : undefined;
}

/**
 * What the connection does with each event its machine emits (one listener for
 * them all: a listener set per type costs memory on each connection): open
 * flushes, close / reconnecting / errors become seed 004 events, `ping` and
 * `terminate` act on the socket. Lifecycle only; data never passes here.
 *
 * @example
 * ```ts
 * actor.on('*', (e) => onMachineEvent(conn, e));
 * ```
 */
export function onMachineEvent(conn: WebSocketConnection, e: Emitted): void {
  // One line per lifecycle event (never per message); the log redacts what it writes, and `url` is redacted already.
  const log = e.type === 'ping' || e.type === 'terminate' ? undefined : logOf(conn);
  switch (e.type) {
    case 'open':
      log?.info(`open: ${conn.url}`);
      return void afterOpen(conn);
    case 'close':
      if (log !== undefined) (e.code === 1000 ? log.info : log.warn)(`closed ${e.code}${e.reason ? ` ${e.reason}` : ''}`);
      conn['metricsInstance']?.markDisconnected();
      // As WebSocket's CloseEvent: clean when a close frame was exchanged (any code); 1006 means none was.
      conn['emit']('close', { code: e.code, reason: e.reason, wasClean: e.code !== 1006 });
      // Severity 'error', as seed 000's fallback snippet expects (`severity === 'error'` then `connection_lost`).
      if (e.code !== 1000) conn['eventsInstance']?.emit('connection_lost', `closed ${e.code} ${e.reason}`, 'error', { code: e.code });
      return;
    case 'ping':
      return sendPing(conn['socket'], conn['options'].ping);
    case 'terminate':
      return conn['socket']?.terminate();
    case 'reconnecting':
      log?.info(`reconnect attempt ${e.attempt} in ${Math.round(e.delay)} ms`);
      return conn['emit']('reconnecting', { attempt: e.attempt, delay: e.delay });
    case 'max_reconnect_attempts':
      log?.error(`gave up after ${e.attempts} attempts`);
      conn['emit']('max_reconnect_attempts', { attempts: e.attempts });
      conn['eventsInstance']?.emit('connection_failed', `gave up after ${e.attempts} attempts`, 'error');
      // As ky and got: the call rejects with the last attempt's failure once the attempts are spent.
      return conn['settleOpenWaiters'](conn['lastFailure'] ?? new StatewireError(`${conn['ownerName']} gave up after ${e.attempts} attempts`));
    case 'error': {
      // A close code: the close line said it already.
      if (e.code === undefined) log?.warn(`connect attempt failed: ${e.message}`);
      const reached = e.status !== undefined || e.code !== undefined;
      const code = e.status !== undefined ? `HTTP_${e.status}` : e.code !== undefined ? `WS_CLOSE_${e.code}` : 'WS_CONNECT_FAILED';
      const error = reached
        ? new NetworkError(code, conn.url, reached, { cause: new Error(e.message) })
        : attemptError(conn, false, () => new NetworkError(code, conn.url, reached, { cause: new Error(e.message) }));
      conn['emit']('error', error);
      if (e.status === 401 || e.status === 403) conn['eventsInstance']?.emit('authentication_failed', e.message, 'error', { status: e.status });
      // connect() rejects only when its session ends (see onMachineSnapshot).
      conn['lastFailure'] = error;
      return;
    }
  }
}

/**
 * Status, health and `connect()` waiters follow the machine's snapshots: a
 * changed status is a `statusChange` event and a health change; a failed attempt
 * is remembered for `connect()`, which rejects once its session ends without a
 * link (a final answer, or `retryCount + 1` attempts spent) or the network went away.
 *
 * @example
 * ```ts
 * createRootActor(machine, { onSnapshot: (s) => onMachineSnapshot(conn, s) });
 * ```
 */
export function onMachineSnapshot(conn: WebSocketConnection, snapshot: SnapshotFrom<typeof webSocketMachine>): void {
  const status = statusOf(snapshot);
  if (status !== conn['status']) {
    const was = conn['status'];
    conn['status'] = status;
    conn['emit']('statusChange', status);
    conn['eventsInstance']?.health(healthOfStatus(status));
    // The session ended for good: nothing arrives until the next connect(), so a waiting receive() hears it now.
    if ((status === 'closed' || status === 'error') && was !== 'closed' && was !== 'error') conn['inboxInstance']?.interrupt(sessionEnded(conn, snapshot));
  }
  if (status === 'listening' || status === 'thinking' || status === 'speaking' || status === 'idle') conn['activity'] = status;
  if (!conn['awaitingOpen']) return;
  const lastError = snapshot.context.lastError;
  if (lastError && (snapshot.matches({ session: 'waiting' }) || snapshot.matches({ session: 'offline' }))) {
    conn['lastFailure'] ??= attemptError(conn, lastError === CONNECT_TIMEOUT, () => new NetworkError('WS_CONNECT_FAILED', conn.url, false, { cause: lastError }));
    if (snapshot.matches({ session: 'offline' })) conn['settleOpenWaiters'](conn['lastFailure']);
  }
  if (snapshot.matches('error')) conn['settleOpenWaiters'](conn['lastFailure'] ?? new NetworkError('WS_CONNECT_FAILED', conn.url, false, { cause: snapshot.context.lastError }));
}

/** Why a session ended for good, for the receive() that waited on it: its close, else its last failure. */
function sessionEnded(conn: WebSocketConnection, snapshot: SnapshotFrom<typeof webSocketMachine>): Error {
  const close = snapshot.context.lastClose;
  if (snapshot.matches('error') && conn['lastFailure'] !== undefined) return conn['lastFailure'];
  if (close !== null) return new NetworkError(`WS_CLOSE_${close.code}`, conn.url, true, { detail: `closed ${close.code}${close.reason ? ` ${close.reason}` : ''} with no reconnect to follow` });
  return conn['lastFailure'] ?? new StatewireError(`${conn['ownerName']} closed`);
}

/**
 * The open socket failed (ws's reason: an invalid UTF-8 or oversized frame…):
 * an `error` event (a `NetworkError`, redacted) and an `onEvent` `socket_error`;
 * its close follows and reconnects as any drop.
 *
 * @example
 * ```ts
 * onError(reason) { socketError(conn, reason); }
 * ```
 */
export function socketError(conn: WebSocketConnection, reason: string): void {
  const redactor = conn['log'].redactor;
  const error = new NetworkError('WS_SOCKET_ERROR', conn.url, true, { cause: new Error(reason) });
  error.message = redactor.text(`${error.message}: ${reason}`);
  conn['emit']('error', error);
  conn['eventsInstance']?.emit('socket_error', error.message, 'error', { reason: redactor.text(reason) });
}

/**
 * The machine was stopped by its parent (a manager's dispose, `app.stop()`):
 * no snapshot says so, so the connection says closed itself, and a waiting
 * `connect()` rejects. The socket actor's cleanup has closed the socket.
 *
 * @example
 * ```ts
 * onMachineStopped() { machineStopped(this); }
 * ```
 */
export function machineStopped(conn: WebSocketConnection): void {
  conn['ready'] = false;
  if (conn['status'] !== 'closed') {
    conn['status'] = 'closed';
    conn['metricsInstance']?.markDisconnected();
    conn['emit']('statusChange', 'closed');
    conn['eventsInstance']?.health(healthOfStatus('closed'));
  }
  const stopped = new StatewireError(`${conn['ownerName']}: its machine was stopped by its parent`);
  conn['inboxInstance']?.interrupt(stopped);
  conn['settleOpenWaiters'](stopped);
}

/**
 * `disconnect()` / `close(code, reason)`: ends the session (no reconnect). A
 * waiting `receive()` and `connect()` hear it was disconnected; an open socket's
 * close is a `close` event, as on WebSocket and partysocket (the machine stops
 * the socket with the session, so its own close never comes back), clean: the
 * close frame was sent.
 *
 * @example
 * ```ts
 * async disconnect() { ownDisconnect(this); }
 * ```
 */
export function ownDisconnect(conn: WebSocketConnection): void {
  const disconnected = new StatewireError(`${conn['ownerName']} was disconnected`);
  // Before the machine hears it: a waiting receive() is told it was disconnected, not why the socket closed.
  conn['inboxInstance']?.interrupt(disconnected);
  const wasOpen = conn.readyState === OPEN;
  const { code, reason } = conn['closeWith'] ?? OWN_CLOSE;
  conn.actor.send({ type: 'DISCONNECT' });
  conn['settleOpenWaiters'](disconnected);
  if (wasOpen) conn['emit']('close', { code, reason, wasClean: true });
}
