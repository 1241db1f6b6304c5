import type { HttpTransport, TransportOptions, TransportRequest, TransportResponse } from './HttpTransport.js';
import { toTransportError, tooLarge } from './transportErrors.js';

const isStream = (body: unknown): boolean => typeof ReadableStream === 'function' && body instanceof ReadableStream;

/** Reads a fetch body up to `limit` bytes, cancelling the stream past it. */
async function readText(res: Response, limit: number, over: () => Error): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let size = 0;
  let text = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return text + decoder.decode();
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw over();
    }
    text += decoder.decode(value, { stream: true });
  }
}

/**
 * The browser (and any-runtime) transport: global `fetch`. Browsers decode
 * compression themselves and pool connections per origin; the per-attempt
 * timeout is an `AbortSignal.timeout` combined with the caller's signal.
 *
 * @example
 * ```ts
 * new ApiClient({ baseURL: 'https://api.example.com', transport: new FetchTransport() });
 * ```
 */
export class FetchTransport implements HttpTransport {
  readonly name = 'fetch';
  /** In a browser fetch follows redirects itself; in Node it returns them (`redirect: 'manual'`) for the client to follow. */
  readonly followsRedirects: boolean;
  /** Aborted by `close(true)`: ends every request in flight. */
  private closing = new AbortController();
  /** Requests between `request()` and their settling, so a graceful `close()` can wait for them. */
  private running = 0;
  private drained: (() => void) | undefined = undefined;

  constructor(
    private readonly options: TransportOptions & {
      fetch?: typeof fetch;
      /** Let fetch follow redirects (`redirect: 'follow'`). Default: true outside Node, where `'manual'` gives only an opaque response. */
      followsRedirects?: boolean;
    } = {},
  ) {
    this.followsRedirects = options.followsRedirects ?? !(typeof process !== 'undefined' && typeof process.versions?.node === 'string');
  }

  async request(req: TransportRequest): Promise<TransportResponse> {
    // Counted in this frame (no wrapper promise per request), so a graceful close() knows when the last one settles.
    this.running++;
    try {
      const doFetch = this.options.fetch ?? globalThis.fetch;
      const timer = req.timeout > 0 ? AbortSignal.timeout(req.timeout) : undefined;
      const signals = [this.closing.signal, timer, req.signal].filter((s): s is AbortSignal => s !== undefined);
      const signal = AbortSignal.any(signals);
      const at = { url: req.url, timeout: req.timeout, signal: req.signal };
      try {
        const res = await doFetch(req.url, {
          method: req.method,
          redirect: this.followsRedirects ? (req.redirect ?? 'follow') : 'manual',
          headers: req.headers,
          body: req.body as BodyInit | undefined,
          signal,
          keepalive: false,
          // A stream body needs half duplex (Node's fetch and Chromium require it).
          ...(isStream(req.body) ? { duplex: 'half' } : {}),
        } as RequestInit);
        const headers: Record<string, string> = {};
        res.headers.forEach((value, name) => {
          headers[name] = value;
        });
        const over = () => tooLarge(res.status, req.method, req.url, req.maxResponseBytes);
        if (Number(headers['content-length']) > req.maxResponseBytes) {
          await res.body?.cancel();
          throw over();
        }
        return { status: res.status, headers, body: await readText(res, req.maxResponseBytes, over) };
      } catch (error) {
        throw toTransportError(error, { ...at, timedOut: timer?.aborted === true && !req.signal?.aborted });
      }
    } finally {
      if (--this.running === 0) this.drained?.();
    }
  }

  /** Waits for the requests in flight; with `force` (also during that wait), aborts them instead. */
  async close(force = false): Promise<void> {
    if (!force) {
      if (this.running > 0) await new Promise<void>((resolve) => (this.drained = resolve));
      return;
    }
    this.closing.abort(new Error('transport closed'));
    this.closing = new AbortController();
  }
}
