/**
 * What `console.log(client)` and `util.inspect(client)` show: a one-line summary
 * with redacted values, instead of every field (tokens and URL passwords among them).
 *
 * @module
 */

/**
 * Node's `util.inspect.custom`, by its registered name, so that no `node:util`
 * import reaches a browser bundle.
 */
export const inspectCustom: unique symbol = Symbol.for('nodejs.util.inspect.custom') as never;

/**
 * Formats `Name { key: value, … }` from fields that are already safe to show
 * (redact them before passing them in). `undefined` fields are left out.
 *
 * @example
 * ```ts
 * class Client {
 *   [inspectCustom]() { return inspectSummary('ApiClient', { baseURL: redactUrl(this.baseURL), state: 'CLOSED' }); }
 * }
 * ```
 */
export function inspectSummary(name: string, fields: Record<string, string | number | boolean | undefined>): string {
  const parts: string[] = [];
  for (const key in fields) {
    const value = fields[key];
    if (value === undefined) continue;
    parts.push(`${key}: ${typeof value === 'string' ? JSON.stringify(value) : String(value)}`);
  }
  return `${name} { ${parts.join(', ')} }`;
}
