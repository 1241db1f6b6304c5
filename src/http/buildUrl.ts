import { ConfigError } from '../errors.js';
import { redactUrl } from '../security/redact.js';

const ABSOLUTE = /^[a-z][a-z\d+.-]*:\/\//i;

/**
 * Joins `baseURL` and a request path the way axios and ky do (a base path is
 * kept: `http://h/api` + `/users` → `http://h/api/users`), appends `params`, and
 * checks the result parses. Returns the URL and the path for statistics.
 *
 * @example
 * ```ts
 * buildUrl('http://127.0.0.1:8000/api', '/users', { page: 2 }); // { url: 'http://127.0.0.1:8000/api/users?page=2', endpoint: '/api/users' }
 * ```
 */
export function buildUrl(
  baseURL: string,
  path: string,
  params?: Record<string, string | number | boolean | undefined>,
): { url: string; endpoint: string } {
  if (typeof path !== 'string') throw new ConfigError('url', path, 'expected a string path or absolute URL');
  const memoKey = params ? undefined : `${baseURL}\n${path}`;
  if (memoKey !== undefined) {
    const hit = memo.get(memoKey);
    if (hit) return hit;
  }
  let url = ABSOLUTE.test(path) || baseURL === '' ? path : `${baseURL.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
  if (params) {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(params)) if (value !== undefined) query.append(key, String(value));
    const text = query.toString();
    if (text) url += (url.includes('?') ? '&' : '?') + text;
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
