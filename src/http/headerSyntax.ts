/**
 * Header names and values as RFC 7230 allows them, checked before anything is
 * sent: a value with CR/LF would otherwise reach the transport, fail there as a
 * network error, be retried and count against the breaker.
 *
 * @module
 */
import { ConfigError, ValidationError } from '../errors.js';
import { REDACTED, isSensitiveHeader } from '../security/redact.js';

// token = 1*tchar (RFC 7230 §3.2.6)
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// field-value: HTAB, SP, VCHAR, obs-text; nothing else (no CR, LF, NUL, no code point above 0xFF).
const BAD_VALUE = /[^\t\x20-\x7e\x80-\xff]/;

/**
 * Why a header is invalid, or `undefined` when it is fine. `undefined` and
 * `null` values count as absent; numbers and booleans as their text.
 *
 * @example
 * ```ts
 * headerProblem('X-Id', 'a\r\nb'); // 'its value contains CR, LF or another control character'
 * headerProblem('X Id', 'a'); // 'its name is not a valid header name (RFC 7230 token)'
 * ```
 */
export function headerProblem(name: string, value: unknown): string | undefined {
  if (!TOKEN.test(name)) return 'its name is not a valid header name (RFC 7230 token)';
  if (value === undefined || value === null) return undefined;
  const values = Array.isArray(value) ? value : [value];
  for (const v of values) {
    if (typeof v === 'number' || typeof v === 'boolean') continue;
    if (typeof v !== 'string') return `its value is ${Array.isArray(v) ? 'a nested array' : `a ${typeof v}`}, expected a string`;
    if (BAD_VALUE.test(v)) return 'its value contains CR, LF or another control character (or a character above U+00FF)';
  }
  return undefined;
}

/**
 * Refuses configured headers that could not be sent, with a `ConfigError`
 * naming `option.<header>` (the value is hidden when the header is sensitive).
 *
 * @example
 * ```ts
 * checkConfigHeaders({ 'X-Id': 'a\nb' }, 'headers', 'ApiClient'); // throws ConfigError: ApiClient: invalid option "headers.X-Id": …
 * ```
 */
export function checkConfigHeaders(headers: Record<string, unknown>, option: string, owner: string, sensitive?: readonly string[]): void {
  for (const name of Object.keys(headers)) {
    const problem = headerProblem(name, headers[name]);
    if (problem === undefined) continue;
    const shown = isSensitiveHeader(name, sensitive) ? REDACTED : headers[name];
    throw new ConfigError(`${option}.${name}`, shown, `invalid header: ${problem}`, { owner });
  }
}

/**
 * Refuses a request's headers that could not be sent, with a `ValidationError`
 * (rule `'header'`) naming the header; its value is never shown.
 *
 * @example
 * ```ts
 * checkRequestHeaders({ 'X-Id': 'a\nb' }, 'ApiClient'); // throws ValidationError: ApiClient: invalid header "X-Id": …
 * ```
 */
export function checkRequestHeaders(headers: Record<string, unknown>, owner: string): void {
  for (const name in headers) {
    const problem = headerProblem(name, headers[name]);
    if (problem !== undefined) throw new ValidationError('header', `${owner}: invalid header ${JSON.stringify(name)}: ${problem}`);
  }
}
