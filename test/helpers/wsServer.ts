/**
 * Real `ws` servers on 127.0.0.1 for WebSocket integration tests: no mocks.
 *
 * A server records every connection and message (across restarts), can echo,
 * acknowledge `{ id }` messages with `{ ack: id }`, skip answering pings
 * (`autoPong: false`), answer `GET /health` on the same port, terminate or close
 * all its clients, and be stopped and restarted on the same port (so a client
 * configured with its URL can reconnect to it).
 *
 * @example
 * ```ts
 * const server = await startWsServer({ echo: true });
 * const conn = new WebSocketConnection({ url: server.url });
 * await conn.connect();
 * conn.send({ a: 1 });
 * await server.waitForMessages(1);
 * await server.stop();     // clients terminated (1006 for them)
 * await server.restart();  // same port, counters kept
 * ```
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Server as NetServer, type Socket } from 'node:net';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';

/** One message as the server received it. */
export interface ReceivedMessage {
  /** 1-based index of the connection (counted across restarts). */
  connection: number;
  data: Buffer;
  isBinary: boolean;
  /** UTF-8 text of the frame. */
  text: string;
  /** The parsed JSON, or undefined when the text is not JSON. */
  json: unknown;
}

export interface WsServerOptions {
  /** Fixed port; default 0 (the OS picks). A restart always reuses the first port. */
  port?: number;
  /** `ws`'s automatic answer to pings. false: a peer that never pongs. Default true. */
  autoPong?: boolean;
  /** Send every message back (same frame type). */
  echo?: boolean;
  /**
   * Acknowledge messages: `true` answers `{ id }` with `{ ack: id }`; a function returns the ack
   * id for a parsed message (undefined: no ack).
   */
  ack?: boolean | ((message: unknown) => unknown);
  /** Answer every upgrade with this HTTP status instead of accepting it (e.g. 401). */
  rejectUpgrade?: number;
  /** Status answered to `GET /health` (a function is asked each time). Default: 404. */
  health?: number | (() => number);
  /** Called for every accepted connection, after it was counted. */
  onConnection?: (socket: WebSocket, index: number, server: WsTestServer) => void;
  /** Called for every message, after it was recorded and before echo / ack. Return false to skip echo / ack. */
  onMessage?: (socket: WebSocket, message: ReceivedMessage, server: WsTestServer) => boolean | void;
}

export interface WsTestServer {
  readonly port: number;
  /** `ws://127.0.0.1:<port>/ws` */
  readonly url: string;
  /** `http://127.0.0.1:<port>` */
  readonly httpUrl: string;
  readonly running: boolean;
  /** Connections accepted so far (across restarts). */
  readonly connections: number;
  /** Open server-side sockets. */
  readonly clients: ReadonlySet<WebSocket>;
  /** Every message received, in arrival order (across restarts). */
  readonly messages: ReceivedMessage[];
  /** The request path (with query) of every accepted connection, in order. */
  readonly paths: string[];
  /** How each connection ended, as the server saw it, in order of closing. */
  readonly closes: Array<{ connection: number; code: number; reason: string }>;
  /** `GET /health` requests received. */
  readonly healthRequests: number;
  /** Texts of the text frames received. */
  texts(): string[];
  /** Parsed JSON of the text frames that were JSON. */
  jsons(): unknown[];
  waitForConnections(n: number, timeout?: number): Promise<void>;
  waitForMessages(n: number, timeout?: number): Promise<void>;
  /** Drops every client at once, no closing handshake (the client sees 1006). */
  terminateAll(): void;
  /** Closes every client with a close frame. */
  closeAll(code?: number, reason?: string): void;
  /** Terminates the clients and stops listening. Idempotent. */
  stop(): Promise<void>;
  /** Listens again on the same port (after `stop`). */
  restart(): Promise<void>;
}

