/**
 * A real `node:http` Server-Sent Events server on 127.0.0.1 (port 0) for
 * `SSEConnection` integration tests: no mocks.
 *
 * Every request is recorded (headers, `Last-Event-ID`, when it arrived, when
 * and how it ended) and handed to the current handler as an {@link SseStream}:
 * the handler answers with `reject(status)` or `open()`s the stream and
 * `send()`s events, comments and raw bytes; it can `end()` the stream (the
 * client sees the server close it) or `destroy()` the socket (a dropped
 * connection). Timers made with `stream.every()` / `stream.after()` are cleared
 * when the stream closes, and `close()` stops listening and closes idle and
 * active connections, so no test leaks a socket or a timer.
 *
 * @example
 * ```ts
 * const server = await startSseServer((s) => {
 *   s.open();
 *   s.send({ id: '1', event: 'price', data: { price: 42 } });
 * });
 * const conn = new SSEConnection({ url: server.url });
 * await conn.connect();
 * await conn.receive(); // { id: '1', event: 'price', data: { price: 42 }, raw: '{"price":42}' }
 * server.requests[0]!.lastEventId; // undefined
 * await server.close();
 * ```
 */
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { waitFor } from './wsServer.js';

/** One event as the server writes it; `data` that is not a string is sent as JSON, a string with newlines as several `data:` lines. */
export interface SseEventSpec {
  id?: string;
  event?: string;
  data?: unknown;
  retry?: number;
}

/** The wire form of one event, blank line included (`\n` line endings). */
export function formatEvent(e: SseEventSpec): string {
  let out = '';
  if (e.event !== undefined) out += `event: ${e.event}\n`;
  if (e.id !== undefined) out += `id: ${e.id}\n`;
  if (e.retry !== undefined) out += `retry: ${e.retry}\n`;
  if (e.data !== undefined) {
    const text = typeof e.data === 'string' ? e.data : JSON.stringify(e.data);
    for (const line of text.split('\n')) out += `data: ${line}\n`;
  }
  return `${out}\n`;
}

/** One request as the server saw it. */
export interface SseRequest {
  /** 0-based, in arrival order. */
  index: number;
  method: string;
  /** Path and query. */
  url: string;
  headers: IncomingHttpHeaders;
  /** The `Last-Event-ID` header, undefined when the client sent none. */
  lastEventId: string | undefined;
  authorization: string | undefined;
  /** `Date.now()` when the request arrived. */
  at: number;
  /** The HTTP status answered (undefined while the handler has not answered). */
  status: number | undefined;
  /** `Date.now()` when the response closed (either side), undefined while open. */
  closedAt: number | undefined;
  /** True when the connection went away before the server ended the response (the client aborted, or `destroy()`). */
  closedEarly: boolean;
}

/** The server side of one request. */
export interface SseStream {
  readonly request: SseRequest;
  readonly res: ServerResponse;
  /** True once the response closed (ended, destroyed, or the client left). */
  readonly closed: boolean;
  /** Answers 200 `text/event-stream` and flushes the headers (the client sees the stream open). */
  open(headers?: Record<string, string>): void;
  /** Answers `status` with a short text body (not a stream). */
  reject(status: number, body?: string, headers?: Record<string, string>): void;
  /** Writes one event; false when the stream is closed. */
  send(event: SseEventSpec): boolean;
  /** Writes raw bytes as they are; false when the stream is closed. */
  write(raw: string | Buffer): boolean;
  /** Writes a comment line and a blank line (`: text\n\n`). */
  comment(text?: string): boolean;
  /** Ends the response: the client sees the stream end. */
  end(): void;
  /** Destroys the socket: the client sees the connection drop. */
  destroy(): void;
  /** Runs `fn` every `ms` until the stream closes. */
  every(ms: number, fn: () => void): void;
  /** Runs `fn` once after `ms`, unless the stream closed first. */
  after(ms: number, fn: () => void): void;
}

/** Answers one request; may return a promise, may never answer. */
export type SseHandler = (stream: SseStream) => unknown;

export interface SseTestServer {
  /** `http://127.0.0.1:<port>/events` */
  readonly url: string;
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  readonly port: number;
  /** Every request, in arrival order. */
  readonly requests: SseRequest[];
  /** Every stream handed to a handler, in arrival order. */
  readonly streams: SseStream[];
  /** Responses not closed yet. */
  readonly openStreams: number;
  /** Swaps the handler for the requests to come. */
  setHandler(handler: SseHandler): void;
  waitForRequests(n: number, timeout?: number): Promise<void>;
  /** Waits until the response of request `index` has closed. */
  waitForClosed(index: number, timeout?: number): Promise<void>;
  /** Ends every open stream (clean end). */
  endAll(): void;
  /** Destroys every socket (dropped connections). */
  destroyAll(): void;
  /** Stops listening, clears every stream timer, closes idle and active connections. Idempotent. */
  close(): Promise<void>;
}

/** Anything with `onEvent` (an `SSEConnection`). */
interface EventSourceLike<E> {
  onEvent(handler: (event: E) => void): () => void;
}

/**
 * Records every ConnectionEvent of a connection, in order.
 *
 * @example
 * ```ts
 * const events = recordConnectionEvents(conn);
 * events.types(); // ['connected', 'connection_lost', 'reconnecting', 'connected']
 * ```
 */
