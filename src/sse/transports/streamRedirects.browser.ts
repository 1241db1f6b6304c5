import type { RedirectRules, StreamRequest } from './streamRedirects.js';

export type { RedirectRules, StreamRequest } from './streamRedirects.js';

/**
 * The browser build's `streamRedirects`: browsers follow redirects themselves
 * (a manual redirect is opaque there) and keep credentials to their origin, so
 * there are no rules to carry.
 */
export function streamRedirectRules(_options?: unknown): RedirectRules | undefined {
  return undefined;
}

/** A plain GET; the browser follows redirects. */
export async function fetchStream(
  fetchImpl: typeof fetch,
  url: string,
  request: StreamRequest,
  _rules?: RedirectRules,
  _refused?: (error: unknown) => void,
): Promise<{ response: Response; url: string }> {
  return { response: await fetchImpl(url, { ...request, method: 'GET', redirect: 'follow' }), url };
}
