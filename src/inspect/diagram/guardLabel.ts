/**
 * How a transition's guard is written on a diagram: a named guard by its name,
 * a parameterised one as `name(params)`, XState's `and` / `or` / `not` / `stateIn`
 * combinators spelled out, an inline function as `inline`.
 */

/** XState's combinators are functions carrying their operands (`and.guards`, `stateIn.stateValue`). */
interface GuardFunction {
  (...args: never[]): unknown;
  guards?: unknown[];
  stateValue?: unknown;
}

/** `{ status: 'ready' }` → `status=ready`; a primitive as itself. */
function paramsLabel(params: unknown): string {
  if (params === null || typeof params !== 'object') return String(params);
  if (Array.isArray(params)) return params.map(paramsLabel).join(', ');
  return Object.entries(params as Record<string, unknown>)
    .map(([key, value]) => `${key}=${paramsLabel(value)}`)
    .join(', ');
}

/**
 * The guard's label, or `undefined` when the transition has none.
 *
 * @example
 * ```ts
 * guardLabel('shouldTrip'); // 'shouldTrip'
 * guardLabel({ type: 'leadsTo', params: { status: 'ready' } }); // 'leadsTo(status=ready)'
 * guardLabel(not('isOffline')); // 'not(isOffline)'
 * ```
 */
export function guardLabel(guard: unknown): string | undefined {
  if (guard === undefined || guard === null) return undefined;
  if (typeof guard === 'string') return guard;
  if (typeof guard === 'function') {
    const fn = guard as GuardFunction;
    if (fn.name === 'stateIn' && 'stateValue' in fn) return `stateIn(${paramsLabel(fn.stateValue)})`;
    if ((fn.name === 'and' || fn.name === 'or' || fn.name === 'not') && Array.isArray(fn.guards)) {
      return `${fn.name}(${fn.guards.map((g) => guardLabel(g) ?? 'inline').join(', ')})`;
    }
    // An arrow function written as `guard: (…) => …` is named after the property: it has no name of its own.
    return fn.name && fn.name !== 'guard' ? fn.name : 'inline';
  }
  if (typeof guard === 'object' && typeof (guard as { type?: unknown }).type === 'string') {
    const { type, params } = guard as { type: string; params?: unknown };
    return params === undefined || typeof params === 'function' ? type : `${type}(${paramsLabel(params)})`;
  }
  return 'inline';
}
