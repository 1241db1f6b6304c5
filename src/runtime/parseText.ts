/**
 * How incoming text (a WebSocket text frame, an SSE event's data) is decoded:
 * `'auto'` parses only what looks like JSON (first non-whitespace character `{`,
 * `[` or `"`), `'json'` parses everything, `'text'` never parses, a function
 * parses however it likes.
 *
 * @example const parse: MessageParse = (text) => text.split(',');
 */
export type MessageParse = 'auto' | 'json' | 'text' | ((text: string) => unknown);

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

/**
 * Parses text according to `parse`; the text itself when parsing fails. No
 * result object per message, and `'auto'` avoids a try/catch `JSON.parse` on
 * text that cannot be JSON, which halves WebSocket throughput.
 *
 * @example
 * ```ts
 * parseValue('{"a":1}', 'auto'); // { a: 1 }
 * parseValue('{oops', 'json');   // '{oops'
 * ```
 */
export function parseValue(text: string, parse: MessageParse): unknown {
  if (parse === 'text' || (parse === 'auto' && !looksLikeJson(text))) return text;
  try {
    return typeof parse === 'function' ? parse(text) : JSON.parse(text);
  } catch {
    return text;
  }
}
