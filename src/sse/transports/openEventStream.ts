import { StreamWatch } from '../StreamWatch.js';
import { fetchStream, type RedirectRules } from './streamRedirects.js';

export type { RedirectRules } from './streamRedirects.js';

/** What an open event stream reports; each handler is called directly (events never meet the actor). */
export interface StreamHandlers {
  onOpen(): void;
  /** One event: its name (`message` when unnamed), data and the stream's last event id. */
  onEvent(type: string, data: string, lastEventId: string): void;
  /** Bytes arrived (events or comments): the stream is alive. */
  onActivity(bytes: number): void;
  /** The server's `retry:` (ms), told after the events before it and before the ones after it. */
  onRetry(ms: number): void;
  /** The open stream ended: the server closed it (`end`) or the connection broke (`dropped`). */
  onEnd(reason: 'end' | 'dropped', message?: string): void;
  /**
   * No stream: refused, or answered with `status` (non-200, 204, not `text/event-stream`);
   * `error` when a redirect failed the attempt: the error of `redirects.check` (a ConfigError),
   * or a NetworkError for too many hops or an invalid `Location`.
   */
  onFailure(reason: string, status?: number, error?: unknown): void;
  /** The event being built passed `maxEventBytes`; the stream has been closed. */
  onOversized(bytes: number): void;
}

export interface StreamOptions {
  /** Headers for this attempt (auth, recomputed by the caller before every attempt). */
  headers: Record<string, string>;
  /** Sent as `Last-Event-ID` so the server can resume. */
  lastEventId: string | null;
  withCredentials: boolean;
  maxEventBytes: number;
  /** A fetch to use instead of the global one (Node, or the `eventsource` package in browsers). */
  fetch?: typeof fetch;
  /** Node: how redirects are followed (see `streamRedirects.ts`); without it (and in browsers) fetch follows them. */
  redirects?: RedirectRules | undefined;
}

/** An open (or opening) stream; `close()` ends it without any further handler call. */
export interface EventStream {
  close(): void;
}

type EventSourceModule = typeof import('eventsource');
let eventSourceModule: Promise<EventSourceModule> | undefined;

/**
 * Opens an event stream with the `eventsource` package (loaded on first use),
 * with a fetch of our own: it adds the caller's headers and `Last-Event-ID`, and
 * watches the raw bytes on their way to the parser (size of the event being
 * built, the server's `retry:`, liveness). The package's own reconnect never
 * runs: the first error closes the source and the caller's machine decides.
 *
 * @example
 * ```ts
 * const stream = await openEventStream('http://127.0.0.1:8080/events', { headers: {}, lastEventId: null, withCredentials: false, maxEventBytes: 1 << 20 }, handlers);
 * stream.close();
 * ```
 */
export async function openEventStream(url: string, options: StreamOptions, on: StreamHandlers): Promise<EventStream> {
  eventSourceModule ??= import('eventsource');
  const { EventSource } = await eventSourceModule;
  return new (sourceClass(EventSource))(url, options, on);
}

let Source: (new (url: string, options: StreamOptions, on: StreamHandlers) => EventStream) | undefined;

/** The `eventsource` EventSource, subclassed so every event reaches the handlers without EventTarget dispatch. */
function sourceClass(Base: EventSourceModule['EventSource']): NonNullable<typeof Source> {
  if (Source) return Source;
  class WatchedSource extends Base implements EventStream {
    readonly on: StreamHandlers;
    readonly watch: StreamWatch;
    opened = false;
    done = false;
    /** The error that ended a redirect chain, handed to onFailure. */
    refusal: unknown = undefined;

    constructor(url: string, options: StreamOptions, on: StreamHandlers) {
      const state: { source?: WatchedSource } = {};
      super(url, { withCredentials: options.withCredentials, fetch: watchedFetch(options, () => state.source) });
      state.source = this;
      this.on = on;
      this.watch = new StreamWatch(options.maxEventBytes);
    }

    // The package dispatches open, message, named and error events through here;
    // handling them directly skips EventTarget's listener machinery per event.
    override dispatchEvent(event: Event): boolean {
      if (this.done) return true;
      const type = event.type;
      if (type === 'open') {
        this.opened = true;
        this.on.onOpen();
      } else if (type === 'error') {
        this.failed(event as Event & { code?: number; message?: string });
      } else {
        const message = event as MessageEvent;
        this.on.onEvent(type, message.data as string, message.lastEventId);
      }
      return true;
    }

    /** The package reports an error, then would reconnect on its own: stop it and tell the caller once. */
    private failed(event: { code?: number; message?: string }): void {
      const closedForGood = this.readyState === this.CLOSED;
      this.done = true;
      // The package arms its reconnect timer right after this event: close once it has, so the timer is cleared.
      queueMicrotask(() => super.close());
      if (this.opened && !closedForGood) return this.on.onEnd(event.message === undefined ? 'end' : 'dropped', event.message);
      this.on.onFailure(event.message ?? 'the stream could not be opened', event.code, this.refusal);
    }

    /** The fetch wrapper's verdict on a part that was cut off before an oversized event. */
    oversizedEvent(): void {
      this.close();
      this.on.onOversized(this.watch.pending);
    }

    /** Ends the stream; no handler is called after this. */
    override close(): void {
      this.done = true;
      super.close();
    }
  }
  Source = WatchedSource;
  return Source;
}

