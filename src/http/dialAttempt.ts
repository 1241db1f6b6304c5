/**
 * One attempt of one request as the engine sees it: redirects followed under
 * the client's rules, and an error response's body scrubbed of the client's
 * secrets before any error can keep it.
 *
 * @module
 */
import type { HttpTransport, TransportRequest, TransportResponse } from '../transports/http/HttpTransport.js';
import { isSensitiveHeader } from '../security/redact.js';
import { followRedirects, isRedirect, type DialRules } from './followRedirects.js';

/**
 * The rules a client without an origin guard gets: redirects as got follows
 * them (10), every URL allowed, credential headers dropped on a hop to another
 * origin, error bodies kept as they are.
 */
export const DEFAULT_DIAL_RULES: DialRules = {
  maxRedirects: 10,
  checkUrl: (url) => new URL(url).origin,
  hopHeaders: (headers, from, to) => {
    if (new URL(from).origin === new URL(to).origin) return headers;
    const out: Record<string, string> = {};
    for (const name of Object.keys(headers)) if (!isSensitiveHeader(name)) out[name] = headers[name]!;
    return out;
  },
  scrub: (text) => text,
};

/**
 * Sends `req` through `transport`, following redirects under `rules` (a
 * transport that follows them itself, a browser's fetch, is told
 * `redirect: 'error'` for `maxRedirects: 0`); a response of 400 or more comes
 * back with its body passed through `rules.scrub`. A plain answer costs one
 * status check.
 *
 * @example
 * ```ts
 * const res = await dialAttempt(transport, { method: 'GET', url, headers, timeout: 5000, maxResponseBytes: 1 << 20 }, guard);
 * ```
 */
export async function dialAttempt(transport: HttpTransport, req: TransportRequest, rules: DialRules = DEFAULT_DIAL_RULES): Promise<TransportResponse> {
  let res: TransportResponse;
  if (transport.followsRedirects === true) {
    res = await transport.request(rules.maxRedirects === 0 ? { ...req, redirect: 'error' } : req);
  } else {
    const started = Date.now();
    res = await transport.request(req);
    if (isRedirect(res)) res = await followRedirects(transport, req, res, rules, started);
  }
  if (res.status < 400 || res.body === '') return res;
  return { status: res.status, headers: res.headers, body: rules.scrub(res.body, req.headers) };
}
