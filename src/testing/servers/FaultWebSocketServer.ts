import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { closeServer, listenOn, LOOPBACK, trackSockets } from './listen.js';
import { checkWebSocketServerOptions } from './checkServerOptions.js';
import { waitUntil } from './waitUntil.js';

/**
 * How the server acknowledges a message in ack mode: `idOf` reads the id of a
 * parsed incoming message (undefined: not acknowledged), `ackFor` builds the
 * reply (sent as JSON).
 */
export interface AckProtocol {
  idOf(message: unknown): unknown;
  ackFor(id: unknown): unknown;
}

/** `{ id }` is acknowledged with `{ ack: id }`: the protocol {@link idAckDelivery} configures on the client. */
export const idAck: AckProtocol = {
  idOf: (m) => (m !== null && typeof m === 'object' ? (m as { id?: unknown }).id : undefined),
  ackFor: (id) => ({ ack: id }),
};

/**
 * The `delivery` option of `WebSocketConnection` that matches {@link idAck}:
 * a message's id is its `id`, an incoming `{ ack }` acknowledges it.
 *
 * @example
 * ```ts
 * new WebSocketConnection({ url: server.url, delivery: { ...idAckDelivery, ackTimeout: 500 } });
 * ```
 */
export const idAckDelivery = {
  messageId: (m: unknown): unknown => (m !== null && typeof m === 'object' ? (m as { id?: unknown }).id : undefined),
  ackId: (m: unknown): unknown => (m !== null && typeof m === 'object' ? (m as { ack?: unknown }).ack : undefined),
};

/** One frame as the server received it. */
export interface ReceivedFrame {
  /** 1-based index of the connection it came on (counted across restarts). */
  connection: number;
  data: Buffer;
  isBinary: boolean;
  /** UTF-8 text of the frame. */
  text: string;
  /** The parsed JSON; undefined when the frame is binary or not JSON. */
  json: unknown;
  /** `Date.now()` on arrival. */
  at: number;
  /** True when a `dropIncoming()` swallowed it: not echoed, not acknowledged, not handed to `onMessage`. */
  dropped: boolean;
}

/** Options of {@link FaultWebSocketServer}. */
export interface FaultWebSocketServerOptions {
  /** Port on 127.0.0.1; 0 lets the OS pick. A restart always reuses the port first bound. @default 0 */
  port?: number;
  /** The path in {@link FaultWebSocketServer.url} (any path is accepted). @default '/ws' */
  path?: string;
  /** `ws`'s automatic answer to pings; false makes a peer whose heartbeat never answers. @default true */
  autoPong?: boolean;
  /** Sends every frame back (same frame type). @default false */
  echo?: boolean;
  /** Ack mode: `true` uses {@link idAck} (`{ id }` → `{ ack: id }`); or your own protocol. @default false */
  ack?: boolean | AckProtocol;
  /** Answers every upgrade with this HTTP status instead of accepting it (e.g. 401). @default undefined (accept) */
  rejectUpgrade?: number;
  /** Status answered to `GET /health` (a function is asked each time); undefined answers 404. @default undefined */
  health?: number | (() => number);
  /** Delay (ms) of every frame the server sends (acks, echoes, `send()`); change it with `delayOutgoing()`. @default 0 */
  delay?: number;
  /** Called for every accepted connection, after it was counted. @default undefined */
  onConnection?: (socket: ServerSideSocket, index: number, request: IncomingMessage) => void;
  /** Called for every frame not dropped, after it was recorded and before echo / ack; return false to skip them. @default undefined */
  onMessage?: (socket: ServerSideSocket, frame: ReceivedFrame) => boolean | void;
}

/**
 * The server's end of one connection, as callbacks and `clients` give it: the
 * part of `ws`'s `WebSocket` a test drives (declared here so the published
 * types do not need `@types/ws`).
 *
 * @example
 * ```ts
 * new FaultWebSocketServer({ onConnection: (socket) => socket.send('welcome') });
 * ```
 */
export interface ServerSideSocket {
  /** 0 connecting, 1 open, 2 closing, 3 closed. */
  readonly readyState: number;
  send(data: string | Buffer | Uint8Array, cb?: (error?: Error) => void): void;
  close(code?: number, reason?: string): void;
  /** Ends the TCP connection without a close frame (the client sees 1006). */
  terminate(): void;
  ping(data?: string | Buffer): void;
}