type FetchInit = { headers?: Record<string, string>; signal?: AbortSignal; redirect?: string; mode?: string; credentials?: string; cache?: string };
type Watched = { readonly watch: StreamWatch; readonly on: StreamHandlers; done: boolean; refusal: unknown; oversizedEvent(): void };


/** The fetch the package calls: our headers in, a body whose chunks pass through the watch out. */
function watchedFetch(options: StreamOptions, source: () => Watched | undefined) {
  return async (url: string | URL, init: FetchInit) => {
    const fetchImpl = options.fetch ?? globalThis.fetch;
    const headers: Record<string, string> = { ...init.headers, ...options.headers };
    if (options.lastEventId) headers['Last-Event-ID'] = options.lastEventId;
    const request = { headers, ...(init.signal ? { signal: init.signal } : {}), ...(init.credentials ? { credentials: init.credentials as RequestCredentials } : {}) };
    const { response, url: target } = await fetchStream(fetchImpl, String(url), request, options.redirects, (error) => {
      const s = source();
      if (s !== undefined) s.refusal = error;
    });
    const contentType = response.headers.get('content-type') ?? '';
    // Not a stream the package will read: free the connection now.
    if (response.status !== 200 || !contentType.startsWith('text/event-stream')) void response.body?.cancel().catch(() => {});
    const body = response.body;
    return {
      status: response.status,
      redirected: response.redirected || target !== String(url),
      url: response.url || target,
      headers: response.headers,
      body: body === null ? null : { getReader: () => new WatchedReader(body.getReader(), source) },
    };
  };
}

/**
 * The reader the package's parser pulls from. Each chunk passes through the
 * source's StreamWatch; where the watch stops (after a `retry:` line, before an
 * oversized event) the chunk is handed over in two parts, and what the watch
 * found is acted on between them: after the parser has dispatched the events
 * before it, before the ones after it.
 */
class WatchedReader {
  /** The part of the last chunk not handed over yet. */
  private rest: Uint8Array | undefined = undefined;
  private retry: number | undefined = undefined;
  private oversized = false;

  constructor(
    private readonly reader: ReadableStreamDefaultReader<Uint8Array>,
    private readonly source: () => Watched | undefined,
  ) {}

  async read(): Promise<ReadableStreamReadResult<Uint8Array>> {
    const source = this.source();
    if (source === undefined || source.done) return this.reader.read();
    // The parser has now dispatched everything handed over before: act on what the watch found.
    if (this.retry !== undefined) {
      source.on.onRetry(this.retry);
      this.retry = undefined;
    }
    if (this.oversized) return this.stopOversized(source);
    let chunk = this.rest;
    this.rest = undefined;
    if (chunk === undefined) {
      const result = await this.reader.read();
      if (result.value === undefined || source.done) return result;
      chunk = result.value;
    }
    const watch = source.watch;
    const cut = watch.scan(chunk);
    if (watch.oversized) {
      this.oversized = true;
      // The complete events before the oversized one still go to the parser.
      if (cut === 0) return this.stopOversized(source);
      chunk = chunk.subarray(0, cut);
    } else if (cut < chunk.length) {
      this.rest = chunk.subarray(cut);
      chunk = chunk.subarray(0, cut);
    }
    if (watch.retry !== undefined) this.retry = watch.takeRetry();
    source.on.onActivity(chunk.length);
    return { done: false, value: chunk };
  }

  private stopOversized(source: Watched): ReadableStreamReadResult<Uint8Array> {
    source.oversizedEvent();
    void this.reader.cancel().catch(() => {});
    return { done: true, value: undefined };
  }

  cancel(reason?: unknown): Promise<void> {
    return this.reader.cancel(reason);
  }

  releaseLock(): void {
    this.reader.releaseLock();
  }

  get closed(): Promise<void> {
    return this.reader.closed;
  }
}
