import { StatewireError } from '../errors.js';
import { attemptFailureError, connectTimeoutError } from '../runtime/connectFailure.js';
import { checkDialUrl } from '../security/dialUrl.js';
import type { WebSocketConnection } from './WebSocketConnection.js';

/**
 * The rules every URL a connection dials passes (`url`: ws/wss; `healthUrl`:
 * http/https), with its `securityLevel` and `encryption`.
 *
 * @example
 * ```ts
 * checkDialUrl(url, dialRules(conn, 'healthUrl'));
 * ```
 */
export function dialRules(conn: WebSocketConnection, option: 'url' | 'healthUrl') {
  const options = conn['options'];
  return { protocols: option === 'url' ? ['ws', 'wss'] : ['http', 'https'], securityLevel: options.securityLevel, encryption: options.encryption, owner: conn['ownerName'], option };
}

/**
 * The URL of the next attempt: the configured string, or the provider's result,
 * which passes the construction-time checks before it is dialled (its secrets
 * are remembered by the log's redactor first).
 *
 * @example
 * ```ts
 * const url = await resolveUrl(conn);
 * ```
 */
export async function resolveUrl(conn: WebSocketConnection): Promise<string> {
  const url = conn['urlOption'];
  if (typeof url === 'string') return url;
  const resolved: unknown = await url();
  if (typeof resolved !== 'string') throw new TypeError(`it did not return a string (got ${resolved === null ? 'null' : typeof resolved})`);
  conn['log'].remember(undefined, resolved);
  return checkDialUrl(resolved, dialRules(conn, 'url'));
}

/**
 * Why the last attempt did not open: its own failure (a refused URL, a provider
 * that failed), a TimeoutError naming its phase, or else `fallback`.
 *
 * @example
 * ```ts
 * const error = attemptError(conn, true, () => new NetworkError('WS_CONNECT_FAILED', conn.url, false));
 * ```
 */
export function attemptError(conn: WebSocketConnection, timedOut: boolean, fallback: () => StatewireError): StatewireError {
  const attempt = conn['lastAttempt'];
  if (attempt?.failure !== undefined) {
    return attemptFailureError('WS_CONNECT_FAILED', conn.url, attempt.failure, 'the url provider failed', (t) => conn['log'].redactor.text(t));
  }
  if (timedOut && attempt !== undefined) return connectTimeoutError(conn.url, conn['options'].timeout, attempt.phase, 'TCP connected; the server never answered the upgrade');
  return fallback();
}
