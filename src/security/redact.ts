/**
 * Credential redaction: credentials must never appear in errors, events,
 * logs, statistics or inspector snapshots. These are the stateless helpers;
 * {@link Redactor} adds memory of the secret values a client has seen.
 *
 * @module
 */
import { headerEntries, type HeadersInput } from './headerEntries.js';
import { secretPattern } from './secretPattern.js';

export type { HeadersInput } from './headerEntries.js';

/**
 * What every redacted value is replaced by.
 *
 * @example
 * ```ts
 * redactHeaders({ Authorization: 'Bearer abc' }).Authorization === REDACTED; // true
 * ```
 */
export const REDACTED = '[REDACTED]';

/**
 * Header names (lower case) whose values are always secret. Names that merely
 * look secret (`X-Auth-Token`, `X-Custom-Auth`, …) are caught by
 * {@link looksSecretName} as well.
 *
 * @example
 * ```ts
 * DEFAULT_SENSITIVE_HEADERS.includes('authorization'); // true
 * ```
 */
export const DEFAULT_SENSITIVE_HEADERS: readonly string[] = Object.freeze([
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
]);

// Words that make a name secret wherever they appear ("x-auth-token", "clientSecret").
// Plural "tokens" is deliberately absent: rate-limiter stats say "tokensPerSecond".
const SECRET_WORDS = new Set([
  'token',
  'secret',
  'password',
  'passwd',
  'passphrase',
  'authorization',
  'auth',
  'cookie',
  'credential',
  'credentials',
  'signature',
  'jwt',
  'bearer',
  'apikey',
  'sessionid',
]);
// Two-word names that are secret together but not apart ("api key", not "key").
const SECRET_PAIRS = new Set(['api key', 'private key', 'secret key', 'access key', 'session id']);
// One-word names glued together: "accesstoken", "authtoken".
const SECRET_SUFFIX = /(?:token|secret|password|passwd|apikey)$/;

/** Splits `xApiKey`, `X-API-Key`, `x_api_key` alike into lower-case words. */
function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== '');
}

// Names repeat endlessly (headers, stats keys); cache the verdicts, bounded.
const verdicts = new Map<string, boolean>();

/**
 * True when a header, query-parameter or object-key name looks like it holds
 * a credential: it contains a word such as `token`, `secret`, `password`,
 * `auth`, `cookie`, `signature`, or a pair such as `api key`/`private key`.
 * Errs on the side of redacting; plain `key` and plural `tokens` do not count.
 *
 * @example
 * ```ts
 * looksSecretName('X-Auth-Token'); // true
 * looksSecretName('clientSecret'); // true
 * looksSecretName('tokensPerSecond'); // false
 * ```
 */
export function looksSecretName(name: string): boolean {
  const cached = verdicts.get(name);
  if (cached !== undefined) return cached;
  const w = words(name);
  let secret = false;
  for (let i = 0; i < w.length && !secret; i++) {
    const word = w[i]!;
    secret = SECRET_WORDS.has(word) || SECRET_SUFFIX.test(word) || (i > 0 && SECRET_PAIRS.has(`${w[i - 1]} ${word}`));
  }
  if (verdicts.size >= 4096) verdicts.clear();
  verdicts.set(name, secret);
  return secret;
}

/**
 * True when a header's value must be redacted: it is one of
 * {@link DEFAULT_SENSITIVE_HEADERS}, one of `extra`, or its name
 * {@link looksSecretName}. Case-insensitive.
 *
 * @example
 * ```ts
 * isSensitiveHeader('Cookie'); // true
 * isSensitiveHeader('X-Client-Id'); // false
 * isSensitiveHeader('X-Client-Id', ['x-client-id']); // true
 * ```
 */
export function isSensitiveHeader(name: string, extra?: Iterable<string>): boolean {
  const lower = name.toLowerCase();
  if (DEFAULT_SENSITIVE_HEADERS.includes(lower)) return true;
  if (extra !== undefined) for (const e of extra) if (e.toLowerCase() === lower) return true;
  return looksSecretName(name);
}

// Query names the brief lists as secret even though they are too short or generic for looksSecretName.
const SECRET_PARAMS = new Set(['token', 'access_token', 'api_key', 'apikey', 'key', 'secret', 'password', 'pass', 'pwd', 'auth', 'signature', 'sig', 'code']);

/**
 * True when a URL query (or fragment) parameter's value must be redacted:
 * `token`, `access_token`, `api_key`, `apikey`, `key`, `secret`, `password`,
 * `auth`, `signature`, `sig`, `code` (case-insensitive), or any name that
 * {@link looksSecretName} (`refresh_token`, `X-Amz-Signature`, …).
 *
 * @example
 * ```ts
 * isSecretParam('Access_Token'); // true
 * isSecretParam('page'); // false
 * ```
 */
export function isSecretParam(name: string): boolean {
  return SECRET_PARAMS.has(name.toLowerCase()) || looksSecretName(name);
}

