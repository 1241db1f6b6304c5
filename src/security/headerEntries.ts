/**
 * Normalises every header shape statewire meets into a list of name/value
 * pairs (internal; not part of the public API).
 *
 * @module
 */

/**
 * Headers in any of the shapes fetch, Node and undici use: a plain object
 * (values may be arrays or numbers, as in Node's `IncomingHttpHeaders`), a
 * `Headers` instance or any iterable of pairs, or undici's raw flat list
 * `['name', 'value', 'name', 'value', …]`.
 *
 * @example
 * ```ts
 * const h: HeadersInput = ['Authorization', 'Bearer x', 'Accept', '*\/*'];
 * ```
 */
export type HeadersInput =
  | Readonly<Record<string, string | readonly string[] | number | null | undefined>>
  | Headers
  | Iterable<readonly [string, string]>
  | readonly string[];

/**
 * Returns the headers as `[name, value]` pairs; array values become one pair
 * each, `null`/`undefined` values are dropped, and anything that is not a
 * header collection yields `[]` (never throws on odd input).
 *
 * @example
 * ```ts
 * headerEntries({ Accept: 'a', 'Set-Cookie': ['x=1', 'y=2'] });
 * // [['Accept', 'a'], ['Set-Cookie', 'x=1'], ['Set-Cookie', 'y=2']]
 * ```
 */
export function headerEntries(headers: HeadersInput | null | undefined): Array<[string, string]> {
  if (typeof headers !== 'object' || headers === null) return [];
  const out: Array<[string, string]> = [];
  if (Array.isArray(headers)) {
    // undici's raw list is flat; an array of pairs has arrays as items.
    if (headers.length > 0 && !Array.isArray(headers[0])) {
      for (let i = 0; i + 1 < headers.length; i += 2) out.push([String(headers[i]), String(headers[i + 1])]);
      return out;
    }
  }
  if (Symbol.iterator in headers) {
    for (const pair of headers as Iterable<unknown>) {
      if (Array.isArray(pair) && pair.length >= 2) out.push([String(pair[0]), String(pair[1])]);
    }
    return out;
  }
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) for (const v of value) out.push([name, String(v)]);
    else out.push([name, String(value)]);
  }
  return out;
}
