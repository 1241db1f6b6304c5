/**
 * How per-endpoint statistics (`getRateLimiterStats().byEndpoint`) stay bounded
 * when paths carry ids, such as `/users/<id>`:
 *
 * 1. The key is a route template: a path segment that looks like an id (all
 *    digits, a UUID, 16+ hex digits, or a 20+ character token with a digit) is
 *    replaced by `:id`, so `/users/42` and `/users/43` both count as
 *    `/users/:id`. Paths without a digit are kept as they are (no work on the
 *    common path).
 * 2. At most {@link MAX_ENDPOINT_KEYS} distinct keys are kept; requests to any
 *    further endpoint count under {@link OTHER_ENDPOINT} (`other`), so even ids
 *    that do not look like ids (`/users/alice`) cannot grow memory.
 * 3. A key is at most {@link MAX_ENDPOINT_KEY_LENGTH} characters.
 *
 * @example
 * ```ts
 * endpointKey('/users/42/posts/7');                              // '/users/:id/posts/:id'
 * endpointKey('/orders/3f2504e0-4f89-11d3-9a0c-0305e82c3301');   // '/orders/:id'
 * endpointKey('/v2/items');                                      // '/v2/items'
 * ```
 */
export function endpointKey(path: string): string {
  if (!HAS_DIGIT.test(path)) return cap(path);
  const segments = path.split('/');
  for (let i = 0; i < segments.length; i++) if (ID_SEGMENT.test(segments[i]!)) segments[i] = ':id';
  return cap(segments.join('/'));
}

/** The most distinct endpoint keys kept in statistics; the rest count as {@link OTHER_ENDPOINT}. */
export const MAX_ENDPOINT_KEYS = 256;
/** The key requests to endpoints beyond {@link MAX_ENDPOINT_KEYS} count under. */
export const OTHER_ENDPOINT = 'other';
/** The longest endpoint key kept (longer ones are cut). */
export const MAX_ENDPOINT_KEY_LENGTH = 200;

const HAS_DIGIT = /\d/;
const ID_SEGMENT = /^(?:\d+|[\da-f]{8}-[\da-f]{4}-[\da-f]{4}-[\da-f]{4}-[\da-f]{12}|[\da-f]{16,}|(?=[^/]*\d)[\w.~-]{20,})$/i;

function cap(key: string): string {
  return key.length <= MAX_ENDPOINT_KEY_LENGTH ? key : key.slice(0, MAX_ENDPOINT_KEY_LENGTH);
}