/** Polls `predicate` until it holds; rejects after `timeout` ms with `what` (a function is asked then) in the message. */
export async function waitFor(predicate: () => boolean, timeout = 5_000, what: string | (() => string) = 'condition'): Promise<void> {
  const until = Date.now() + timeout;
  while (!predicate()) {
    if (Date.now() > until) throw new Error(`timed out after ${timeout} ms waiting for ${typeof what === 'function' ? what() : what}`);
    await sleep(5);
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Anything with seed 004's `on(event, handler)`. */
interface Emitter {
  on(event: string, handler: (...args: any[]) => void): unknown;
}

/**
 * Resolves with the first argument of the next `event` the emitter fires (rejects after `timeout`).
 *
 * @example const { code } = await nextEvent<{ code: number }>(conn, 'close');
 */
export function nextEvent<T = unknown>(emitter: Emitter & { off?(event: string, handler: (...args: any[]) => void): unknown }, event: string, timeout = 5_000): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      emitter.off?.(event, handler);
      reject(new Error(`timed out after ${timeout} ms waiting for '${event}'`));
    }, timeout);
    const handler = (value: T) => {
      clearTimeout(timer);
      emitter.off?.(event, handler);
      resolve(value);
    };
    emitter.on(event, handler);
  });
}

/** Records every emission of `events` as `[event, firstArg]`, in order. */
export function recordEvents(emitter: Emitter, events: string[]): Array<[string, unknown]> {
  const log: Array<[string, unknown]> = [];
  for (const event of events) emitter.on(event, (value: unknown) => log.push([event, value]));
  return log;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const toBuffer = (data: RawData): Buffer => (Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data));

/** Starts a `ws` server (on a `node:http` server that also answers `/health`) on 127.0.0.1. */
export async function startWsServer(options: WsServerOptions = {}): Promise<WsTestServer> {
  let port = options.port ?? 0;
  let connections = 0;
  let healthRequests = 0;
  const messages: ReceivedMessage[] = [];
  const paths: string[] = [];
  const closes: Array<{ connection: number; code: number; reason: string }> = [];
  const clients = new Set<WebSocket>();
  let current: { http: Server; wss: WebSocketServer; sockets: Set<Socket> } | undefined;
  let stopping: Promise<void> | undefined;
  const ackOf =
    options.ack === true ? (m: unknown) => (m as { id?: unknown } | null)?.id : typeof options.ack === 'function' ? options.ack : undefined;

  const server: WsTestServer = {
    get port() {
      return port;
    },
    get url() {
      return `ws://127.0.0.1:${port}/ws`;
    },
    get httpUrl() {
      return `http://127.0.0.1:${port}`;
    },
    get running() {
      return current !== undefined;
    },
    get connections() {
      return connections;
    },
    clients,
    messages,
    paths,
    closes,
    get healthRequests() {
      return healthRequests;
    },
    texts: () => messages.filter((m) => !m.isBinary).map((m) => m.text),
    jsons: () => messages.filter((m) => !m.isBinary && m.json !== undefined).map((m) => m.json),
    waitForConnections: (n, timeout = 5_000) => waitFor(() => connections >= n, timeout, `${n} server connection(s) (have ${connections})`),
    waitForMessages: (n, timeout = 5_000) => waitFor(() => messages.length >= n, timeout, `${n} message(s) at the server (have ${messages.length})`),
    terminateAll() {
      for (const c of clients) c.terminate();
    },
    closeAll(code = 1000, reason = '') {
      for (const c of clients) c.close(code, reason);
    },
    stop() {
      if (!current) return stopping ?? Promise.resolve();
      const { http, wss, sockets } = current;
      current = undefined;
      stopping = (async () => {
        for (const c of clients) c.terminate();
        clients.clear();
        await new Promise<void>((resolve) => wss.close(() => resolve()));
        const closed = new Promise<void>((resolve) => http.close(() => resolve()));
        http.closeAllConnections();
        for (const s of sockets) s.destroy();
        await closed;
      })();
      return stopping;
    },
    async restart() {
      await stopping;
      if (current) return;
      await listen();
    },
  };

  const onHttp = (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '').split('?')[0];
    if (req.method === 'GET' && path === '/health' && options.health !== undefined) {
      healthRequests++;
      const status = typeof options.health === 'function' ? options.health() : options.health;
      res.writeHead(status, { 'content-type': 'application/json', connection: 'close' });
      res.end(JSON.stringify({ ok: status < 300 }));
      return;
    }
    if (path === '/health') healthRequests++;
    res.writeHead(404, { 'content-type': 'text/plain', connection: 'close' });
    res.end('not found');
  };

  async function listen(): Promise<void> {
    const http = createServer(onHttp);
    const sockets = new Set<Socket>();
    http.on('connection', (s: Socket) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    const reject = options.rejectUpgrade;
    const wss = new WebSocketServer({
      server: http,
      autoPong: options.autoPong ?? true,
      ...(reject === undefined ? {} : { verifyClient: (_info: unknown, done: (ok: boolean, code?: number) => void) => done(false, reject) }),
    });
    wss.on('error', () => {});
    wss.on('connection', (socket, req) => {
      connections++;
      paths.push(req.url ?? '');
      const index = connections;
      clients.add(socket);
      socket.on('close', (code, reason) => {
        clients.delete(socket);
        closes.push({ connection: index, code, reason: reason.toString() });
      });
      socket.on('error', () => {});
      socket.on('message', (data, isBinary) => {
        const buffer = toBuffer(data);
        const text = buffer.toString('utf8');
        const message: ReceivedMessage = { connection: index, data: buffer, isBinary, text, json: isBinary ? undefined : parseJson(text) };
        messages.push(message);
        if (options.onMessage?.(socket, message, server) === false) return;
        if (socket.readyState !== socket.OPEN) return;
        if (options.echo) socket.send(isBinary ? buffer : text, { binary: isBinary });
        if (ackOf && message.json !== undefined) {
          const id = ackOf(message.json);
          if (id !== undefined) socket.send(JSON.stringify({ ack: id }));
        }
      });
      options.onConnection?.(socket, index, server);
    });
    // A port just released may take a moment to be free again.
    for (let attempt = 0; ; attempt++) {
      try {
        await new Promise<void>((resolve, reject) => {
          http.once('error', reject);
          http.listen(port, '127.0.0.1', () => {
            http.off('error', reject);
            resolve();
          });
        });
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt >= 50) throw error;
        await sleep(20);
      }
    }
    port = (http.address() as AddressInfo).port;
    current = { http, wss, sockets };
  }

  await listen();
  return server;
}

