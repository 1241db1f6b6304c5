/**
 * The test oracle for incoming-message decoding: what `decodeValue` (src/websocket)
 * and `parseValue` (src/messages) must return, written independently of them, plus
 * the `parseError` a failed parse carries. Test-only: src/ has the hot-path twins.
 *
 * @example
 * ```ts
 * expect(decodeValue(frame, false, 'auto')).toEqual(decodeMessage(frame, false, 'auto').value);
 * ```
 */
import type { MessageParse } from '../../src/runtime/parseText.js';
import type { RawMessageData } from '../../src/websocket/decodeMessage.js';

export interface DecodedMessage {
  value: unknown;
  parseError?: Error;
}

/** Parses `text` per `parse`; a failure returns the text as `value` and the error as `parseError`. */
export function parseText(text: string, parse: MessageParse): DecodedMessage {
  // 'auto' parses only what opens with {, [ or " after JSON whitespace.
  if (parse === 'text' || (parse === 'auto' && !/^[ \t\r\n]*[{["]/.test(text))) return { value: text };
  try {
    return { value: typeof parse === 'function' ? parse(text) : JSON.parse(text) };
  } catch (e) {
    return { value: text, parseError: e instanceof Error ? e : new Error(String(e)) };
  }
}

/** Binary frames as they are (fragments joined), text frames decoded as UTF-8 and parsed. */
export function decodeMessage(data: RawMessageData, isBinary: boolean, parse: MessageParse): DecodedMessage {
  if (isBinary && typeof data !== 'string') return { value: Array.isArray(data) ? Buffer.concat(data) : data };
  const text =
    typeof data === 'string'
      ? data
      : Array.isArray(data)
        ? Buffer.concat(data).toString('utf8')
        : Buffer.from(data as ArrayBuffer).toString('utf8');
  return parseText(text, parse);
}