export function recordConnectionEvents<E extends { eventType: string; data?: unknown }>(conn: EventSourceLike<E>) {
  const all: E[] = [];
  conn.onEvent((e) => all.push(e));
  return {
    all,
    types: () => all.map((e) => e.eventType),
    of: (type: string) => all.filter((e) => e.eventType === type),
    count: (type: string) => all.filter((e) => e.eventType === type).length,
  };
}

/** Starts an SSE server on 127.0.0.1 with an OS-chosen port. */
export async function startSseServer(handler: SseHandler): Promise<SseTestServer> {
  let current = handler;
  const requests: SseRequest[] = [];
  const streams: SseStream[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let closing: Promise<void> | undefined;

  const http: Server = createServer((req, res) => {
    const header = (name: string) => {
      const v = req.headers[name];
      return Array.isArray(v) ? v.join(', ') : v;
    };
    const request: SseRequest = {
      index: requests.length,
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
      lastEventId: header('last-event-id'),
      authorization: header('authorization'),
      at: Date.now(),
      status: undefined,
      closedAt: undefined,
      closedEarly: false,
    };
    requests.push(request);
    const own = new Set<NodeJS.Timeout>();
    let closed = false;
    res.on('close', () => {
      closed = true;
      request.closedAt = Date.now();
      request.closedEarly = !res.writableFinished;
      for (const t of own) {
        clearTimeout(t);
        clearInterval(t);
        timers.delete(t);
      }
      own.clear();
    });
    res.on('error', () => {});
    req.on('error', () => {});
    const writable = () => !closed && !res.writableEnded && !res.destroyed;
    const stream: SseStream = {
      request,
      res,
      get closed() {
        return closed;
      },
      open(headers = {}) {
        request.status = 200;
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', ...headers });
        res.flushHeaders();
      },
      reject(status, body = `status ${status}`, headers = {}) {
        request.status = status;
        if (status === 204) {
          res.writeHead(204, headers);
          res.end();
          return;
        }
        res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body), ...headers });
        res.end(body);
      },
      send: (event) => stream.write(formatEvent(event)),
      write(raw) {
        if (!writable()) return false;
        res.write(raw);
        return true;
      },
      comment: (text = '') => stream.write(`: ${text}\n\n`),
      end() {
        if (writable()) res.end();
      },
      destroy() {
        res.destroy();
        req.socket.destroy();
      },
      every(ms, fn) {
        if (closed) return;
        const t = setInterval(() => (closed ? undefined : fn()), ms);
        own.add(t);
        timers.add(t);
      },
      after(ms, fn) {
        if (closed) return;
        const t = setTimeout(() => {
          own.delete(t);
          timers.delete(t);
          if (!closed) fn();
        }, ms);
        own.add(t);
        timers.add(t);
      },
    };
    streams.push(stream);
    Promise.resolve()
      .then(() => current(stream))
      .catch((error: unknown) => {
        if (!res.headersSent) stream.reject(500, `handler failed: ${String(error)}`);
        else res.destroy();
      });
  });
  http.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  http.on('clientError', (_err, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(0, '127.0.0.1', () => {
      http.off('error', reject);
      resolve();
    });
  });
  const port = (http.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}/events`,
    origin: `http://127.0.0.1:${port}`,
    port,
    requests,
    streams,
    get openStreams() {
      return streams.filter((s) => !s.closed).length;
    },
    setHandler(h) {
      current = h;
    },
    waitForRequests: (n, timeout = 5_000) => waitFor(() => requests.length >= n, timeout, () => `${n} request(s) at the SSE server (have ${requests.length})`),
    waitForClosed: (index, timeout = 5_000) =>
      waitFor(() => requests[index]?.closedAt !== undefined, timeout, `the response to request ${index} to close`),
    endAll() {
      for (const s of streams) s.end();
    },
    destroyAll() {
      for (const s of streams) if (!s.closed) s.destroy();
      for (const socket of sockets) socket.destroy();
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        for (const t of timers) {
          clearTimeout(t);
          clearInterval(t);
        }
        timers.clear();
        http.close(() => resolve());
        http.closeAllConnections();
        for (const socket of sockets) socket.destroy();
      });
      return closing;
    },
  };
}

/**
 * A handler that serves a log of events with ids and resumes after the client's
 * `Last-Event-ID` (per the SSE spec): each connection gets the next `perConnection`
 * events of the log after that id, then the server ends the stream (or, with
 * `hold`, keeps it open once the log is exhausted). An unknown id replays from the start.
 *
 * @example
 * ```ts
 * const log = Array.from({ length: 9 }, (_, i) => ({ id: String(i + 1), data: { n: i + 1 } }));
 * const server = await startSseServer(replayLog(log, { perConnection: 3 }));
 * ```
 */
export function replayLog(log: ReadonlyArray<SseEventSpec & { id: string }>, options: { perConnection: number; hold?: boolean }): SseHandler {
  return (s) => {
    const after = s.request.lastEventId;
    const from = after === undefined ? 0 : log.findIndex((e) => e.id === after) + 1;
    const batch = log.slice(from, from + options.perConnection);
    s.open();
    for (const e of batch) s.send(e);
    const exhausted = from + batch.length >= log.length;
    if (!(exhausted && options.hold)) s.end();
  };
}
