import { parseValue, type MessageParse } from '../runtime/parseText.js';

export type { MessageParse };

/** Frame data as `ws` (Buffer, ArrayBuffer, fragments) or a browser (string, ArrayBuffer) delivers it. */
export type RawMessageData = string | Buffer | ArrayBuffer | Buffer[];

// Created once: decoding is on the per-message path.
const utf8 = new TextDecoder('utf-8');
const hasBuffer = typeof Buffer === 'function';

function toText(data: Exclude<RawMessageData, string>): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  // Buffer#toString is Node's fast path; TextDecoder covers ArrayBuffer and plain views.
  // toString() without an encoding name skips Node's encoding lookup: this is per message.
  return hasBuffer && Buffer.isBuffer(data) ? data.toString() : utf8.decode(data);
}

/**
 * Decodes one incoming frame: binary frames come back as they are (Buffer or
 * ArrayBuffer; `ws` fragments concatenated into one Buffer); text frames are
 * decoded as UTF-8 and parsed according to `parse`, the text itself when parsing
 * fails. No result object per frame: this is the per-message path.
 *
 * @example
 * ```ts
 * socket.on('message', (data, isBinary) => handle(decodeValue(data as Buffer, isBinary, 'auto')));
 * ```
 */
export function decodeValue(data: RawMessageData, isBinary: boolean, parse: MessageParse): unknown {
  if (isBinary && typeof data !== 'string') return Array.isArray(data) ? Buffer.concat(data) : data;
  return parseValue(typeof data === 'string' ? data : toText(data), parse);
}
