import { Agent, type Dispatcher } from 'undici';
import { promisify } from 'node:util';
import * as zlib from 'node:zlib';
import type { HttpTransport, TransportOptions, TransportRequest, TransportResponse } from './HttpTransport.js';
import { toTransportError, tooLarge } from './transportErrors.js';
import { DeadlineSignals } from './DeadlineSignals.js';
import { hasHeader } from '../../security/hasHeader.js';

const decoders: Record<string, (buf: Buffer, o: zlib.ZlibOptions) => Promise<Buffer>> = {
  gzip: promisify(zlib.gunzip),
  'x-gzip': promisify(zlib.gunzip),
  deflate: promisify(zlib.inflate),
  br: promisify(zlib.brotliDecompress) as (buf: Buffer, o: zlib.ZlibOptions) => Promise<Buffer>,
};
const ACCEPT_ENCODING = 'gzip, deflate, br';
/** As undici's fetch: more codings than this in one response are not decoded. */
const MAX_CODINGS = 5;

type Decoder = (buf: Buffer, o: zlib.ZlibOptions) => Promise<Buffer>;
const decoderLists = new Map<string, Decoder[] | undefined>();

/**
 * The decoders for a `content-encoding` list (`gzip`, `gzip, br`, …), last
 * coding first; `undefined` when there is nothing to decode or a coding is
 * unknown (the body is then passed on as it came). Cached per header value.
 */
function decodersFor(header: string | undefined): Decoder[] | undefined {
  if (header === undefined) return undefined;
  if (decoderLists.has(header)) return decoderLists.get(header);
  const steps = parseCodings(header);
  if (decoderLists.size >= 64) decoderLists.clear();
  decoderLists.set(header, steps);
  return steps;
}

function parseCodings(header: string): Decoder[] | undefined {
  const codings = header.toLowerCase().split(',').map((c) => c.trim()).filter((c) => c !== '' && c !== 'identity');
  if (codings.length === 0 || codings.length > MAX_CODINGS) return undefined;
  const steps: Decoder[] = [];
  for (let i = codings.length - 1; i >= 0; i--) {
    const step = decoders[codings[i]!];
    if (step === undefined) return undefined;
    steps.push(step);
  }
  return steps;
}

function flatHeaders(raw: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name in raw) {
    const value = raw[name];
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/** A FormData as multipart bytes and its content type (with the boundary), as fetch encodes it. */
async function encodeFormData(form: FormData): Promise<{ bytes: Uint8Array; contentType: string }> {
  const response = new Response(form);
  return { bytes: new Uint8Array(await response.arrayBuffer()), contentType: response.headers.get('content-type')! };
}

type Body = Dispatcher.ResponseData['body'];
const ignore = () => {};

/** Stops a body we will not read; its late 'error' must not become an uncaught exception. */
function discard(body: Body): void {
  body.on('error', ignore);
  body.destroy();
}

/** Reads the body up to `limit` bytes; the transfer stops as soon as it is over. */
async function readBody(body: Body, limit: number, over: () => Error): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      discard(body);
      throw over();
    }
    chunks.push(chunk as Buffer);
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
}

/**
 * The Node transport: one undici `Agent` (keep-alive pool per origin) per client.
 * The per-attempt timeout is a deadline signal shared by every request due in
 * the same 20 ms slot (`DeadlineSignals`), so a request that succeeds creates no
 * AbortController and no timer of its own.
 *
 * @example
 * ```ts
 * const transport = new UndiciTransport({ connections: 64, keepAlive: 30_000 });
 * const res = await transport.request({ method: 'GET', url: 'http://127.0.0.1:8000/health', headers: {}, timeout: 5000, maxResponseBytes: 1 << 20 });
 * await transport.close();
 * ```
 */
export class UndiciTransport implements HttpTransport {
  readonly name = 'undici';
  private readonly agent: Agent;
  private readonly compression: boolean;
  private readonly deadlines = new DeadlineSignals();
  private readonly urls = new Map<string, { origin: string; path: string }>();
  /** Requests between `request()` and their settling (a counter: no allocation per request). */
  private running = 0;
  /** Set by a graceful `close()`: called when the last request in flight settles. */
  private drained: (() => void) | undefined = undefined;
  private closing = false;

