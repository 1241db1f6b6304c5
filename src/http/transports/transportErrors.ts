import { ApiError, NetworkError, TimeoutError, ValidationError } from '../../errors.js';
import { redactUrl } from '../../security/redact.js';

/** Codes that prove the request never reached the server. */
const NEVER_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);
/** undici refusing the request itself (a header it will not send, such as `upgrade`): the request's fault, not the network's. */
const REFUSED_REQUEST = new Set(['UND_ERR_INVALID_ARG', 'UND_ERR_NOT_SUPPORTED']);

function codeOf(error: unknown): string | undefined {
  for (let e = error as { code?: unknown; cause?: unknown } | undefined, i = 0; e && i < 4; e = e.cause as typeof e, i++) {
    if (typeof e.code === 'string') return e.code;
    // AggregateError from happy-eyeballs (::1 then 127.0.0.1): take the first code.
    const inner = (e as { errors?: unknown[] }).errors?.[0] as { code?: unknown } | undefined;
    if (typeof inner?.code === 'string') return inner.code;
  }
  return undefined;
}

/**
 * Turns whatever a transport library threw into statewire's errors: the
 * caller's abort reason, `TimeoutError`, or `NetworkError` with its code. URLs
 * in them are redacted (user-info, secret query parameters).
 *
 * @example
 * ```ts
 * try { await undici.request(url); } catch (e) { throw toTransportError(e, { url, timeout: 5000 }); }
 * ```
 */
export function toTransportError(
  error: unknown,
  at: { url: string; timeout: number; signal?: AbortSignal; timedOut?: boolean; deadline?: AbortSignal },
): unknown {
  if (at.signal?.aborted) return at.signal.reason;
  if (at.deadline?.aborted) return new TimeoutError(redactUrl(at.url), at.timeout, { cause: error });
  if (error instanceof ApiError || error instanceof TimeoutError || error instanceof NetworkError) return error;
  const code = codeOf(error) ?? (error as { name?: string })?.name ?? 'ERR_NETWORK';
  if (REFUSED_REQUEST.has(code)) {
    // Never sent: a ValidationError is neither retried nor counted against the breaker.
    return new ValidationError('request', `request to ${redactUrl(at.url).replace(/[?#].*$/s, '')} refused before sending: ${(error as Error)?.message ?? code}`, { cause: error });
  }
  if (at.timedOut || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'TimeoutError') {
    return new TimeoutError(redactUrl(at.url), at.timeout, { cause: error });
  }
  return new NetworkError(code, redactUrl(at.url), !NEVER_SENT.has(code), { cause: error });
}

/**
 * The error for a body larger than allowed: reading stops there.
 *
 * @example
 * ```ts
 * throw tooLarge(200, 'GET', url, 1024);
 * ```
 */
export function tooLarge(status: number, method: string, url: string, limit: number): ApiError {
  return new ApiError(status, null, { url: redactUrl(url), method, reason: `response body exceeds maxResponseBytes (${limit})` });
}
