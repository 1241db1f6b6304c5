/**
 * Redirects followed by statewire itself, so that undici and fetch behave alike
 * in Node and every hop passes the client's rules (got's semantics).
 *
 * @module
 */
import { ApiError } from '../errors.js';
import { redactUrl } from '../security/redact.js';
import type { HttpTransport, TransportRequest, TransportResponse } from './transports/HttpTransport.js';
import { parseErrorBody } from './bodies.js';

/**
 * What a client decides for each attempt's hops (an {@link OriginGuard} in the
 * built-in clients).
 *
 * @example
 * ```ts
 * const rules: DialRules = { maxRedirects: 10, checkUrl: () => '', hopHeaders: (h) => h, scrub: (t) => t };
 * ```
 */
export interface DialRules {
  /** Redirects followed at most per attempt; 0 returns the 3xx as an `ApiError`. */
  readonly maxRedirects: number;
  /** Throws when the client must not dial `url`; returns its origin. */
  checkUrl(url: string): string;
  /** The headers for the hop from `from` to `to`. */
  hopHeaders(headers: Record<string, string>, from: string, to: string): Record<string, string>;
  /** An error body as the client may keep it (its secrets redacted). */
  scrub(text: string, headers: Record<string, string>): string;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
// Headers that describe a body, dropped with it (as fetch does).
const BODY_HEADERS = new Set(['content-type', 'content-length', 'content-encoding', 'content-language', 'content-location']);

const isStream = (body: unknown): boolean => typeof ReadableStream === 'function' && body instanceof ReadableStream;

/** `url` without query and fragment, redacted: for messages. */
const shown = (url: string) => redactUrl(url).replace(/[?#].*$/s, '');

/** True when `res` is a redirect statewire follows (a 301/302/303/307/308 with a Location). */
export function isRedirect(res: TransportResponse): boolean {
  return REDIRECTS.has(res.status) && res.headers.location !== undefined;
}

/**
 * Follows the redirect `res` (the answer to `req`, sent at `started`) and the
 * ones after it, up to `rules.maxRedirects`: 303 (and 301/302 after a POST)
 * becomes a GET without its body, 307/308 keep method and body, a hop to
 * another origin loses the credential headers, and each hop's URL is checked
 * before it is dialled. Past the limit, or with `maxRedirects: 0`, the 3xx is
 * thrown as an `ApiError` carrying its `location`. The attempt's timeout
 * covers the whole chain.
 *
 * @example
 * ```ts
 * let res = await transport.request(req);
 * if (isRedirect(res)) res = await followRedirects(transport, req, res, guard, started);
 * ```
 */
export async function followRedirects(
  transport: HttpTransport,
  req: TransportRequest,
  res: TransportResponse,
  rules: DialRules,
  started: number,
  now: () => number = Date.now,
): Promise<TransportResponse> {
  let current = req;
  for (let hops = 1; ; hops++) {
    const location = res.headers.location;
    if (!REDIRECTS.has(res.status) || location === undefined) return res;
    let next: string;
    try {
      next = new URL(location, current.url).href;
    } catch {
      throw redirectError(res, current, rules, location, `redirect to an invalid Location ${JSON.stringify(shown(location))}`);
    }
    if (rules.maxRedirects === 0) {
      throw redirectError(res, current, rules, next, `redirect to ${shown(next)} not followed (maxRedirects: 0)`);
    }
    if (hops > rules.maxRedirects) {
      throw redirectError(res, current, rules, next, `too many redirects: a chain of ${hops} redirects exceeds maxRedirects ${rules.maxRedirects} (last to ${shown(next)})`);
    }
    rules.checkUrl(next);
    const toGet = res.status === 303 ? current.method !== 'HEAD' : (res.status === 301 || res.status === 302) && current.method === 'POST';
    let headers = rules.hopHeaders(current.headers, current.url, next);
    if (toGet) headers = withoutBodyHeaders(headers);
    else if (isStream(current.body)) {
      // As fetch: a stream is read once, so a 307/308 that needs the body again cannot be followed.
      throw redirectError(res, current, rules, next, `redirect ${res.status} to ${shown(next)} would send the body again, but a stream body is sent once`);
    }
    const left = req.timeout > 0 ? Math.max(1, req.timeout - (now() - started)) : 0;
    current = { ...current, url: next, headers, timeout: left, method: toGet ? 'GET' : current.method, body: toGet ? undefined : current.body };
    res = await transport.request(current);
  }
}

function withoutBodyHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of Object.keys(headers)) if (!BODY_HEADERS.has(name.toLowerCase())) out[name] = headers[name]!;
  return out;
}

function redirectError(res: TransportResponse, req: TransportRequest, rules: DialRules, location: string, reason: string): ApiError {
  const body = parseErrorBody(res.headers, rules.scrub(res.body, req.headers));
  return new ApiError(res.status, body, { url: redactUrl(req.url), method: req.method, reason, location: redactUrl(location) });
}
