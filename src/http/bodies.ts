import { ApiError, ValidationError } from '../errors.js';
import { hasHeader } from '../security/hasHeader.js';

/**
 * A body as a transport sends it: text, bytes, or one of the web body types
 * `fetch` takes (a `FormData` is encoded as multipart with its boundary, a
 * `Blob` carries its own type, a `ReadableStream` is streamed).
 */
export type WireBody = string | Uint8Array | Blob | FormData | ReadableStream<Uint8Array>;

/** A request body ready for the wire, with the content type it implies. */
export interface SerializedBody {
  body: WireBody | undefined;
  /** Undefined when the transport decides (multipart boundary, a stream) or there is no body. */
  contentType: string | undefined;
}

const hasGlobal = (name: 'FormData' | 'Blob' | 'ReadableStream') => typeof globalThis[name] === 'function';

/** Arrays and objects whose prototype is `Object.prototype` or `null`. */
function isPlain(value: object): boolean {
  if (Array.isArray(value)) return true;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function typeName(value: object): string {
  return (value as { constructor?: { name?: string } }).constructor?.name || 'object';
}

/** Refuses, anywhere in the tree, an object JSON would turn into `{}` (a Map, a Set, a class instance without `toJSON`). */
function plainOnly(this: unknown, key: string, value: unknown): unknown {
  if (typeof value === 'object' && value !== null && !isPlain(value)) {
    throw new ValidationError('body', `request body${key === '' ? '' : ` field ${JSON.stringify(key)}`} is a ${typeName(value)}, which JSON cannot represent; send a plain object, an array, or give it toJSON()`);
  }
  return value;
}

/**
 * Turns a call's `data` into what goes on the wire, as `fetch` and ky send it:
 * plain objects, arrays, numbers and booleans become JSON; a string is text;
 * `ArrayBuffer` and any typed array or `DataView` are their bytes;
 * `URLSearchParams` is urlencoded; `FormData` is multipart (the transport sets
 * the boundary); a `Blob` is sent with its own type; a `ReadableStream` is
 * streamed (once: a call with a stream body is not retried). A body JSON would
 * lose or cannot represent (a `Map`, a `Set`, a class instance without
 * `toJSON`, a cycle, a BigInt) is a `ValidationError` before anything is sent.
 *
 * @example
 * ```ts
 * serializeBody({ name: 'John' }); // { body: '{"name":"John"}', contentType: 'application/json' }
 * serializeBody(new Map());        // throws ValidationError
 * ```
 */
export function serializeBody(data: unknown): SerializedBody {
  if (data === undefined || data === null) return { body: undefined, contentType: undefined };
  if (typeof data === 'string') return { body: data, contentType: 'text/plain;charset=UTF-8' };
  if (typeof data === 'object') {
    if (data instanceof Uint8Array) return { body: data, contentType: 'application/octet-stream' };
    if (ArrayBuffer.isView(data)) return { body: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), contentType: 'application/octet-stream' };
    if (data instanceof ArrayBuffer) return { body: new Uint8Array(data), contentType: 'application/octet-stream' };
    if (data instanceof URLSearchParams) return { body: data.toString(), contentType: 'application/x-www-form-urlencoded;charset=UTF-8' };
    if (hasGlobal('FormData') && data instanceof FormData) return { body: data, contentType: undefined };
    if (hasGlobal('Blob') && data instanceof Blob) return { body: data, contentType: data.type === '' ? undefined : data.type };
    if (hasGlobal('ReadableStream') && data instanceof ReadableStream) return { body: data as ReadableStream<Uint8Array>, contentType: undefined };
  }
  if (typeof data === 'object' || typeof data === 'number' || typeof data === 'boolean') {
    try {
      return { body: JSON.stringify(data, plainOnly), contentType: 'application/json' };
    } catch (error) {
      if (error instanceof ValidationError) throw error;
      throw new ValidationError('body', `request body cannot be serialised as JSON: ${(error as Error).message}`, { cause: error });
    }
  }
  throw new ValidationError('body', `unsupported request body type: ${typeof data}`);
}

/**
 * The headers to send with a serialised body: its content type when the caller
 * set none; for a `FormData`, a content type without the multipart boundary
 * (say a client-wide `Content-Type: application/json`) is dropped so the
 * transport sets the right one, as ky does. Returns `headers` itself when
 * nothing changes.
 *
 * @example
 * ```ts
 * withBodyHeaders({ 'Content-Type': 'application/json' }, serializeBody(new FormData())); // {}
 * ```
 */
export function withBodyHeaders(headers: Record<string, string>, { body, contentType }: SerializedBody): Record<string, string> {
  if (typeof body === 'object' && !(body instanceof Uint8Array) && hasGlobal('FormData') && body instanceof FormData) {
    let out = headers;
    for (const name in headers) {
      if (name.toLowerCase() === 'content-type' && !/boundary=/i.test(headers[name]!)) {
        if (out === headers) out = { ...headers };
        delete out[name];
      }
    }
    return out;
  }
  return contentType && !hasHeader(headers, 'content-type') ? { ...headers, 'content-type': contentType } : headers;
}

/** Whether a body can be sent again on a retry (a stream is read once). */
export function isReplayable(body: WireBody | undefined): boolean {
  return !(hasGlobal('ReadableStream') && body instanceof ReadableStream);
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
