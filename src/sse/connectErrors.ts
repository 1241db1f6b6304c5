/**
 * What `SSEConnection.connect()` rejects with, per way an attempt or a session
 * can fail: the mapping from the machine's lifecycle (an `error` it emitted,
 * its connect timeout, a 204, spent attempts) to the typed errors of
 * `errors.ts`. Lifecycle only: nothing here runs per event.
 *
 * @example
 * ```ts
 * const error = answerError({ message: 'HTTP 503', status: 503 }, url, attempt, redact); // NetworkError HTTP_503
 * ```
 *
 * @module
 */
import { NetworkError, StatewireError, TimeoutError } from '../errors.js';
import { attemptFailureError, connectTimeoutError, type AttemptProgress } from '../runtime/connectFailure.js';

/** The machine's `lastError` when the connect timeout ended an attempt. */
export const CONNECT_TIMEOUT = 'connect timeout';

/**
 * Why the last attempt did not open: its own failure (a failed redirect chain's
 * error; the headers function failed, or its headers were refused), a
 * TimeoutError naming its phase when `timeout` (ms) is given, or else `fallback`.
 *
 * @example
 * ```ts
 * attemptError(attempt, url, (t) => log.redactor.text(t), () => new NetworkError('SSE_CONNECT_FAILED', url, false));
 * ```
 */
export function attemptError(
  attempt: AttemptProgress | undefined,
  url: string,
  redact: (text: string) => string,
  fallback: () => StatewireError,
  timeout?: number,
): StatewireError {
  if (attempt?.error !== undefined) return attempt.error;
  if (attempt?.failure !== undefined) return attemptFailureError('SSE_CONNECT_FAILED', url, attempt.failure, 'the headers function failed', redact);
  if (timeout !== undefined && attempt !== undefined) return connectTimeoutError(url, timeout, attempt.phase, 'the server sent no response headers');
  return fallback();
}

/**
 * The error of a failed attempt the machine reported (`error`): the server's
 * answer as `HTTP_<status>` when it gave one, else the attempt's own failure or
 * `SSE_CONNECT_FAILED`.
 *
 * @example
 * ```ts
 * answerError({ message: 'HTTP 401', status: 401 }, url, attempt, redact).code; // 'HTTP_401'
 * ```
 */
export function answerError(
  failure: { message: string; status?: number },
  url: string,
  attempt: AttemptProgress | undefined,
  redact: (text: string) => string,
): StatewireError {
  const status = failure.status;
  const fallback = () => new NetworkError(status !== undefined ? `HTTP_${status}` : 'SSE_CONNECT_FAILED', url, status !== undefined, { cause: new Error(failure.message) });
  return status !== undefined ? fallback() : attemptError(attempt, url, redact, fallback);
}

/**
 * The error of an attempt the connect timeout ended: a TimeoutError naming the
 * phase it was stuck in (or the attempt's own failure, when it had one).
 *
 * @example
 * ```ts
 * timeoutError(attempt, url, 5000, redact).message; // '… timed out after 5000 ms in the handshake phase (…)'
 * ```
 */
export function timeoutError(attempt: AttemptProgress | undefined, url: string, timeout: number, redact: (text: string) => string): StatewireError {
  return attemptError(attempt, url, redact, () => new TimeoutError(url, timeout, { cause: new Error('no answer to the stream request') }), timeout);
}

/**
 * A 204 No Content: per spec the client stops; a final answer.
 *
 * @example
 * ```ts
 * noContentError(url).code; // 'HTTP_204'
 * ```
 */
export function noContentError(url: string): NetworkError {
  return new NetworkError('HTTP_204', url, true, { cause: new Error('the server answered 204 No Content') });
}

/**
 * The attempts are spent: as ky and got, the last attempt's error, else a StatewireError saying so.
 *
 * @example
 * ```ts
 * gaveUpError(undefined, 4).message; // 'SSEConnection gave up after 4 attempts'
 * ```
 */
export function gaveUpError(lastFailure: Error | undefined, attempts: number): Error {
  return lastFailure ?? new StatewireError(`SSEConnection gave up after ${attempts} attempts`);
}
