/**
 * What a header name, a header value and a WebSocket subprotocol may contain
 * (RFC 9110 §5.1 / §5.5, RFC 6455 §4.1), as option rules that refuse the rest
 * at construction: a CR or LF in a value would start a new header (header
 * injection), and what the HTTP stack would refuse later (an invalid name, a
 * subprotocol that is not a token) should fail where it was configured.
 *
 * @module
 */
import type { Rule } from '../config/validate.js';
import { ConfigError } from '../errors.js';
import { REDACTED } from './redact.js';

// RFC 9110 token: 1*tchar. Header names and WebSocket subprotocols are tokens.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// Field values: visible ASCII, obs-text, space and tab; no CR, LF, NUL or other controls.
const BAD_VALUE = /[\0-\x08\x0a-\x1f\x7f]/;

/**
 * True when `name` is an RFC 9110 token (a valid header name or WebSocket subprotocol).
 *
 * @example
 * ```ts
 * isToken('X-Trace'); // true
 * isToken('a b'); // false
 * ```
 */
export function isToken(name: string): boolean {
  return TOKEN.test(name);
}

/**
 * True when `value` may be sent as a header value: no CR, LF, NUL or other control character (tab allowed).
 *
 * @example
 * ```ts
 * isHeaderValue('Bearer abc'); // true
 * isHeaderValue('a\r\nX-Injected: 1'); // false
 * ```
 */
export function isHeaderValue(value: string): boolean {
  return !BAD_VALUE.test(value);
}

/**
 * Rule for a headers object of strings: every name a token, every value free of
 * control characters. The refusal names the header (`headers.X-Trace`) and
 * never shows the value, which may be a credential.
 *
 * @example
 * ```ts
 * const spec = { headers: optional(headerRecord()) };
 * validateOptions('WebSocketConnection', { headers: { 'X-A': 'a\nb' } }, spec);
 * // ConfigError: WebSocketConnection: invalid option "headers.X-A": expected a header value without CR, LF or other control characters, got "[REDACTED]"
 * ```
 */
export function headerRecord(): Rule<Record<string, string>> {
  return {
    check: (value, option) => {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ConfigError(option, value, 'expected an object of header strings');
      const out: Record<string, string> = {};
      for (const [name, v] of Object.entries(value)) checkHeader(name, v, `${option}.${name}`, out);
      return out;
    },
  };
}

/**
 * Checks one header and adds it to `out`.
 *
 * @throws {ConfigError} naming `option`.
 */
function checkHeader(name: string, value: unknown, option: string, out: Record<string, string>): void {
  if (!isToken(name)) throw new ConfigError(option, name, 'expected a header name made of letters, digits and !#$%&\'*+-.^_`|~ (RFC 9110 token)');
  if (typeof value !== 'string') throw new ConfigError(option, typeof value === 'object' ? value : REDACTED, 'expected a string');
  if (!isHeaderValue(value)) throw new ConfigError(option, REDACTED, 'expected a header value without CR, LF or other control characters (header injection)');
  // defineProperty semantics (not `out[name] =`): a "__proto__" header stays a header.
  Object.defineProperty(out, name, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * Checks a headers object computed at run time (a function's result) with the
 * rules of {@link headerRecord}; returns it or throws a {@link ConfigError}
 * naming `option` and the header.
 *
 * @example
 * ```ts
 * checkHeaders(await options.headers(), 'headers', 'SSEConnection');
 * ```
 */
export function checkHeaders(headers: unknown, option: string, owner: string): Record<string, string> {
  try {
    return headerRecord().check(headers, option);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    throw new ConfigError(error.option, error.value, error.reason, { owner });
  }
}

/**
 * Rule for a list of WebSocket subprotocols: each an RFC 6455 token (no space,
 * comma or non-ASCII character), none twice (a server may pick only one).
 *
 * @example
 * ```ts
 * const spec = { protocols: optional(subprotocolList()) };
 * ```
 */
export function subprotocolList(): Rule<string[]> {
  return {
    check: (value, option) => {
      if (!Array.isArray(value)) throw new ConfigError(option, value, 'expected an array of subprotocol names');
      const seen = new Set<string>();
      return value.map((p: unknown, i) => {
        const at = `${option}[${i}]`;
        if (typeof p !== 'string' || !isToken(p)) throw new ConfigError(at, p, "expected a subprotocol name made of letters, digits and !#$%&'*+-.^_`|~ (RFC 6455 token)");
        if (seen.has(p)) throw new ConfigError(at, p, 'expected each subprotocol once (it is listed twice)');
        seen.add(p);
        return p;
      });
    },
  };
}