const toBuffer = (data: RawData): Buffer => (Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data));
function parseJson(text: string): unknown {
  if (!/^\s*[[{"0-9tfn-]/.test(text)) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * A `ws` server on 127.0.0.1 for your tests, with the faults a real network has:
 * kill it (sockets terminated without a close frame, port closed: connections are
 * refused) and restart it on the same port, close every client with a code and
 * reason, drop or delay frames in either direction, never answer pings, answer
 * `GET /health` on the same port, acknowledge messages the way statewire's
 * `delivery` option expects, and record every frame and close it saw.
 * `close()` leaves no socket or timer behind.
 *
 * @example
 * ```ts
 * const server = new FaultWebSocketServer({ ack: true });
 * await server.start();
 * const ws = new WebSocketConnection({ url: server.url, delivery: idAckDelivery, reconnectDelay: 10, healthUrl: false });
 * await ws.connect();
 * ws.send({ id: 1 });
 * await server.kill();     // the client sees 1006 and starts reconnecting
 * ws.send({ id: 2 });      // queued
 * await server.restart();  // same port: the client reconnects and flushes
 * await server.waitForMessages(2);
 * ws.dispose();
 * await server.close();
 * ```
 */
export class FaultWebSocketServer {
  /** Every frame received, in arrival order, across restarts (dropped ones marked). */
  readonly received: ReceivedFrame[] = [];
  /** How each connection ended, as the server saw it, in order of closing. */
  readonly closes: Array<{ connection: number; code: number; reason: string }> = [];
  /** Path (with query) and handshake headers of every accepted connection, in order. */
  readonly handshakes: Array<{ path: string; headers: IncomingHttpHeaders }> = [];
  /** Open server-side sockets. */
  get clients(): ReadonlySet<ServerSideSocket> {
    return this.sockets;
  }
  private readonly sockets = new Set<WebSocket>();
  private connectionCount = 0;
  private healthCount = 0;
  private boundPort: number;
  private current: { http: Server; wss: WebSocketServer; sockets: Set<Socket> } | undefined;
  private transition: Promise<void> = Promise.resolve();
  private dropIn = 0;
  private dropOut = 0;
  private delayMs: number;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly ack: AckProtocol | undefined;

  constructor(private readonly options: FaultWebSocketServerOptions = {}) {
    checkWebSocketServerOptions(options);
    this.boundPort = options.port ?? 0;
    this.delayMs = options.delay ?? 0;
    this.ack = options.ack === true ? idAck : options.ack === false ? undefined : options.ack;
  }

  /** The port bound (0 before the first `start()`). */
  get port(): number {
    return this.boundPort;
  }
  /** `ws://127.0.0.1:<port><path>` */
  get url(): string {
    return `ws://${LOOPBACK}:${this.boundPort}${this.options.path ?? '/ws'}`;
  }
  /** `http://127.0.0.1:<port>` (for `healthUrl`). */
  get httpUrl(): string {
    return `http://${LOOPBACK}:${this.boundPort}`;
  }
  /** Whether it listens now (false after `kill()` / `close()`). */
  get running(): boolean {
    return this.current !== undefined;
  }
  /** Connections accepted so far, across restarts. */
  get connections(): number {
    return this.connectionCount;
  }
  /** `GET /health` requests received. */
  get healthRequests(): number {
    return this.healthCount;
  }
  /** The frames not dropped: what the server's application saw. */
  delivered(): ReceivedFrame[] {
    return this.received.filter((f) => !f.dropped);
  }
  /** Parsed JSON of the text frames delivered (not dropped) that were JSON. */
  jsons(): unknown[] {
    return this.delivered().flatMap((f) => (f.json === undefined ? [] : [f.json]));
  }

  /** Listens on 127.0.0.1 (the configured port, or one the OS picks). */
  start(): Promise<void> {
    return this.serially(async () => {
      if (!this.current) await this.listen();
    });
  }
  /** Listens again on the same port after `kill()`. */
  restart(): Promise<void> {
    return this.start();
  }
  /** Terminates every client (no close frame: they see 1006) and stops listening: connections are refused until `restart()`. */
  kill(): Promise<void> {
    return this.serially(() => this.shutdown());
  }
  /** Stops for good: `kill()`, and pending delayed frames are discarded. Idempotent. */
  async close(): Promise<void> {
    await this.kill();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
  /** Drops every client at once without a closing handshake (they see 1006); keeps listening. */
  terminateAll(): void {
    for (const c of this.sockets) c.terminate();
  }
  /** Closes every client with a close frame carrying `code` and `reason`; keeps listening. */
  closeAll(code = 1000, reason = ''): void {
    for (const c of this.sockets) c.close(code, reason);
  }
  /** The next `n` frames from clients are swallowed (recorded with `dropped: true`, never acknowledged). */
  dropIncoming(n = 1): void {
    this.dropIn += n;
  }
  /** The next `n` frames the server would send (acks, echoes, `send()`) are discarded. */
  dropOutgoing(n = 1): void {
    this.dropOut += n;
  }
  /** Drops still armed by `dropIncoming()` / `dropOutgoing()`. */
  get pendingDrops(): { incoming: number; outgoing: number } {
    return { incoming: this.dropIn, outgoing: this.dropOut };
  }
  /** Disarms every drop and the outgoing delay (frames already delayed are still sent). */
  clearFaults(): void {
    this.dropIn = 0;
    this.dropOut = 0;
    this.delayMs = 0;
  }
  /** Every frame the server sends from now on waits `ms` first (0: at once). */
  delayOutgoing(ms: number): void {
    this.delayMs = ms;
  }
  /** Sends a frame (objects as JSON) to every open client, subject to drops and delay; returns how many clients it was for. */
  send(data: unknown): number {
    for (const c of this.sockets) this.write(c, data);
    return this.sockets.size;
  }
  waitForConnections(n: number, timeout = 5_000): Promise<void> {
    return waitUntil(() => this.connectionCount >= n, timeout, () => `${n} connection(s) (have ${this.connectionCount})`);
  }
  /** Waits until `n` frames were received (dropped ones count). */
  waitForMessages(n: number, timeout = 5_000): Promise<void> {
    return waitUntil(() => this.received.length >= n, timeout, () => `${n} frame(s) at the server (have ${this.received.length})`);
  }

  /** Runs start / kill one after the other, so a restart never races the kill before it. */
  private serially(step: () => Promise<void>): Promise<void> {
    this.transition = this.transition.then(step, step);
    return this.transition;
  }

  private write(socket: WebSocket, data: unknown): void {
    if (this.dropOut > 0) {
      this.dropOut--;
      return;
    }
    const frame = typeof data === 'string' || Buffer.isBuffer(data) || data instanceof Uint8Array ? data : JSON.stringify(data);
    const now = () => {
      if (socket.readyState === socket.OPEN) socket.send(frame);
    };
    if (this.delayMs <= 0) return now();
    const t = setTimeout(() => {
      this.timers.delete(t);
      now();
    }, this.delayMs);
    this.timers.add(t);
  }

  private onFrame(socket: WebSocket, connection: number, data: RawData, isBinary: boolean): void {
    const buffer = toBuffer(data);
    const text = buffer.toString('utf8');
    const dropped = this.dropIn > 0;
    if (dropped) this.dropIn--;
    const frame: ReceivedFrame = { connection, data: buffer, isBinary, text, json: isBinary ? undefined : parseJson(text), at: Date.now(), dropped };
    this.received.push(frame);
    if (dropped || this.options.onMessage?.(socket, frame) === false || socket.readyState !== socket.OPEN) return;
    if (this.options.echo) this.write(socket, isBinary ? buffer : text);
    if (this.ack && frame.json !== undefined) {
      const id = this.ack.idOf(frame.json);
      if (id !== undefined) this.write(socket, this.ack.ackFor(id));
    }
  }

  private onHttp(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '').split('?')[0];
    const health = this.options.health;
    if (path === '/health') this.healthCount++;
    const status = path === '/health' && health !== undefined ? (typeof health === 'function' ? health() : health) : 404;
    res.writeHead(status, { 'content-type': 'application/json', connection: 'close' });
    res.end(JSON.stringify({ ok: status < 300 }));
  }

  private async listen(): Promise<void> {
    const http = createServer((req, res) => this.onHttp(req, res));
    const sockets = trackSockets(http);
    const reject = this.options.rejectUpgrade;
    const wss = new WebSocketServer({
      server: http,
      autoPong: this.options.autoPong ?? true,
      ...(reject === undefined ? {} : { verifyClient: (_info: unknown, done: (ok: boolean, code?: number) => void) => done(false, reject) }),
    });
    wss.on('error', () => {});
    wss.on('connection', (socket, req) => {
      const index = ++this.connectionCount;
      this.handshakes.push({ path: req.url ?? '', headers: req.headers });
      this.sockets.add(socket);
      socket.on('close', (code, reason) => {
        this.sockets.delete(socket);
        this.closes.push({ connection: index, code, reason: reason.toString() });
      });
      socket.on('error', () => {});
      socket.on('message', (data, isBinary) => this.onFrame(socket, index, data, isBinary));
      this.options.onConnection?.(socket, index, req);
    });
    this.boundPort = await listenOn(http, this.boundPort);
    this.current = { http, wss, sockets };
  }

  private async shutdown(): Promise<void> {
    const current = this.current;
    if (!current) return;
    this.current = undefined;
    for (const c of this.sockets) c.terminate();
    this.sockets.clear();
    await new Promise<void>((resolve) => current.wss.close(() => resolve()));
    await closeServer(current.http, current.sockets);
  }
}
