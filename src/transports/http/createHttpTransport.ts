import type { HttpTransport, TransportOptions } from './HttpTransport.js';
import { FetchTransport } from './FetchTransport.js';
import { ConfigError } from '../../errors.js';

/** `'undici'`, `'fetch'`, `'auto'` (undici in Node, fetch elsewhere) or your own transport. */
export type TransportChoice = 'auto' | 'undici' | 'fetch' | HttpTransport;

const isNode = () => typeof process !== 'undefined' && typeof process.versions?.node === 'string';

/**
 * Picks the transport. undici is loaded only when chosen, so a browser bundle
 * never pulls it in; the returned promise settles once it is ready.
 *
 * @example
 * ```ts
 * const transport = await createHttpTransport('auto', { connections: 64 });
 * ```
 */
export async function createHttpTransport(choice: TransportChoice = 'auto', options: TransportOptions = {}): Promise<HttpTransport> {
  if (typeof choice === 'object' && choice !== null && typeof choice.request === 'function') return choice;
  if (choice === 'fetch' || (choice === 'auto' && !isNode())) return new FetchTransport(options);
  if (choice === 'undici' || choice === 'auto') {
    const { UndiciTransport } = await import('./UndiciTransport.js');
    return new UndiciTransport(options);
  }
  throw new ConfigError('transport', choice, "expected 'auto', 'undici', 'fetch' or an object with request() and close()");
}
