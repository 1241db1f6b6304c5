import type { WebSocketEvent } from '../../machines/websocket.js';
import type { AttemptProgress, ConnectPhase } from '../runtime/connectFailure.js';
import { callUserFn } from '../runtime/callUserFn.js';
import type { RawMessageData } from './decodeMessage.js';
import { canPing, pongArrived } from './heartbeat.js';
import { onIncoming } from './incoming.js';
import { socketError } from './lifecycle.js';
import { resolveUrl } from './dialing.js';
import { openSocket, socketsReportConnect, type SocketHandlers, type SocketLike } from './transports/openSocket.js';
import type { WebSocketConnection } from './WebSocketConnection.js';

/** The close frame `disconnect()` sends when `close(code, reason)` gave none. */
export const OWN_CLOSE = { code: 1000, reason: 'closing' } as const;

/**
 * One attempt's socket, run by the machine's `socket` actor: it opens, reports
 * the lifecycle to the machine and hands data straight to the connection. An
 * object rather than a handful of closures, because every open connection keeps one.
 *
 * It reaches the connection's private members by element access (`conn['socket']`),
 * which TypeScript type-checks and allows: they stay out of the public type.
 *
 * @example
 * ```ts
 * const attempt = new SocketAttempt(conn, sendBack);
 * void attempt.open();
 * return () => attempt.stop();
 * ```
 */
export class SocketAttempt implements SocketHandlers, AttemptProgress {
  stopped = false;
  socket: SocketLike | undefined = undefined;
  phase: ConnectPhase = 'url';
  failure: unknown = undefined;

  constructor(
    readonly conn: WebSocketConnection,
    readonly sendBack: (event: WebSocketEvent) => void,
  ) {}

  async open(): Promise<void> {
    const conn = this.conn;
    let url: string;
    try {
      url = await resolveUrl(conn);
    } catch (error) {
      // Nothing was dialled: the provider failed, or its URL was refused (the construction-time ConfigError).
      this.failure = error;
      if (!this.stopped) this.sendBack({ type: 'SOCKET_FAILED', reason: conn['log'].redactor.text(`could not open: ${(error as Error)?.message ?? error}`) });
      return;
    }
    try {
      if (this.stopped) return;
      this.phase = socketsReportConnect() ? 'connect' : 'opening';
      const options = conn['options'];
      const socket = await openSocket(url, { protocols: options.protocols, headers: options.headers, maxPayload: options.maxPayload }, this);
      this.socket = socket;
      if (this.stopped) socket.terminate();
    } catch (error) {
      if (!this.stopped) this.sendBack({ type: 'SOCKET_FAILED', reason: conn['log'].redactor.text(`could not open: ${(error as Error)?.message ?? error}`) });
    }
  }

  onConnected(phase: 'tls' | 'handshake'): void {
    this.phase = phase;
  }

  onOpen(): void {
    if (this.stopped) return this.socket?.close(1000);
    const conn = this.conn;
    const socket = this.socket!;
    conn['socket'] = socket;
    const options = conn['options'];
    const at = conn['clock'].now();
    this.sendBack(canPing(socket, options.ping, options.isPong) ? { type: 'OPENED', at } : { type: 'OPENED', at, heartbeat: false });
  }

  onMessage(data: RawMessageData, isBinary: boolean): void {
    onIncoming(this.conn, data, isBinary);
  }

  onPong(): void {
    pongArrived(this.conn);
    if (!this.stopped) this.sendBack({ type: 'PONG', at: this.conn['clock'].now() });
  }

  onClose(code: number, reason: string): void {
    const conn = this.conn;
    if (conn['socket'] === this.socket) detach(conn);
    if (this.stopped) return;
    const shouldReconnect = conn['options'].shouldReconnect;
    const terminal = code !== 1000 && shouldReconnect !== undefined && callUserFn(conn, 'shouldReconnect', shouldReconnect, { code, reason }, true) === false;
    // A server may echo a credential in its close reason: scrub it before the machine (context, snapshots) and 'close' see it.
    const shown = reason === '' ? reason : conn['log'].redactor.text(reason);
    this.sendBack({ type: 'SOCKET_CLOSED', code, reason: shown, wasOpen: true, at: conn['clock'].now(), ...(terminal ? { terminal } : {}) });
  }

  onError(reason: string): void {
    if (!this.stopped) socketError(this.conn, reason);
  }

  onFailure(reason: string, status?: number): void {
    if (!this.stopped) this.sendBack({ type: 'SOCKET_FAILED', reason: this.conn['log'].redactor.text(reason), ...(status === undefined ? {} : { status }) });
  }

  /** Leaving `link`: closes what this attempt opened, with the code `close(code, reason)` asked for (default 1000). */
  stop(): void {
    this.stopped = true;
    const conn = this.conn;
    const socket = this.socket;
    if (conn['socket'] === socket) detach(conn);
    const close = conn['closeWith'];
    if (socket?.isOpen) socket.close(close?.code ?? OWN_CLOSE.code, close?.reason ?? OWN_CLOSE.reason);
    else socket?.terminate();
    // Kept as the connection's lastAttempt until the next one: without the dead socket.
    this.socket = undefined;
  }
}

/**
 * The machine's `socket` actor for a connection: starts one attempt (kept as the
 * connection's `lastAttempt`, what `connect()` reports when it did not open) and
 * returns its stop.
 *
 * @example
 * ```ts
 * fromCallback(({ sendBack, system }) => runAttempt(owners.of(system), sendBack));
 * ```
 */
export function runAttempt(conn: WebSocketConnection, sendBack: (event: WebSocketEvent) => void): () => void {
  const attempt = new SocketAttempt(conn, sendBack);
  conn['lastAttempt'] = attempt;
  void attempt.open();
  return () => attempt.stop();
}

/** The socket is gone: sends queue again; acknowledgements are timed only while open (the re-send on the next open restarts them). */
function detach(conn: WebSocketConnection): void {
  conn['socket'] = null;
  conn['ready'] = false;
  conn['acks']?.close();
}
