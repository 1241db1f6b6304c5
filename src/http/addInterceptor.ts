import { ConfigError } from '../errors.js';

/**
 * Appends an interceptor to a client's list (refusing a non-function at once,
 * not at the first call) and returns the function that removes it again.
 *
 * @example
 * ```ts
 * const remove = addInterceptor(this.requestInterceptors, interceptor);
 * remove(); // gone; a second call does nothing
 * ```
 */
export function addInterceptor<T>(list: T[], item: T): () => void {
  if (typeof item !== 'function') throw new ConfigError('interceptor', item, 'expected a function');
  list.push(item);
  return () => {
    const i = list.indexOf(item);
    if (i >= 0) list.splice(i, 1);
  };
}
