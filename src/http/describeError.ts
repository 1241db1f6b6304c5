/**
 * `Name: message` of an error (any thrown value), for the machine's `reason` fields.
 *
 * @example
 * ```ts
 * describeError(new TypeError('bad')); // 'TypeError: bad'
 * ```
 */
export function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
