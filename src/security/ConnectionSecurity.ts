/**
 * Seed 000's security context: builds authentication headers.
 *
 * @module
 */
import { ConfigError } from '../errors.js';

const OWNER = 'ConnectionSecurity';
// CR/LF would let a value start a new header (header injection); NUL is refused by every HTTP stack.
const FORBIDDEN = /[\r\n\0]/;
// "Bearer x", "Basic x", "DPoP x": a bare token never contains whitespace, so a word then space is a scheme.
const HAS_SCHEME = /^[A-Za-z][\w!#$%&'*+.^`|~-]*\s+\S/;

/** Checks one credential; returns it trimmed, or `undefined` when absent or blank. */
function credential(option: 'token' | 'apiKey', value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  // Both option names look secret, so ConfigError shows '[REDACTED]' instead of the value.
  if (typeof value !== 'string') throw new ConfigError(option, value, 'expected a string or null', { owner: OWNER });
  if (FORBIDDEN.test(value)) throw new ConfigError(option, value, 'must not contain CR, LF or NUL (header injection)', { owner: OWNER });
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

/**
 * Builds authentication headers for a connection. It stores no credential,
 * and printing it (`String`, `JSON.stringify`, `util.inspect`) shows nothing
 * secret.
 *
 * @example
 * ```ts
 * const security = new ConnectionSecurity();
 * security.createAuthorizationHeaders('token', 'api-key');
 * // { Authorization: 'Bearer token', 'X-API-Key': 'api-key' }
 * security.createAuthorizationHeaders(null, 'api-key'); // { 'X-API-Key': 'api-key' }
 * ```
 */
export class ConnectionSecurity {
  /**
   * `{ Authorization: 'Bearer <token>' }` and/or `{ 'X-API-Key': apiKey }`.
   * A token that already names its scheme (`'Basic dXNlcjpwdw=='`,
   * `'Bearer abc'`) is used as is. Blank values count as absent.
   *
   * @throws {ConfigError} when both are absent, a value is not a string, or a
   *   value contains CR, LF or NUL. The message never shows the value.
   *
   * @example
   * ```ts
   * new ConnectionSecurity().createAuthorizationHeaders('bearer-token'); // { Authorization: 'Bearer bearer-token' }
   * ```
   */
  createAuthorizationHeaders(token?: string | null, apiKey?: string | null): Record<string, string> {
    const t = credential('token', token);
    const k = credential('apiKey', apiKey);
    if (t === undefined && k === undefined) {
      throw new ConfigError('token', token, 'expected a token or an API key (both are empty)', { owner: OWNER });
    }
    const headers: Record<string, string> = {};
    if (t !== undefined) headers.Authorization = HAS_SCHEME.test(t) ? t : `Bearer ${t}`;
    if (k !== undefined) headers['X-API-Key'] = k;
    return headers;
  }

  /**
   * Safe to print: holds no secret.
   *
   * @example
   * ```ts
   * String(new ConnectionSecurity()); // '[ConnectionSecurity]'
   * ```
   */
  toString(): string {
    return '[ConnectionSecurity]';
  }

  /**
   * Safe to serialise: holds no secret.
   *
   * @example
   * ```ts
   * JSON.stringify(new ConnectionSecurity()); // '{"type":"ConnectionSecurity"}'
   * ```
   */
  toJSON(): { type: 'ConnectionSecurity' } {
    return { type: 'ConnectionSecurity' };
  }

  /** What Node's `util.inspect` and `console.log` show. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}
