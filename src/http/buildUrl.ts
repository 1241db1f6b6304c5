import { ConfigError } from '../errors.js';
import { redactUrl } from '../security/redact.js';

const ABSOLUTE = /^[a-z][a-z\d+.-]*:\/\//i;

/**
 * A scalar query value; `undefined` is left out.
 *
 * @inline
 */
type ParamValue = string | number | boolean | undefined;

/**
 * Query parameters: a record whose values may be arrays (`{ a: [1, 2] }` →
 * `a=1&a=2`, as repeated `URLSearchParams.append` gives), a `URLSearchParams`,
 * or a list of pairs.
 */
export type QueryParams = Record<string, ParamValue | null | readonly ParamValue[]> | URLSearchParams | ReadonlyArray<readonly [string, string]>;

/** Splits `http://h/api?x=1#f` into `http://h/api` and `x=1` (the fragment goes). */
function splitQuery(url: string): { path: string; query: string } {
  const hash = url.indexOf('#');
  const noHash = hash >= 0 ? url.slice(0, hash) : url;
  const q = noHash.indexOf('?');
  return q >= 0 ? { path: noHash.slice(0, q), query: noHash.slice(q + 1) } : { path: noHash, query: '' };
}

function queryText(params: QueryParams): string {
  if (params instanceof URLSearchParams || Array.isArray(params)) return new URLSearchParams(params as URLSearchParams).toString();
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params as Record<string, unknown>)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) {
      for (const item of value) if (item !== undefined) query.append(key, String(item));
    } else query.append(key, String(value));
  }
  return query.toString();
}

/**
 * `path` joined to the path of `baseURL`, with no query at all (the base's
 * query and fragment are dropped): `http://h/api?token=t` + `/health` →
 * `http://h/api/health`. For health checks.
 *
 * @example
 * ```ts
 * joinPath('http://127.0.0.1:8000/api?token=t&v=2', '/health'); // 'http://127.0.0.1:8000/api/health'
 * ```
 */
export function joinPath(baseURL: string, path: string): string {
  return `${splitQuery(baseURL).path.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

/**
 * Joins `baseURL` and a request path the way axios and ky do (a base path is
 * kept: `http://h/api` + `/users` → `http://h/api/users`), keeps the base's
 * query (`http://h/api?v=2` + `/users?x=1` → `http://h/api/users?v=2&x=1`),
 * appends `params`, and checks the result parses. An absolute URL (a string or
 * a `URL`) is taken as it is. Returns the URL and the path for statistics.
 *
 * @example
 * ```ts
 * buildUrl('http://127.0.0.1:8000/api', '/users', { page: 2 }); // { url: 'http://127.0.0.1:8000/api/users?page=2', endpoint: '/api/users' }
 * ```
 */
export function buildUrl(baseURL: string, path: string | URL, params?: QueryParams): { url: string; endpoint: string } {
  if (typeof URL !== 'undefined' && path instanceof URL) path = path.href;
  if (typeof path !== 'string') throw new ConfigError('url', path, 'expected a string path, an absolute URL or a URL object');
  const memoKey = params ? undefined : `${baseURL}\n${path}`;
  if (memoKey !== undefined) {
    const hit = memo.get(memoKey);
    if (hit) return hit;
  }
  const absolute = ABSOLUTE.test(path) || baseURL === '';
  let url: string;
  if (absolute) url = path;
  else if (!baseURL.includes('?') && !baseURL.includes('#')) url = `${baseURL.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
  else {
    const base = splitQuery(baseURL);
    url = `${base.path.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
    if (base.query !== '') {
      const own = url.indexOf('?');
      url = own >= 0 ? `${url.slice(0, own)}?${base.query}&${url.slice(own + 1)}` : `${url}?${base.query}`;
    }
  }
  if (params) {
    const text = queryText(params);
    if (text) {
      const hash = url.indexOf('#');
      const [head, tail] = hash >= 0 ? [url.slice(0, hash), url.slice(hash)] : [url, ''];
      url = head + (head.includes('?') ? '&' : '?') + text + tail;
    }
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (cause) {
    throw new ConfigError('url', redactUrl(url), 'could not be parsed as a URL', { cause });
  }
  const result = { url, endpoint: parsed.pathname };
  if (memoKey !== undefined) {
    if (memo.size >= 1024) memo.clear();
    memo.set(memoKey, result);
  }
  return result;
}

const memo = new Map<string, { url: string; endpoint: string }>();
