import { ApiError, ValidationError } from '../errors.js';

/** A request body ready for the wire, with the content type it implies. */
export interface SerializedBody {
  body: string | Uint8Array | undefined;
  contentType: string | undefined;
}

/**
 * Objects and arrays become JSON; strings, bytes and form params pass as they
 * are. A body JSON cannot represent (a cycle, a BigInt) is refused with a
 * `ValidationError` before anything is sent.
 *
 * @example
 * ```ts
 * serializeBody({ name: 'John' }); // { body: '{"name":"John"}', contentType: 'application/json' }
 * ```
 */
export function serializeBody(data: unknown): SerializedBody {
  if (data === undefined || data === null) return { body: undefined, contentType: undefined };
  if (typeof data === 'string') return { body: data, contentType: 'text/plain;charset=UTF-8' };
  if (data instanceof Uint8Array) return { body: data, contentType: 'application/octet-stream' };
  if (data instanceof ArrayBuffer) return { body: new Uint8Array(data), contentType: 'application/octet-stream' };
  if (data instanceof URLSearchParams) return { body: data.toString(), contentType: 'application/x-www-form-urlencoded;charset=UTF-8' };
  if (typeof data === 'object' || typeof data === 'number' || typeof data === 'boolean') {
    try {
      return { body: JSON.stringify(data), contentType: 'application/json' };
    } catch (error) {
      throw new ValidationError('body', `request body cannot be serialised as JSON: ${(error as Error).message}`, { cause: error });
    }
  }
  throw new ValidationError('body', `unsupported request body type: ${typeof data}`);
}

const isJson = (contentType: string | undefined) =>
  contentType !== undefined && /^application\/(?:[\w.+-]+\+)?json\b/i.test(contentType);

/**
 * The response body as the caller sees it: parsed JSON when the content type
 * says JSON, else the text. JSON that does not parse is an `ApiError` carrying
 * the raw text, never a silent string. `redact` cleans the URL only when an
 * error is built, so a success pays nothing for it.
 *
 * @example
 * ```ts
 * parseBody(200, { 'content-type': 'application/json' }, '{"ok":true}', 'GET', url, redactUrl); // { ok: true }
 * ```
 */
export function parseBody(status: number, headers: Record<string, string>, text: string, method: string, url: string, redact: (url: string) => string): unknown {
  if (!isJson(headers['content-type'])) return text;
  if (text === '') return null;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ApiError(status, text, { url: redact(url), method, reason: `response claims JSON but does not parse (${(error as Error).message})` });
  }
}

/** Like `parseBody`, for an error response: malformed JSON there is kept as text. */
export function parseErrorBody(headers: Record<string, string>, text: string): unknown {
  if (!isJson(headers['content-type']) || text === '') return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
