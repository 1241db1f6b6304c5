/**
 * Moves `user:pass@` out of a URL into an `Authorization: Basic` value. fetch
 * refuses such URLs and undici silently drops the credentials; this way both
 * transports send them, and the URL that is shown and logged carries none.
 *
 * @example
 * ```ts
 * splitCredentials('http://ann:pw@127.0.0.1:8000/api');
 * // { url: 'http://127.0.0.1:8000/api', authorization: 'Basic YW5uOnB3' }
 * ```
 */
export function splitCredentials(url: string): { url: string; authorization?: string } {
  const parsed = new URL(url);
  if (parsed.username === '' && parsed.password === '') return { url };
  const user = decodeURIComponent(parsed.username);
  const pass = decodeURIComponent(parsed.password);
  // Cut the user-info out of the string itself, keeping the caller's spelling otherwise.
  const clean = url.replace(/^([a-z][a-z\d+.-]*:\/\/)[^@/?#]*@/i, '$1');
  const bytes = new TextEncoder().encode(`${user}:${pass}`);
  return { url: clean, authorization: `Basic ${btoa(String.fromCharCode(...bytes))}` };
}
