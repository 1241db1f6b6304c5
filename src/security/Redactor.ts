/**
 * The scrubber a client runs over everything that leaves it (events, log
 * lines, errors, statistics, inspector snapshots).
 *
 * @module
 */
import { headerEntries, type HeadersInput } from './headerEntries.js';
import { MIN_SECRET_LENGTH, secretPattern } from './secretPattern.js';
import { REDACTED, decodeQueryPart, isSecretParam, isSensitiveHeader, redactHeaders, redactUrl } from './redact.js';

/**
 * Options of {@link Redactor}.
 *
 * @example
 * ```ts
 * const options: RedactorOptions = { sensitiveHeaders: config.sensitiveHeaders, maxDepth: 6 };
 * ```
 */
export interface RedactorOptions {
  /** Extra header (and object-key) names whose values are secret, e.g. `['x-client-token']`. */
  sensitiveHeaders?: Iterable<string>;
  /** Containers nested deeper than this in {@link Redactor.value} become `'[Truncated]'`. Default 8. */
  maxDepth?: number;
  /** Secret values remembered at most; the oldest is forgotten first. Default 1024. */
  maxSecrets?: number;
}

/**
 * Replaces a container that {@link Redactor.value} met again inside itself.
 *
 * @example
 * ```ts
 * const a: Record<string, unknown> = {}; a.self = a;
 * new Redactor().value(a); // { self: '[Circular]' }
 * ```
 */
export const CIRCULAR = '[Circular]';
/**
 * Replaces a container nested deeper than {@link RedactorOptions.maxDepth}.
 *
 * @example
 * ```ts
 * new Redactor({ maxDepth: 1 }).value({ a: { b: 1 } }); // { a: '[Truncated]' }
 * ```
 */
export const TRUNCATED = '[Truncated]';

