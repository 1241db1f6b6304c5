/**
 * One attempt of one request as the engine sees it: redirects followed under
 * the client's rules, and an error response's body scrubbed of the client's
 * secrets before any error can keep it.
 *
 * @module
 */
import type { HttpTransport, TransportRequest, TransportResponse } from './transports/HttpTransport.js';
import { followRedirects, isRedirect, type DialRules } from './followRedirects.js';

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
export async function dialAttempt(transport: HttpTransport, req: TransportRequest, rules: DialRules): Promise<TransportResponse> {
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
