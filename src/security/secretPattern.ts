/**
 * Builds the one regular expression that finds any of a set of secret values
 * (internal; not part of the public API).
 *
 * @module
 */

/**
 * Secrets shorter than this are ignored: redacting "ab" everywhere would shred every log line.
 *
 * @example
 * ```ts
 * secretPattern(['abc']); // null: shorter than MIN_SECRET_LENGTH
 * ```
 */
export const MIN_SECRET_LENGTH = 4;

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A global regex matching any secret of at least {@link MIN_SECRET_LENGTH}
 * characters, or `null` when there is none. Longer secrets are tried first so
 * a secret that contains another is replaced whole.
 *
 * @example
 * ```ts
 * 'key=abcd1234'.replace(secretPattern(['abcd1234'])!, '[REDACTED]'); // 'key=[REDACTED]'
 * ```
 */
export function secretPattern(secrets: Iterable<string>): RegExp | null {
  const unique = new Set<string>();
  for (const s of secrets) if (typeof s === 'string' && s.length >= MIN_SECRET_LENGTH) unique.add(s);
  if (unique.size === 0) return null;
  const sorted = [...unique].sort((a, b) => b.length - a.length);
  return new RegExp(sorted.map(escape).join('|'), 'g');
}
