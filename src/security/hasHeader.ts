/**
 * Whether `headers` has a header named `lowerName`, whatever its case.
 *
 * @example
 * ```ts
 * hasHeader({ 'Content-Type': 'text/plain' }, 'content-type'); // true
 * ```
 */
export function hasHeader(headers: Record<string, string>, lowerName: string): boolean {
  for (const name in headers) if (name.toLowerCase() === lowerName) return true;
  return false;
}
