import { wireByteLength, type WireData } from './OutboundQueue.js';

const hasBuffer = typeof Buffer === 'function';

/**
 * Bytes of a frame: Buffer.byteLength in Node (fast, native), the portable count elsewhere.
 *
 * @example byteLength('héllo'); // 6
 */
export function byteLength(data: WireData): number {
  return typeof data === 'string' ? (hasBuffer ? Buffer.byteLength(data) : wireByteLength(data)) : (data as ArrayBufferView | ArrayBuffer).byteLength;
}
