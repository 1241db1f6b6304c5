/**
 * A real `node:http` server on 127.0.0.1 (port 0) for client integration tests.
 * Records every request (body read fully), tracks open sockets so `close()`
 * never waits for a hanging request, and offers small handler helpers.
 *
 * @example
 * ```ts
 * const server = await startServer((req, res) => json(res, 200, { ok: true }));
 * const client = new ApiClient({ baseURL: server.url });
 * await client.get('/x');
 * server.requests.length; // 1
 * await server.close();
 * ```
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** One request as the server saw it. */
export interface RecordedRequest {
  method: string;
  /** Path and query, as sent on the request line. */
  url: string;
  headers: IncomingHttpHeaders;
  /** The whole body as UTF-8 text ('' when none). */
  body: string;
}

/** A request the handler sees: the node request plus its already-read body. */
export type TestRequest = IncomingMessage & { body: string; index: number };

/** May answer synchronously or asynchronously (a returned promise is awaited); may also never answer. */
export type Handler = (req: TestRequest, res: ServerResponse) => unknown;

export interface TestServer {
  /** `http://127.0.0.1:<port>` (no trailing slash). */
  url: string;
  port: number;
  /** Every request received, in arrival order. */
  requests: RecordedRequest[];
  /** Number of requests whose path (without query) equals `path`. */
  count(path?: string): number;
  /** Swaps the handler for the requests to come. */
  setHandler(handler: Handler): void;
  /** Destroys every open socket (connection reset for anyone waiting). */
  destroySockets(): void;
  /** Stops listening and destroys all connections, including hanging ones. Idempotent. */
  close(): Promise<void>;
}

/** Starts a server on 127.0.0.1 with an OS-chosen port. */
export async function startServer(handler: Handler = (_req, res) => json(res, 200, { ok: true })): Promise<TestServer> {
  let current = handler;
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('error', () => {});
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const index = requests.length;
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      const testReq = Object.assign(req, { body, index });
      Promise.resolve()
        .then(() => current(testReq, res))
        .catch((error: unknown) => {
          if (!res.headersSent) json(res, 500, { error: String(error) });
          else res.destroy();
        });
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('clientError', (_err, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  let closed: Promise<void> | undefined;
  const destroySockets = () => {
    for (const socket of sockets) socket.destroy();
  };
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    count: (path) => (path === undefined ? requests.length : requests.filter((r) => r.url.split('?')[0] === path).length),
    setHandler: (h) => {
      current = h;
    },
    destroySockets,
    close() {
      closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        destroySockets();
      });
      return closed;
    },
  };
}

/** Writes a JSON answer. */
export function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string | number> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** Writes a text answer (any content type, default text/plain). */
export function text(res: ServerResponse, status: number, body: string, headers: Record<string, string | number> = {}): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

/** A handler that never answers (the socket stays open until the client gives up or the server closes). */
export const never: Handler = () => {};

/** A handler that resets the connection without answering. */
export const reset: Handler = (req) => {
  req.socket.destroy();
};

/** A handler that answers with `status` and a JSON body after `ms` of real time. */
export function slow(ms: number, status = 200, body: unknown = { ok: true }): Handler {
  return (_req, res) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        if (!res.destroyed) json(res, status, body);
        resolve();
      }, ms);
      res.on('close', () => {
        clearTimeout(timer);
        resolve();
      });
    });
}

/**
 * Routes by path (without query); unknown paths get a JSON 404.
 *
 * @example
 * ```ts
 * startServer(routes({ '/a': (req, res) => json(res, 200, 'a') }));
 * ```
 */
export function routes(table: Record<string, Handler>, fallback?: Handler): Handler {
  return (req, res) => {
    const path = (req.url ?? '').split('?')[0] ?? '';
    const h = table[path] ?? fallback;
    if (h) return h(req, res);
    json(res, 404, { error: 'not found', path });
  };
}

/** Answers the given statuses in order (the last one repeats). */
export function sequence(...steps: Array<number | Handler>): Handler {
  let i = 0;
  return (req, res) => {
    const step = steps[Math.min(i++, steps.length - 1)]!;
    if (typeof step === 'function') return step(req, res);
    json(res, step, step < 400 ? { ok: true, attempt: i } : { error: `status ${step}`, attempt: i });
  };
}

/** A port that refuses connections: a server was started there and closed. */
export async function closedPort(): Promise<number> {
  const s = await startServer();
  const port = s.port;
  await s.close();
  return port;
}
