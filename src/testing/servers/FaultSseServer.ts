import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { closeServer, listenHttp, LOOPBACK } from './listen.js';
import { checkSseServerOptions } from './checkServerOptions.js';
import { waitUntil } from './waitUntil.js';

/** One event of the log; `data` that is not a string is sent as JSON, a string with newlines as several `data:` lines. */
export interface SseEvent {
  /** @default the event's 1-based position in the log, as a string (with `autoId`) */
  id?: string;
  event?: string;
  data?: unknown;
  /** A `retry:` field in the event itself (ms). */
  retry?: number;
}

/** The wire form of one event, blank line included. */
export function formatSseEvent(e: SseEvent): string {
  let out = '';
  if (e.event !== undefined) out += `event: ${e.event}\n`;
  if (e.id !== undefined) out += `id: ${e.id}\n`;
  if (e.retry !== undefined) out += `retry: ${e.retry}\n`;
  if (e.data !== undefined) for (const line of (typeof e.data === 'string' ? e.data : JSON.stringify(e.data)).split('\n')) out += `data: ${line}\n`;
  return `${out}\n`;
}

/** One request as the server saw it. */
export interface SseRequestRecord {
  index: number;
  url: string;
  headers: IncomingHttpHeaders;
  /** The `Last-Event-ID` header; undefined when the client sent none. */
  lastEventId: string | undefined;
  /** `Date.now()` on arrival. */
  at: number;
  /** The status answered. */
  status: number;
  /** Ids of the events written on this stream, in order. */
  sent: string[];
  /** True once the response closed (either side). */
  closed: boolean;
}

/** Options of {@link FaultSseServer}. */
export interface FaultSseServerOptions {
  /** Port on 127.0.0.1; 0 lets the OS pick. @default 0 */
  port?: number;
  /** The path in {@link FaultSseServer.url} (any path is served). @default '/events' */
  path?: string;
  /** The events already in the log when the server starts. @default [] */
  events?: SseEvent[];
  /** Events without an `id` get their 1-based position in the log. @default true */
  autoId?: boolean;
  /** A `retry:` line (ms) written first on every stream. @default undefined (none) */
  retry?: number;
  /** Events written per stream before the server ends it (the client reconnects with Last-Event-ID). @default Infinity (keep it open) */
  perConnection?: number;
  /** With `perConnection`: a stream that has written the last event of the log stays open (for later pushes) instead of ending. @default false */
  hold?: boolean;
  /** Honour `Last-Event-ID`: resume after that event (an unknown id replays the whole log). false: always from the start. @default true */
  resume?: boolean;
}

interface Stream {
  res: ServerResponse;
  record: SseRequestRecord;
  cursor: number;
  /** Events written on it (with or without id), for `perConnection`. */
  written: number;
}

/**
 * An SSE server on 127.0.0.1 serving a log of events with ids: each stream starts
 * after the client's `Last-Event-ID`, `push()` appends to the log and writes to
 * every open stream; `stall()` keeps streams open but silent (a dead upstream the
 * client must detect), `resume()` writes what was held back; `endAll()` closes
 * streams cleanly, `destroyAll()` drops connections, `rejectNext()` answers the
 * next requests with an error status, `sendOversized()` writes one event of a
 * given size. Every request is recorded with what was written on it. `close()`
 * leaves no socket behind.
 *
 * @example
 * ```ts
 * const server = new FaultSseServer({ events: [{ data: 'a' }, { data: 'b' }], perConnection: 1, retry: 10 });
 * await server.start();
 * const sse = new SSEConnection({ url: server.url });
 * await sse.connect();
 * await sse.receive(); // id '1'; the server ends the stream, the client resumes with Last-Event-ID: 1
 * await sse.receive(); // id '2'
 * server.requests[1]?.lastEventId; // '1'
 * sse.dispose();
 * await server.close();
 * ```
 */
export class FaultSseServer {
  /** The event log, ids assigned. */
  readonly log: Array<SseEvent & { id?: string }> = [];
  /** Every request, in arrival order. */
  readonly requests: SseRequestRecord[] = [];
  private readonly streams = new Set<Stream>();
  private readonly rejections: Array<{ status: number; headers: Record<string, string> }> = [];
  private stalled = false;
  private boundPort: number;
  private current: { http: Server; sockets: Set<Socket> } | undefined;

  constructor(private readonly options: FaultSseServerOptions = {}) {
    checkSseServerOptions(options);
    this.boundPort = options.port ?? 0;
    for (const e of options.events ?? []) this.append(e);
  }

