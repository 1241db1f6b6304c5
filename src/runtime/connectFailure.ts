/**
 * What `connect()` rejects with when an attempt of a long-lived connection
 * (WebSocket, SSE) fails before its link is up: the attempt's own error when it
 * ended before anything was dialled (a refused URL, a provider that threw), a
 * {@link TimeoutError} naming the phase it was stuck in when the connect
 * timeout fired.
 *
 * @module
 */
import { ConfigError, NetworkError, TimeoutError, type StatewireError } from '../errors.js';

/**
 * The steps of opening a connection, in order:
 * - `url`: waiting for the `url` provider;
 * - `headers`: waiting for the `headers` function;
 * - `connect`: the TCP connection is being made;
 * - `tls`: TCP is connected, the TLS handshake is running;
 * - `handshake`: the request (upgrade, or the stream's GET) is sent, the server's answer is awaited
 *   (an SSE stream's fetch does not say when TCP connected: for SSE this phase includes the connect);
 * - `opening`: the platform does not tell (a browser WebSocket).
 *
 * @example
 * ```ts
 * if (error instanceof TimeoutError && error.phase === 'handshake') console.warn('the server accepted TCP but never answered');
 * ```
 */
export type ConnectPhase = 'url' | 'headers' | 'connect' | 'tls' | 'handshake' | 'opening';

/** How far one attempt got, and the error that ended it before anything was dialled. */
export interface AttemptProgress {
  phase: ConnectPhase;
  /** Set when the attempt failed on its own (a URL refused by the security rules, a provider or headers function that threw). */
  failure?: unknown;
  /** The attempt's failure as it is to be reported (a refused redirect's ConfigError, a redirect loop's NetworkError). */
  error?: StatewireError;
}

const STALLED: Record<Exclude<ConnectPhase, 'handshake'>, string> = {
  url: 'the url provider never settled',
  headers: 'the headers function never settled',
  connect: 'no TCP connection',
  tls: 'TCP connected; TLS handshake unfinished',
  opening: 'not open',
};

/**
 * The TimeoutError for an attempt the connect timeout ended, naming its phase.
 * `handshake` says what was missing in the `handshake` phase.
 *
 * @example
 * ```ts
 * connectTimeoutError('ws://127.0.0.1:8080/ws', 5000, 'handshake', 'TCP connected; the server never answered the upgrade').message;
 * // 'Request to ws://127.0.0.1:8080/ws timed out after 5000 ms in the handshake phase (TCP connected; the server never answered the upgrade)'
 * ```
 */
export function connectTimeoutError(url: string, timeout: number, phase: ConnectPhase, handshake: string): TimeoutError {
  return new TimeoutError(url, timeout, { phase, detail: phase === 'handshake' ? handshake : STALLED[phase] });
}

/**
 * The error for an attempt that failed on its own: a {@link ConfigError} as
 * it is (the URL check at construction throws the same), anything else (a
 * provider that threw) as a {@link NetworkError} whose message carries the
 * failure's message, redacted with `redact`, and whose cause is the failure.
 *
 * @example
 * ```ts
 * attemptFailureError('WS_CONNECT_FAILED', '[function]', new Error('token service down'), 'the url provider failed', (t) => t).message;
 * // 'WS_CONNECT_FAILED: request to [function] failed (never reached the server): the url provider failed: token service down'
 * ```
 */
export function attemptFailureError(code: string, url: string, failure: unknown, what: string, redact: (text: string) => string): StatewireError {
  if (failure instanceof ConfigError) return failure;
  const message = failure instanceof Error ? failure.message : String(failure);
  return new NetworkError(code, url, false, { cause: failure, detail: redact(`${what}: ${message}`) });
}
