import { StatewireError } from '../errors.js';

type CryptoLike = { randomUUID?: () => string; getRandomValues?: <T extends Uint8Array>(array: T) => T };

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/**
 * A fresh request id: `crypto.randomUUID()`, or a version-4 UUID made from
 * `crypto.getRandomValues()` where `randomUUID` is missing (browsers on plain-http
 * pages offer only the latter). Read from `globalThis.crypto` at each call.
 *
 * @throws {StatewireError} when the runtime has neither (pass your own requestId then).
 * @example
 * ```ts
 * const id = newRequestId(); // '3b241101-e2bb-4255-8caf-4136c566a962'
 * ```
 */
export function newRequestId(): string {
  const crypto = (globalThis as { crypto?: CryptoLike }).crypto;
  if (typeof crypto?.randomUUID === 'function') return crypto.randomUUID();
  if (typeof crypto?.getRandomValues === 'function') {
    const b = crypto.getRandomValues(new Uint8Array(16));
    // RFC 9562: version 4 in the high nibble of byte 6, variant 10xx in byte 8.
    b[6] = (b[6]! & 0x0f) | 0x40;
    b[8] = (b[8]! & 0x3f) | 0x80;
    const h = Array.from(b, (x) => HEX[x]!);
    return `${h.slice(0, 4).join('')}-${h.slice(4, 6).join('')}-${h.slice(6, 8).join('')}-${h.slice(8, 10).join('')}-${h.slice(10).join('')}`;
  }
  // No weak fallback: an id that may collide would mix up two requests' answers.
  throw new StatewireError('Endpoint: this runtime has neither crypto.randomUUID nor crypto.getRandomValues; pass a requestId');
}
