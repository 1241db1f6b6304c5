/**
 * The stream's request in Node, with its redirects followed by statewire
 * rather than by fetch: every hop's target passes the rules the configured URL
 * passed (`securityLevel`, `encryption`: the construction-time `ConfigError`),
 * a hop to another origin drops the credential headers, and a chain longer
 * than `max` fails the attempt. The browser build replaces this file with
 * `streamRedirects.browser.ts` (browsers follow redirects themselves; a manual
 * redirect is opaque there).
 *
 * @module
 */
import type { SecurityLevel } from '../../config/enums.js';
import { NetworkError } from '../../errors.js';
import { checkDialUrl } from '../../security/dialUrl.js';
import { isSensitiveHeader, redactUrl } from '../../security/redact.js';

/** How redirects are followed: at most `max` hops, each target `check`ed (it throws to refuse), credentials kept to the origin. */
export interface RedirectRules {
  max: number;
  check(url: string): void;
  isCredential(headerName: string): boolean;
}

/** What one request of the stream sends. */
export interface StreamRequest {
  headers: Record<string, string>;
  signal?: AbortSignal;
  credentials?: RequestCredentials;
}

/** Redirects followed per attempt (got's default); more fail the attempt. */
const MAX_REDIRECTS = 10;
const REDIRECT = new Set([301, 302, 303, 307, 308]);

/**
 * The rules of an SSEConnection's redirects: the construction-time URL rules
 * for every target, and its credential headers (the ones redacted in logs:
 * Authorization, Cookie, X-API-Key, secret-looking names, `sensitiveHeaders`)
 * only to its own origin.
 *
 * @example
 * ```ts
 * const rules = streamRedirectRules({ securityLevel: SecurityLevel.MAXIMUM, encryption: true, sensitiveHeaders: [] });
 * ```
 */
export function streamRedirectRules(o: { securityLevel: SecurityLevel; encryption: boolean; sensitiveHeaders: readonly string[] }): RedirectRules | undefined {
  const rules = { protocols: ['http', 'https'], securityLevel: o.securityLevel, encryption: o.encryption, owner: 'SSEConnection' };
  return { max: MAX_REDIRECTS, check: (url) => void checkDialUrl(url, rules), isCredential: (name) => isSensitiveHeader(name, o.sensitiveHeaders) };
}

/**
 * GETs `url`, following redirects under `rules` (fetch follows them when
 * `rules` is undefined). Resolves with the final response and its URL; a chain
 * that fails rejects, after handing its error to `refused` (the refusal's
 * ConfigError, or a NetworkError for too many hops or an invalid Location).
 *
 * @example
 * ```ts
 * const { response } = await fetchStream(fetch, 'http://127.0.0.1:8080/events', { headers: {} }, rules, () => {});
 * ```
 */
export async function fetchStream(
  fetchImpl: typeof fetch,
  url: string,
  request: StreamRequest,
  rules: RedirectRules | undefined,
  refused: (error: unknown) => void,
): Promise<{ response: Response; url: string }> {
  let target = url;
  let headers = request.headers;
  for (let hop = 0; ; hop++) {
    const response = await fetchImpl(target, { ...request, method: 'GET', headers, redirect: rules === undefined ? 'follow' : 'manual' });
    const location = rules === undefined || !REDIRECT.has(response.status) ? null : response.headers.get('location');
    if (location === null) return { response, url: target };
    void response.body?.cancel().catch(() => {});
    const next = nextHop(target, location, hop, rules!, refused);
    // Credentials stay on the configured origin (what the redactor treats as secret is what is dropped).
    if (next.origin !== new URL(target).origin) headers = withoutCredentials(headers, rules!);
    target = next.href;
  }
}

/** The next hop's URL, or a thrown refusal (handed to `refused` first). */
function nextHop(from: string, location: string, hop: number, rules: RedirectRules, refused: (error: unknown) => void): URL {
  const refuse = (error: unknown): never => {
    refused(error);
    throw error;
  };
  const failed = (code: string, detail: string) => new NetworkError(code, redactUrl(from), true, { detail });
  if (hop >= rules.max) refuse(failed('SSE_TOO_MANY_REDIRECTS', `too many redirects (more than ${rules.max})`));
  let next: URL | undefined;
  try {
    next = new URL(location, from);
  } catch {
    refuse(failed('SSE_BAD_REDIRECT', 'the server redirected to an invalid URL'));
  }
  try {
    rules.check(next!.href);
  } catch (error) {
    refuse(error);
  }
  return next!;
}

function withoutCredentials(headers: Record<string, string>, rules: RedirectRules): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const name of Object.keys(headers)) if (!rules.isCredential(name)) kept[name] = headers[name]!;
  return kept;
}
