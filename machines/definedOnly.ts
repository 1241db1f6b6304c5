/**
 * A copy of `o` without its `undefined` properties, so spreading it over
 * defaults keeps the defaults.
 *
 * @example
 * ```ts
 * ({ a: 1, b: 2, ...definedOnly({ a: undefined, b: 3 }) }); // { a: 1, b: 3 }
 * ```
 */
export function definedOnly<T extends object>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const key of Object.keys(o) as Array<keyof T>) if (o[key] !== undefined) out[key] = o[key];
  return out;
}