/** A port nothing listens on (a server was started there and closed): connections are refused. */
export async function refusedPort(): Promise<number> {
  const s = createNetServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

/** A TCP server that accepts and never answers (an opening handshake that hangs). */
export async function startSilentServer(): Promise<{ url: string; accepted: () => number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  const s: NetServer = createNetServer((socket) => {
    accepted++;
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as AddressInfo).port;
  return {
    url: `ws://127.0.0.1:${port}/ws`,
    accepted: () => accepted,
    close: () =>
      new Promise<void>((resolve) => {
        s.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

/**
 * Keeps track of what a test creates, so `afterEach` disposes every connection and stops every server.
 *
 * @example
 * ```ts
 * const track = tracker();
 * afterEach(() => track.cleanup());
 * const server = track.server(await startWsServer());
 * ```
 */
export function tracker() {
  const disposables: Array<{ dispose(): void }> = [];
  const servers: Array<{ stop(): Promise<void> } | { close(): Promise<void> }> = [];
  return {
    conn<T extends { dispose(): void }>(c: T): T {
      disposables.push(c);
      return c;
    },
    server<T extends { stop(): Promise<void> } | { close(): Promise<void> }>(s: T): T {
      servers.push(s);
      return s;
    },
    async cleanup(): Promise<void> {
      for (const c of disposables.splice(0)) {
        try {
          c.dispose();
        } catch {
          // keep cleaning up
        }
      }
      await Promise.all(servers.splice(0).map((s) => ('stop' in s ? s.stop() : s.close())));
    },
  };
}
