import type { WireBody } from '../bodies.js';

/** One attempt of one request, as a transport sees it. */
export interface TransportRequest {
  method: string;
  /** Absolute URL. */
  url: string;
  headers: Record<string, string>;
  /** Text, bytes, or a `FormData` / `Blob` / `ReadableStream`, sent as `fetch` sends them. */
  body?: WireBody;
  /** Per-attempt timeout in ms; 0 for none. */
  timeout: number;
  /** The caller's signal: aborting it rejects with its reason. */
  signal?: AbortSignal;
  /** Read no further than this many bytes of body (after decoding). */
  maxResponseBytes: number;
  /**
   * Only for a transport with `followsRedirects`: `'follow'` (default) or
   * `'error'` (`maxRedirects: 0`). Every other transport returns a 3xx as it is.
   */
  redirect?: 'follow' | 'error';
}

/** A response as text; the client decides how to parse it. */
export interface TransportResponse {
  status: number;
  /** Lower-case names; repeated headers joined with ', '. */
  headers: Record<string, string>;
  body: string;
}

/**
 * How bytes move: `undici` in Node, global `fetch` elsewhere, or your own. A
 * transport throws `TimeoutError` on its timeout, `NetworkError` when no answer
 * came, the signal's reason when the caller aborted, and `ApiError` for a body
 * over `maxResponseBytes`; it never retries.
 *
 * @example
 * ```ts
 * const transport: HttpTransport = {
 *   name: 'custom',
 *   async request(req) { return { status: 200, headers: {}, body: '{}' }; },
 *   async close() {},
 * };
 * new ApiClient({ baseURL: 'http://127.0.0.1:8000', transport });
 * ```
 */
export interface HttpTransport {
  readonly name: string;
  /**
   * True when the transport follows redirects itself and cannot return a 3xx
   * (a browser's fetch: `redirect: 'manual'` only yields an opaque response).
   * Otherwise (the default) a 3xx comes back as it is and the client follows it.
   */
  readonly followsRedirects?: boolean;
  request(request: TransportRequest): Promise<TransportResponse>;
  /** Closes pooled sockets; with `force`, also aborts requests in flight. */
  close(force?: boolean): Promise<void>;
}

/** Options every built-in transport takes. */
export interface TransportOptions {
  /** Sockets per origin. Default 64. */
  connections?: number;
  /** Idle keep-alive (ms); 0 closes sockets after each response. Default 30000. */
  keepAlive?: number;
  /** Ask for gzip/deflate/br and decode. Default true. */
  compression?: boolean;
  /** Verify TLS certificates. Default true. */
  rejectUnauthorized?: boolean;
}
