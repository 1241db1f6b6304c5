/**
 * The independent expectation of an HTTP call: from the client's documented
 * retry contract (retried: timeouts, network errors and `retryStatusCodes`, only
 * for `retryMethods`, at most `retries` times; never another 4xx), what the call
 * resolves or rejects with and how many requests the server sees.
 */

/** How the server answers one attempt. */
export type HttpFault = 'ok' | 'slow' | 'redirect' | 'badRequest' | 'notFound' | 'serverError' | 'unavailable' | 'tooMany' | 'badGateway' | 'hang' | 'reset';

/** One call of a runtime HTTP test: its method and how the server answers its attempts (then 200). */
export interface HttpCallAction {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  faults: HttpFault[];
}

/** The client's retry contract the model predicts from (the defaults are `ApiClient`'s). */
export interface HttpContract {
  /** @default 2 */
  retries?: number;
  /** @default [408, 429, 500, 502, 503, 504] */
  retryStatusCodes?: number[];
  /** @default ['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE'] */
  retryMethods?: string[];
}

/** What a call is expected to do, or was seen to do. */
export interface HttpOutcome {
  /** `'data'` (resolved), or the error kind it rejected with. */
  kind: 'data' | 'ApiError' | 'TimeoutError' | 'NetworkError' | 'other';
  /** The status of an ApiError. */
  status?: number;
  /** The attempt whose answer a resolved call returned (0-based). */
  attempt?: number;
  /** Requests the server saw for the call (a followed redirect counts its second request). */
  requests: number;
}

/** The status each fault answers with (undefined: no answer). */
export const FAULT_STATUS: Record<HttpFault, number | undefined> = {
  ok: 200,
  slow: 200,
  redirect: 302,
  badRequest: 400,
  notFound: 404,
  serverError: 500,
  unavailable: 503,
  tooMany: 429,
  badGateway: 502,
  hang: undefined,
  reset: undefined,
};

/** The model: what `action` must do under `contract`. */
export function expectedHttpOutcome(action: HttpCallAction, contract: HttpContract = {}): HttpOutcome {
  const retries = contract.retries ?? 2;
  const retryStatus = new Set(contract.retryStatusCodes ?? [408, 429, 500, 502, 503, 504]);
  const retryable = (contract.retryMethods ?? ['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']).map((m) => m.toUpperCase()).includes(action.method);
  let requests = 0;
  for (let attempt = 0; ; attempt++) {
    const fault = action.faults[attempt] ?? 'ok';
    requests += fault === 'redirect' ? 2 : 1;
    const status = FAULT_STATUS[fault];
    if (status !== undefined && status < 400) return { kind: 'data', attempt, requests };
    const again = retryable && attempt < retries && (status === undefined || retryStatus.has(status));
    if (again) continue;
    if (fault === 'hang') return { kind: 'TimeoutError', requests };
    if (fault === 'reset') return { kind: 'NetworkError', requests };
    return { kind: 'ApiError', status, requests };
  }
}

/** The oracle: how `seen` differs from `expected`, as sentences (empty: as the contract says). */
export function httpViolations(label: string, expected: HttpOutcome, seen: HttpOutcome & { data?: unknown; error?: string }): string[] {
  const out: string[] = [];
  const show = (o: HttpOutcome) => (o.kind === 'ApiError' ? `ApiError ${o.status}` : o.kind === 'data' ? `data of attempt ${o.attempt}` : o.kind);
  if (seen.kind !== expected.kind || seen.status !== expected.status || seen.attempt !== expected.attempt) {
    out.push(`${label}: expected ${show(expected)}, got ${show(seen)}${seen.error ? ` (${seen.error})` : ''}`);
  }
  if (seen.requests !== expected.requests) out.push(`${label}: expected ${expected.requests} request(s) at the server, saw ${seen.requests}`);
  return out;
}