/**
 * A new plain object with the same headers (original name casing; repeated
 * names joined with `", "`) whose sensitive values are {@link REDACTED}.
 * Accepts a plain object, a `Headers` instance, pairs, or undici's raw flat
 * list. Never throws; anything else gives `{}`.
 *
 * @example
 * ```ts
 * redactHeaders(new Headers({ Authorization: 'Bearer abc', Accept: 'text/plain' }));
 * // { authorization: '[REDACTED]', accept: 'text/plain' }
 * redactHeaders(['X-API-Key', 'k1', 'Accept', '*\/*']); // { 'X-API-Key': '[REDACTED]', Accept: '*\/*' }
 * ```
 */
export function redactHeaders(headers: HeadersInput | null | undefined, extra?: Iterable<string>): Record<string, string> {
  const extraList = extra === undefined ? undefined : [...extra];
  const out: Record<string, string> = {};
  // Lower-case name → the first spelling seen, so "cookie" and "Cookie" merge.
  const spelling = new Map<string, string>();
  for (const [name, value] of headerEntries(headers)) {
    const lower = name.toLowerCase();
    const key = spelling.get(lower);
    const shown = isSensitiveHeader(name, extraList) ? REDACTED : value;
    if (key === undefined) {
      spelling.set(lower, name);
      // defineProperty: a header named "__proto__" must not reach the prototype.
      Object.defineProperty(out, name, { value: shown, enumerable: true, writable: true, configurable: true });
    } else if (out[key] !== REDACTED) {
      out[key] = `${out[key]}, ${shown}`;
    }
  }
  return out;
}

/**
 * Decodes a query-string part (`+` is a space), tolerating malformed escapes.
 *
 * @example decodeQueryPart('api%5Fkey'); // 'api_key'; decodeQueryPart('%E0') → '%E0'
 */
export function decodeQueryPart(part: string): string {
  try {
    return decodeURIComponent(part.replace(/\+/g, ' '));
  } catch {
    return part;
  }
}

/** Redacts secret-named values in an `a=1&b=2` list, keeping everything else byte for byte. */
function redactParams(params: string): string {
  if (!params.includes('=')) return params;
  return params
    .split('&')
    .map((part) => {
      const eq = part.indexOf('=');
      if (eq <= 0 || eq === part.length - 1) return part;
      return isSecretParam(decodeQueryPart(part.slice(0, eq))) ? `${part.slice(0, eq + 1)}${REDACTED}` : part;
    })
    .join('&');
}

// Scheme (optional, for "//host") and authority up to its last "@": WHATWG takes the last one.
const USERINFO = /^(\s*(?:[a-z][a-z0-9+.-]*:)?\/\/)[^/?#\\]*@/i;
const AUTHORITY = /^\s*(?:[a-z][a-z0-9+.-]*:)?\/\//i;
// Fallback for strings that are not one URL: any "//user:pass@" at all.
const ANY_USERINFO = /\/\/[^/?#\\\s]*@/g;

/**
 * The URL with its user-info replaced by `[REDACTED]@` and the values of
 * secret-named query parameters ({@link isSecretParam}) replaced by
 * {@link REDACTED}, in the query and in a `#a=b` fragment (OAuth puts
 * `access_token` there). Works on the string itself, so everything else stays
 * verbatim; never throws.
 *
 * @example
 * ```ts
 * redactUrl('https://bob:hunter2@api.example.com/v1?access_token=abc&page=2');
 * // 'https://[REDACTED]@api.example.com/v1?access_token=[REDACTED]&page=2'
 * ```
 */
export function redactUrl(url: string): string {
  if (typeof url !== 'string') return '';
  // A real URL has at most one authority, at the start; "//x@" later on is path.
  let s = AUTHORITY.test(url) ? url.replace(USERINFO, `$1${REDACTED}@`) : url.replace(ANY_USERINFO, `//${REDACTED}@`);
  const hash = s.indexOf('#');
  let fragment = '';
  if (hash >= 0) {
    fragment = s.slice(hash + 1);
    s = s.slice(0, hash);
    // A hash route ("#/cb?token=…") carries its parameters after its own "?".
    const q = fragment.indexOf('?');
    fragment = q >= 0 ? fragment.slice(0, q + 1) + redactParams(fragment.slice(q + 1)) : redactParams(fragment);
  }
  const q = s.indexOf('?');
  if (q >= 0) s = s.slice(0, q + 1) + redactParams(s.slice(q + 1));
  return hash >= 0 ? `${s}#${fragment}` : s;
}

/**
 * `text` with every occurrence of each secret (of at least 4 characters;
 * shorter ones are ignored) replaced by {@link REDACTED}.
 *
 * @example
 * ```ts
 * redactText('login failed for token abcd1234', ['abcd1234']); // 'login failed for token [REDACTED]'
 * ```
 */
export function redactText(text: string, secrets: Iterable<string>): string {
  const pattern = secretPattern(secrets);
  return pattern === null ? text : text.replace(pattern, REDACTED);
}
