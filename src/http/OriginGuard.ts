/**
 * What an HTTP client may send where: its configured credentials only to its
 * configured origin, and every URL it dials through the same scheme and
 * security-level rules as its base URL.
 *
 * @module
 */
import { ValidationError } from '../errors.js';
import { Redactor } from '../security/Redactor.js';
import { isSensitiveHeader, redactUrl } from '../security/redact.js';
import { checkTransportSecurity } from '../security/securityPolicy.js';
import type { SecurityLevel } from '../config/enums.js';
import type { DialRules } from './followRedirects.js';

/** Options of {@link OriginGuard}: the client's own, already validated. */
export interface OriginGuardOptions {
  /** Class name for error messages, e.g. `'ApiClient'`. */
  owner: string;
  /** The configured base URL (user-info already moved to `Authorization`). */
  baseURL: string;
  /** The configured headers, credentials included. */
  headers: Record<string, string>;
  /** Extra header names whose values are secret. */
  sensitiveHeaders: readonly string[];
  securityLevel: SecurityLevel;
  encryption: boolean;
  rejectUnauthorized: boolean;
  /** Follow at most this many redirects per attempt; 0 returns the 3xx as an `ApiError`. */
  maxRedirects: number;
  /** The client's redactor (knows its configured secrets); error bodies pass it. */
  redactor: Redactor;
}

const PROTOCOLS = new Set(['http:', 'https:']);

/**
 * One per client. `target()` decides the headers of a request whose URL is
 * not the configured origin; as {@link DialRules} it checks each redirect hop,
 * and scrubs error bodies of the client's secrets.
 *
 * @example
 * ```ts
 * const guard = new OriginGuard({ owner: 'ApiClient', baseURL, headers, sensitiveHeaders: [], securityLevel: 'standard', encryption: false, rejectUnauthorized: true, maxRedirects: 10, redactor });
 * const headers = guard.headersFor(guard.checkUrl('http://127.0.0.1:9/x'), merged, own); // configured credentials left out
 * ```
 */
export class OriginGuard implements DialRules {
  readonly origin: string;
  readonly maxRedirects: number;
  /** Configured sensitive headers: lower-case name and value. */
  private readonly secrets: Array<[string, string]> = [];
  /** Origins already checked against the security level (bounded). */
  private readonly checked = new Set<string>();

  constructor(private readonly options: OriginGuardOptions) {
    this.origin = new URL(options.baseURL).origin;
    this.maxRedirects = options.maxRedirects;
    for (const name of Object.keys(options.headers)) {
      if (isSensitiveHeader(name, options.sensitiveHeaders)) this.secrets.push([name.toLowerCase(), options.headers[name]!]);
    }
    this.checked.add(this.origin);
  }

  /**
   * Checks a URL the client is about to dial: `http:`/`https:` only
   * (`ValidationError` naming the URL), then the security level's rules
   * (the same `ConfigError` as at construction). Returns its origin.
   */
  checkUrl(url: string): string {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch (cause) {
      throw new ValidationError('url', `${this.options.owner}: ${redactUrl(url)} is not a valid URL`, { cause });
    }
    if (!PROTOCOLS.has(parsed.protocol)) {
      throw new ValidationError('url', `${this.options.owner}: unsupported URL scheme "${parsed.protocol}" in ${redactUrl(url)} (expected http: or https:)`);
    }
    const origin = parsed.origin;
    if (this.checked.has(origin)) return origin;
    const { securityLevel, encryption, rejectUnauthorized, owner } = this.options;
    checkTransportSecurity({ url: parsed.href, securityLevel, encryption, rejectUnauthorized, owner });
    if (this.checked.size >= 256) this.checked.clear();
    this.checked.add(origin);
    this.checked.add(this.origin);
    return origin;
  }

  /**
   * The headers for a request to `origin` (from {@link checkUrl}): to the
   * configured origin, `headers` as they are; to another origin, without the
   * configured credentials the request did not set itself. A header the caller
   * passed in `own`, or an interceptor set to a value of its own, is the request's.
   */
  headersFor(origin: string, headers: Record<string, string>, own: Record<string, string> | undefined): Record<string, string> {
    if (this.secrets.length === 0 || origin === this.origin) return headers;
    let out: Record<string, string> | undefined;
    for (const name of Object.keys(headers)) {
      const lower = name.toLowerCase();
      const configured = this.secrets.find(([n, v]) => n === lower && v === headers[name]);
      if (configured === undefined || (own !== undefined && hasName(own, lower))) continue;
      out ??= { ...headers };
      delete out[name];
    }
    return out ?? headers;
  }

  /** On a hop to another origin every credential header is dropped, the request's own too (as fetch drops `Authorization`). */
  hopHeaders(headers: Record<string, string>, from: string, to: string): Record<string, string> {
    if (new URL(from).origin === new URL(to).origin) return headers;
    let out: Record<string, string> | undefined;
    for (const name of Object.keys(headers)) {
      if (!isSensitiveHeader(name, this.options.sensitiveHeaders)) continue;
      out ??= { ...headers };
      delete out[name];
    }
    return out ?? headers;
  }

  /** An error body without the client's secrets, nor the sensitive header values this request sent. */
  scrub(text: string, headers: Record<string, string>): string {
    const own = new Redactor({ sensitiveHeaders: this.options.sensitiveHeaders }).rememberHeaders(headers);
    return this.options.redactor.text(own.text(text));
  }
}

function hasName(headers: Record<string, string>, lower: string): boolean {
  for (const name in headers) if (name.toLowerCase() === lower) return true;
  return false;
}