  constructor(options: TransportOptions = {}) {
    const keepAlive = options.keepAlive ?? 30_000;
    this.compression = options.compression ?? true;
    this.agent = new Agent({
      connections: options.connections ?? 64,
      keepAliveTimeout: Math.max(1, keepAlive),
      keepAliveMaxTimeout: Math.max(1, keepAlive),
      pipelining: keepAlive === 0 ? 0 : 1,
      connect: { rejectUnauthorized: options.rejectUnauthorized ?? true },
    });
  }

  async request(req: TransportRequest): Promise<TransportResponse> {
    if (this.closing) throw toTransportError(Object.assign(new Error('the transport is closed'), { code: 'UND_ERR_CLOSED' }), { url: req.url, timeout: req.timeout });
    // Counted in this frame (no wrapper promise per request), so a graceful close() knows when the last one settles.
    this.running++;
    try {
      let url = this.urls.get(req.url);
      if (url === undefined) {
        const u = new URL(req.url);
        url = { origin: u.origin, path: u.pathname + u.search };
        if (this.urls.size >= 1024) this.urls.clear();
        this.urls.set(req.url, url);
      }
      let headers = req.headers;
      if (this.compression && !('accept-encoding' in headers)) {
        // Not \`{ ...headers, name }\`: that gives each request's headers a hidden class of its own.
        const copy: Record<string, string> = { 'accept-encoding': ACCEPT_ENCODING };
        for (const name in headers) copy[name] = headers[name]!;
        headers = copy;
      }
      let body = req.body;
      if (typeof FormData === 'function' && body instanceof FormData) {
        // undici 7's own FormData encoder fails on Node 20's global FormData: encode
        // it as fetch does (multipart, boundary in the content type).
        const encoded = await encodeFormData(body);
        body = encoded.bytes;
        if (!hasHeader(headers, 'content-type')) headers = { ...headers, 'content-type': encoded.contentType };
      }
      const deadline = this.deadlines.after(req.timeout);
      // Only a caller's own signal costs a combined signal per request.
      const signal = deadline && req.signal ? AbortSignal.any([deadline, req.signal]) : (deadline ?? req.signal);
      const at = { url: req.url, timeout: req.timeout, signal: req.signal, deadline };
      let res: Dispatcher.ResponseData;
      try {
        res = await this.agent.request({
          origin: url.origin,
          path: url.path,
          method: req.method as Dispatcher.HttpMethod,
          headers,
          body: body as Dispatcher.DispatchOptions['body'],
          signal,
        });
      } catch (error) {
        throw toTransportError(error, at);
      }
      const responseHeaders = flatHeaders(res.headers);
      const over = () => tooLarge(res.statusCode, req.method, req.url, req.maxResponseBytes);
      try {
        const length = Number(responseHeaders['content-length']);
        if (length > req.maxResponseBytes) {
          discard(res.body);
          throw over();
        }
        const decode = decodersFor(responseHeaders['content-encoding']);
        let body: string;
        if (decode) {
          let data = await readBody(res.body, req.maxResponseBytes, over);
          // Codings apply in the order listed, so undo them from the last. maxOutputLength bounds a decompression bomb.
          for (const step of decode) {
            data = await step(data, { maxOutputLength: req.maxResponseBytes }).catch((e: unknown) => {
              throw (e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' ? over() : e;
            });
          }
          body = data.toString('utf8');
        } else if (length >= 0 && length <= req.maxResponseBytes) {
          body = await res.body.text(); // known, allowed length: the fast path
        } else {
          body = (await readBody(res.body, req.maxResponseBytes, over)).toString('utf8');
        }
        return { status: res.statusCode, headers: responseHeaders, body };
      } catch (error) {
        throw toTransportError(error, at);
      }
    } finally {
      if (--this.running === 0) this.drained?.();
    }
  }

  /**
   * Closes the pool; with `force`, aborts requests in flight instead of waiting
   * for them. A graceful close refuses new requests and waits for those in
   * flight; `close(true)` during that wait still aborts them (undici's own
   * `Agent.close()` forgets its pools, so a later `destroy()` could not).
   */
  async close(force = false): Promise<void> {
    this.closing = true;
    if (!force && this.running > 0) await new Promise<void>((resolve) => (this.drained = resolve));
    await this.agent.destroy();
  }
}
