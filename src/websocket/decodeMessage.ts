/**
 * How text frames are decoded: `'auto'` parses only what looks like JSON (first
 * non-whitespace character `{`, `[` or `"`), `'json'` parses every frame,
 * `'text'` never parses, a function parses however it likes.
 *
 * @example const parse: MessageParse = (text) => text.split(',');
 */
export type MessageParse = 'auto' | 'json' | 'text' | ((text: string) => unknown);

/**
 * What {@link decodeMessage} returns. When parsing failed, `value` is the raw
 * text and `parseError` says why, so the caller can still deliver and report it.
 *
 * @example
 * ```ts
 * const { value, parseError } = decodeMessage('{oops', false, 'json');
 * if (parseError) emit({ type: 'error', error: parseError }); // value === '{oops'
 * ```
 */
export interface DecodedMessage {
  value: unknown;
  parseError?: Error;
}

/** Frame data as `ws` (Buffer, ArrayBuffer, fragments) or a browser (string, ArrayBuffer) delivers it. */
export type RawMessageData = string | Buffer | ArrayBuffer | Buffer[];

// Created once: decoding is on the per-message path.
const utf8 = new TextDecoder('utf-8');
const hasBuffer = typeof Buffer === 'function';

/** True when the first non-whitespace character opens a JSON object, array or string. */
function looksLikeJson(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // JSON whitespace: space, tab, LF, CR.
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) continue;
    return c === 0x7b /* { */ || c === 0x5b /* [ */ || c === 0x22 /* " */;
  }
  return false;
}

function toText(data: Exclude<RawMessageData, string>): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  // Buffer#toString is Node's fast path; TextDecoder covers ArrayBuffer and plain views.
  // toString() without an encoding name skips Node's encoding lookup: this is per message.
  return hasBuffer && Buffer.isBuffer(data) ? data.toString() : utf8.decode(data);
}

function asError(e: unknown): Error {
  return e instanceof Error ? e : new Error(String(e));
}

/**
 * Decodes one incoming frame. Binary frames come back as they are (Buffer or
 * ArrayBuffer; `ws` fragments concatenated into one Buffer); text frames are
 * decoded as UTF-8 and parsed according to `parse`. Never throws for bad
 * input: a parse failure is returned as `parseError` with the text as `value`.
 * `'auto'` avoids a try/catch `JSON.parse` on every frame, which halves throughput.
 *
 * @example
 * ```ts
 * ws.on('message', (data, isBinary) => {
 *   const { value, parseError } = decodeMessage(data as Buffer, isBinary, 'auto');
 *   // '{"a":1}' → { a: 1 };  'hello' → 'hello';  binary → Buffer
 * });
 * ```
 */
export function decodeMessage(data: RawMessageData, isBinary: boolean, parse: MessageParse): DecodedMessage {
  if (isBinary && typeof data !== 'string') return { value: Array.isArray(data) ? Buffer.concat(data) : data };
  const text = typeof data === 'string' ? data : toText(data);
  if (parse === 'text' || (parse === 'auto' && !looksLikeJson(text))) return { value: text };
  try {
    return { value: typeof parse === 'function' ? parse(text) : JSON.parse(text) };
  } catch (e) {
    return { value: text, parseError: asError(e) };
  }
}
