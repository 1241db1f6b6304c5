import type { HttpTransport, TransportOptions } from './HttpTransport.js';
import { FetchTransport } from './FetchTransport.js';
import { ConfigError } from '../../errors.js';
import { loadUndiciTransport } from './loadUndiciTransport.js';

/** `'undici'`, `'fetch'`, `'auto'` (undici in Node, fetch elsewhere) or your own transport. */
export type TransportChoice = 'auto' | 'undici' | 'fetch' | HttpTransport;

const isNode = () => typeof process !== 'undefined' && typeof process.versions?.node === 'string';

/**
 * Picks the transport. undici is loaded only when chosen; the browser build has
 * no undici at all (`loadUndiciTransport` is undefined there, through the package's
 * `browser` export condition). The returned promise settles once it is ready.
 *
 * @example
 * ```ts
 * const transport = await createHttpTransport('auto', { connections: 64 });
 * ```
 */
export async function createHttpTransport(choice: TransportChoice = 'auto', options: TransportOptions = {}): Promise<HttpTransport> {
  if (typeof choice === 'object' && choice !== null && typeof choice.request === 'function') return choice;
  if (choice === 'fetch' || (choice === 'auto' && (!isNode() || loadUndiciTransport === undefined))) return new FetchTransport(options);
  if (choice === 'undici' || choice === 'auto') {
    if (loadUndiciTransport === undefined) throw new ConfigError('transport', choice, "undici runs only in Node: use 'fetch' or 'auto' in a browser");
    const { UndiciTransport } = await loadUndiciTransport();
    return new UndiciTransport(options);
  }
  throw new ConfigError('transport', choice, "expected 'auto', 'undici', 'fetch' or an object with request() and close()");
}