// Absolute URLs inside free text: their user-info and secret parameters go. The
// scheme length is capped so "a.a.a.a…" cannot make the scan quadratic.
const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]{0,31}:\/\/[^\s"'<>`]+/gi;
// "Bearer <credential>" in text; the lookahead spares prose such as "Basic information".
const SCHEME_CREDENTIAL = /\b(Bearer|Basic)\s+(?=[A-Za-z]*[0-9._~+/=-])[A-Za-z0-9._~+/=-]{8,}/gi;
// "Scheme credentials" in an Authorization-like header value.
const AUTH_VALUE = /^([A-Za-z][\w!#$%&'*+.^`|~-]*)\s+(\S.*)$/s;

/**
 * Remembers the secret values a client has handed out (tokens, API keys,
 * cookie values, URL passwords) and scrubs them, plus anything that looks
 * like a credential, from whatever is about to leave the client. Every method
 * returns a new value and never throws.
 *
 * @example
 * ```ts
 * const redactor = new Redactor({ sensitiveHeaders: ['x-tenant-secret'] });
 * redactor.rememberHeaders({ Authorization: 'Bearer s3cr3t-token' });
 * redactor.text('401 for token s3cr3t-token'); // '401 for token [REDACTED]'
 * redactor.value({ headers: { Authorization: 'Bearer x' }, note: 'used s3cr3t-token' });
 * // { headers: { Authorization: '[REDACTED]' }, note: 'used [REDACTED]' }
 * ```
 */
export class Redactor {
  readonly #sensitive: readonly string[];
  readonly #maxDepth: number;
  readonly #maxSecrets: number;
  // Insertion-ordered, so the oldest secret is the first one to forget.
  readonly #secrets = new Set<string>();
  // undefined = stale; rebuilt lazily because remember() is far rarer than text().
  #pattern: RegExp | null | undefined = null;

  constructor(options: RedactorOptions = {}) {
    this.#sensitive = [...(options.sensitiveHeaders ?? [])].map((h) => String(h).toLowerCase());
    this.#maxDepth = options.maxDepth ?? 8;
    this.#maxSecrets = options.maxSecrets ?? 1024;
  }

  /**
   * How many secret values are remembered (their values are never exposed).
   *
   * @example
   * ```ts
   * new Redactor().remember('abcd1234').size; // 1
   * ```
   */
  get size(): number {
    return this.#secrets.size;
  }

  /**
   * Remembers a secret value (and its URL-encoded form) so that {@link text}
   * and {@link value} replace it wherever it appears. Values shorter than 4
   * characters, and non-strings, are ignored.
   *
   * @example
   * ```ts
   * new Redactor().remember('sk_live_123').text('key sk_live_123'); // 'key [REDACTED]'
   * ```
   */
  remember(value: unknown): this {
    if (typeof value !== 'string') return this;
    for (const v of [value, value.trim(), encodeURIComponent(value)]) {
      if (v.length < MIN_SECRET_LENGTH) continue;
      this.#secrets.delete(v); // re-insert: most recently remembered is forgotten last
      this.#secrets.add(v);
      this.#pattern = undefined;
    }
    while (this.#secrets.size > this.#maxSecrets) this.#secrets.delete(this.#secrets.values().next().value as string);
    return this;
  }

  /**
   * Remembers the values of the sensitive headers in `headers`, including the
   * credential after an auth scheme (`Bearer abc` → also `abc`), the decoded
   * `user:password` of Basic auth, and each cookie value.
   *
   * @example
   * ```ts
   * const r = new Redactor().rememberHeaders({ 'X-API-Key': 'k-12345', Accept: 'json' });
   * r.text('bad key k-12345'); // 'bad key [REDACTED]'
   * ```
   */
  rememberHeaders(headers: HeadersInput | null | undefined): this {
    for (const [name, value] of headerEntries(headers)) {
      if (!isSensitiveHeader(name, this.#sensitive)) continue;
      this.remember(value);
      const lower = name.toLowerCase();
      if (lower === 'cookie' || lower === 'set-cookie') {
        // Set-Cookie's later parts are attributes (Path, Expires), not secrets.
        const parts = lower === 'cookie' ? value.split(';') : value.split(';').slice(0, 1);
        for (const part of parts) this.remember(part.slice(part.indexOf('=') + 1).trim());
        continue;
      }
      const auth = AUTH_VALUE.exec(value.trim());
      if (auth === null) continue;
      const credential = auth[2]!;
      this.remember(credential);
      if (auth[1]!.toLowerCase() === 'basic') this.#rememberBasic(credential);
    }
    return this;
  }

  /**
   * Remembers the user name and password of a URL's user-info and the values
   * of its secret-named query parameters, raw and percent-decoded.
   *
   * @example
   * ```ts
   * const r = new Redactor().rememberUrl('wss://bot:pa55word@chat.example.com/?token=t0k3n');
   * r.text('auth failed: pa55word / t0k3n'); // 'auth failed: [REDACTED] / [REDACTED]'
   * ```
   */
  rememberUrl(url: string | URL): this {
    const s = String(url);
    const info = /^\s*(?:[a-z][a-z0-9+.-]*:)?\/\/([^/?#\\]*)@/i.exec(s)?.[1];
    if (info !== undefined) {
      const colon = info.indexOf(':');
      for (const part of colon < 0 ? [info] : [info.slice(0, colon), info.slice(colon + 1)]) this.#rememberEncoded(part);
    }
    const start = s.search(/[?#]/);
    if (start >= 0) {
      for (const param of s.slice(start + 1).split(/[&?#]/)) {
        const eq = param.indexOf('=');
        if (eq > 0 && isSecretParam(decodeQueryPart(param.slice(0, eq)))) this.#rememberEncoded(param.slice(eq + 1));
      }
    }
    return this;
  }

  /**
   * Free text with remembered secrets, URL credentials and `Bearer …`/`Basic …`
   * credentials replaced by `[REDACTED]`.
   *
   * @example
   * ```ts
   * new Redactor().text('GET https://u:p@h/x?token=abc failed; sent Bearer eyJhbGciOi.J9');
   * // 'GET https://[REDACTED]@h/x?token=[REDACTED] failed; sent Bearer [REDACTED]'
   * ```
   */
  text(s: string): string {
    if (typeof s !== 'string') return s;
    let out = this.#scrubSecrets(s);
    if (out.includes('://')) out = out.replace(URL_IN_TEXT, (u) => redactUrl(u));
    // A lone relative URL or path ("/cb?code=…") is still a URL.
    else if (/[?#]/.test(out) && !/\s/.test(out)) out = redactUrl(out);
    if (/bearer|basic/i.test(out)) out = out.replace(SCHEME_CREDENTIAL, `$1 ${REDACTED}`);
    return out;
  }

  /**
   * {@link redactHeaders} with this redactor's extra sensitive names, and
   * remembered secrets scrubbed from the other values too.
   *
   * @example
   * ```ts
   * new Redactor({ sensitiveHeaders: ['x-tenant'] }).headers({ 'X-Tenant': 'acme', Accept: '*\/*' });
   * // { 'X-Tenant': '[REDACTED]', Accept: '*\/*' }
   * ```
   */
  headers(headers: HeadersInput | null | undefined): Record<string, string> {
    const out = redactHeaders(headers, this.#sensitive);
    for (const key of Object.keys(out)) if (out[key] !== REDACTED) out[key] = this.text(out[key]!);
    return out;
  }

  /**
   * {@link redactUrl}, plus remembered secrets anywhere in the URL (e.g. a
   * token used as a path segment).
   *
   * @example
   * ```ts
   * new Redactor().remember('abcd1234').url('https://h/keys/abcd1234?key=zz'); // 'https://h/keys/[REDACTED]?key=[REDACTED]'
   * ```
   */
  url(url: string | URL): string {
    return this.#scrubSecrets(redactUrl(String(url)));
  }

  /**
   * A deep copy of a JSON-like value with strings passed through {@link text}
   * and the strings and numbers under secret-looking keys
   * ({@link isSensitiveHeader}), at any depth below them, replaced by
   * `[REDACTED]`. Handles arrays, plain and class objects (copied
   * as plain objects), errors (same prototype, so `instanceof` still works),
   * `Map`, `Set`, `Date`, `URL` and `Headers`; binary data is returned as is.
   * Cycles become `'[Circular]'`, containers deeper than `maxDepth` (default
   * 8, the root being level 1) become `'[Truncated]'`.
   *
   * @example
   * ```ts
   * new Redactor().value({ auth: { user: 'bob', password: 'x' }, tries: [1, 2] });
   * // { auth: { user: 'bob', password: '[REDACTED]' }, tries: [1, 2] }
   * ```
   */
  value<T>(value: T): T;
  value(value: unknown): unknown {
    return this.#walk(value, 1, false, new Set());
  }

  /**
   * No secret is revealed by printing the redactor itself.
   *
   * @example
   * ```ts
   * String(new Redactor()); // '[Redactor: 0 secrets]'
   * ```
   */
  toString(): string {
    return `[Redactor: ${this.#secrets.size} secrets]`;
  }

  /**
   * Only the number of remembered secrets.
   *
   * @example
   * ```ts
   * JSON.stringify(new Redactor()); // '{"secrets":0}'
   * ```
   */
  toJSON(): { secrets: number } {
    return { secrets: this.#secrets.size };
  }

  /** What Node's `util.inspect` and `console.log` show: same as {@link toString}. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }

  #scrubSecrets(s: string): string {
    if (this.#pattern === undefined) this.#pattern = secretPattern(this.#secrets);
    return this.#pattern === null ? s : s.replace(this.#pattern, REDACTED);
  }

  #rememberEncoded(raw: string): void {
    this.remember(raw);
    this.remember(decodeQueryPart(raw));
  }

  #rememberBasic(credential: string): void {
    try {
      // atob exists in browsers and Node >= 16; latin1 is what Basic auth decodes to.
      const decoded = atob(credential.trim());
      this.remember(decoded);
      const colon = decoded.indexOf(':');
      if (colon >= 0) this.remember(decoded.slice(colon + 1));
    } catch {
      // Not base64: the raw credential is already remembered.
    }
  }

  #walk(v: unknown, level: number, sensitive: boolean, ancestors: Set<object>): unknown {
    if (typeof v === 'string') return sensitive ? REDACTED : this.text(v);
    if (typeof v === 'number' || typeof v === 'bigint') return sensitive ? REDACTED : v;
    if (typeof v !== 'object' || v === null) return v;
    if (ancestors.has(v)) return CIRCULAR;
    if (level > this.#maxDepth) return TRUNCATED;
    if (ArrayBuffer.isView(v) || v instanceof ArrayBuffer) return v;
    if (v instanceof Date) return new Date(v.getTime());
    if (v instanceof RegExp) return v;
    if (typeof URL !== 'undefined' && v instanceof URL) return sensitive ? REDACTED : this.url(v);
    if (typeof Headers !== 'undefined' && v instanceof Headers) return this.headers(v);
    ancestors.add(v);
    try {
      const next = (x: unknown, s: boolean) => this.#guard(() => this.#walk(x, level + 1, s, ancestors));
      if (Array.isArray(v)) return v.map((x) => next(x, sensitive));
      if (v instanceof Map) {
        return new Map([...v].map(([k, x]) => [k, next(x, sensitive || (typeof k === 'string' && this.#isSecretKey(k)))]));
      }
      if (v instanceof Set) return new Set([...v].map((x) => next(x, sensitive)));
      const error = v instanceof Error;
      // Errors keep their prototype (instanceof, isApiError flags) and their non-enumerable message/stack.
      const out: Record<string, unknown> = error ? Object.create(Object.getPrototypeOf(v)) : {};
      const keys = error ? Object.getOwnPropertyNames(v) : Object.keys(v);
      for (const key of keys) {
        const x = this.#guard(() => (v as Record<string, unknown>)[key]);
        // Under a secret key everything is secret: `credentials: { user, pass }`.
        const value = next(x, sensitive || this.#isSecretKey(key));
        Object.defineProperty(out, key, { value, enumerable: !error || Object.prototype.propertyIsEnumerable.call(v, key), writable: true, configurable: true });
      }
      return out;
    } finally {
      ancestors.delete(v);
    }
  }

  #isSecretKey(key: string): boolean {
    return isSensitiveHeader(key, this.#sensitive);
  }

  #guard(read: () => unknown): unknown {
    try {
      return read();
    } catch {
      return '[Unreadable]';
    }
  }
}