  get port(): number {
    return this.boundPort;
  }
  /** `http://127.0.0.1:<port><path>` */
  get url(): string {
    return `http://${LOOPBACK}:${this.boundPort}${this.options.path ?? '/events'}`;
  }
  /** Streams open now. */
  get openStreams(): number {
    return this.streams.size;
  }

  /** Appends an event to the log and writes it to every open stream (unless stalled). Returns the event with its id. */
  push(event: SseEvent): SseEvent {
    const e = this.append(event);
    for (const s of this.streams) this.flush(s);
    return e;
  }
  /** Streams stay open but nothing more is written (pushes are logged) until `resume()`. */
  stall(): void {
    this.stalled = true;
  }
  /** Writes what `stall()` held back and carries on. */
  resume(): void {
    this.stalled = false;
    for (const s of this.streams) this.flush(s);
  }
  /** Writes one event of about `bytes` bytes of data to every open stream (not logged). */
  sendOversized(bytes: number, event: Omit<SseEvent, 'data'> = {}): void {
    const wire = formatSseEvent({ ...event, data: 'x'.repeat(bytes) });
    for (const s of this.streams) s.res.write(wire);
  }
  /** Writes raw text to every open stream as it is (malformed fields, comments, partial lines). */
  writeRaw(text: string): void {
    for (const s of this.streams) s.res.write(text);
  }
  /** Answers the next `count` requests with `status` (e.g. 503 with `{ 'retry-after': '1' }`, or 204: "do not reconnect"). */
  rejectNext(status: number, count = 1, headers: Record<string, string> = {}): void {
    for (let i = 0; i < count; i++) this.rejections.push({ status, headers });
  }
  /** Ends every open stream cleanly (the client sees the server close it). */
  endAll(): void {
    for (const s of this.streams) s.res.end();
  }
  /** Destroys every connection (the client sees it drop). */
  destroyAll(): void {
    for (const s of this.streams) s.res.destroy();
    for (const socket of this.current?.sockets ?? []) socket.destroy();
  }
  waitForRequests(n: number, timeout = 5_000): Promise<void> {
    return waitUntil(() => this.requests.length >= n, timeout, () => `${n} SSE request(s) (have ${this.requests.length})`);
  }

  /** Listens on 127.0.0.1. */
  async start(): Promise<void> {
    if (this.current) return;
    const { http, sockets, port } = await listenHttp((req, res) => this.onRequest(req, res), this.boundPort);
    this.boundPort = port;
    this.current = { http, sockets };
  }
  /** Stops listening and closes every stream and connection. Idempotent. */
  async close(): Promise<void> {
    const current = this.current;
    this.current = undefined;
    for (const s of this.streams) s.res.destroy();
    this.streams.clear();
    if (current) await closeServer(current.http, current.sockets);
  }

  private append(event: SseEvent): SseEvent {
    const e = event.id === undefined && this.options.autoId !== false ? { ...event, id: String(this.log.length + 1) } : { ...event };
    this.log.push(e);
    return e;
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    req.on('error', () => {});
    res.on('error', () => {});
    const header = req.headers['last-event-id'];
    const lastEventId = Array.isArray(header) ? header[0] : header;
    const rejection = this.rejections.shift();
    const record: SseRequestRecord = { index: this.requests.length, url: req.url ?? '', headers: req.headers, lastEventId, at: Date.now(), status: rejection?.status ?? 200, sent: [], closed: false };
    this.requests.push(record);
    res.on('close', () => {
      record.closed = true;
      for (const s of this.streams) if (s.res === res) this.streams.delete(s);
    });
    if (rejection) {
      res.writeHead(rejection.status, { 'content-type': 'text/plain', ...rejection.headers });
      res.end(rejection.status === 204 ? undefined : `status ${rejection.status}`);
      return;
    }
    const at = this.options.resume !== false && lastEventId !== undefined ? this.log.findIndex((e) => e.id === lastEventId) + 1 : 0;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
    if (this.options.retry !== undefined) res.write(`retry: ${this.options.retry}\n\n`);
    res.flushHeaders();
    const stream: Stream = { res, record, cursor: at, written: 0 };
    this.streams.add(stream);
    this.flush(stream);
  }

  private flush(s: Stream): void {
    const limit = this.options.perConnection ?? Infinity;
    while (!this.stalled && s.cursor < this.log.length && s.written < limit && !s.res.writableEnded) {
      const e = this.log[s.cursor++]!;
      s.res.write(formatSseEvent(e));
      s.written++;
      if (e.id !== undefined) s.record.sent.push(e.id);
    }
    const held = this.options.hold === true && s.cursor >= this.log.length;
    if (s.written >= limit && !held && !s.res.writableEnded) s.res.end();
  }
}
