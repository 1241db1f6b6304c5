/**
 * What one attempt's request carries besides the URL: its headers, and the
 * caller's `fetch`.
 *
 * @module
 */
import type { Log } from '../runtime/createLog.js';
import { checkHeaders } from '../security/headerSyntax.js';
import { hasHeader } from '../security/hasHeader.js';
import type { SSEHeaders } from './sseOptions.js';

/**
 * The headers of one attempt: `customHeaders`, then `headers` (a function is
 * called now, and what it returns passes the construction-time rules before
 * any request), then `Authorization: Basic …` from the URL's user-info unless a
 * header set its own. A function's headers are remembered by the log, so a
 * refreshed token is redacted from then on.
 *
 * @example
 * ```ts
 * const headers = await attemptHeaders(() => ({ Authorization: `Bearer ${token}` }), {}, undefined, log);
 * ```
 */
export async function attemptHeaders(
  given: SSEHeaders | undefined,
  customHeaders: Record<string, string>,
  basicAuth: string | undefined,
  log: Log,
): Promise<Record<string, string>> {
  const computed = typeof given === 'function' ? await given() : given;
  if (computed !== undefined && (typeof computed !== 'object' || computed === null)) {
    throw new TypeError('the headers function did not return an object');
  }
  const checked = typeof given === 'function' && computed !== undefined ? checkHeaders(computed, 'headers', 'SSEConnection') : computed;
  const headers: Record<string, string> = { ...customHeaders, ...checked };
  if (basicAuth !== undefined && !hasHeader(headers, 'authorization')) headers.Authorization = basicAuth;
  if (typeof given === 'function') log.remember(headers);
  return headers;
}

/**
 * The caller's `fetch` for every attempt, with a synchronous throw (a bug, not
 * a network failure) reported through `callbackFailed` before the attempt fails.
 *
 * @example
 * ```ts
 * const fetchForStream = reportingFetch(options.fetch, (name, error) => connection.callbackFailed(name, error));
 * ```
 */
export function reportingFetch(given: typeof fetch, callbackFailed: (callback: string, error: unknown) => void): typeof fetch {
  return (...args) => {
    try {
      return given(...args);
    } catch (error) {
      callbackFailed('fetch', error);
      throw error;
    }
  };
}
