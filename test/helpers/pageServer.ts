/**
 * One `node:http` server on 127.0.0.1 for the Chromium test: it serves the page
 * and its script, a small JSON API, `/health`, a Server-Sent Events stream and a
 * WebSocket endpoint, all on one origin (no CORS in the way). It can be stopped
 * and restarted on the same port, as a backend restart looks to a browser.
 *
 * Events published with `publish()` are numbered (`id: 1, 2, …`) and sent to
 * every open stream; a stream that arrives with `Last-Event-ID: n` first gets
 * the events after n. WebSocket text frames are recorded; `ping` is answered
 * with `pong`, anything else is echoed.
 *
 * @example
 * ```ts
 * const server = await startPageServer({ '/app.js': bundle });
 * await page.goto(server.url + '/');
 * server.publish('hello');
 * await server.stop(); await server.restart();
 * ```
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export interface PageServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** `ws://127.0.0.1:<port>/ws` */
  readonly wsUrl: string;
  /** WebSocket connections accepted (across restarts). */
  readonly wsConnections: number;
  /** The request path (with query) of every WebSocket connection, in order. */
  readonly wsPaths: string[];
  /** Text frames received, except `ping`, in order (across restarts). */
  readonly wsTexts: string[];
  /** `ping` frames received. */
  readonly pings: number;
  /** How WebSocket connections ended, as the server saw them (path with query, close code). */
  readonly wsCloses: Array<{ path: string; code: number }>;
  /** The `Last-Event-ID` of every `/events` request, in order (undefined: none sent). */
  readonly sseRequests: Array<string | undefined>;
  /** Method and path of every `/api` request. */
  readonly apiRequests: string[];
  /** Sends the next numbered event to every open stream (and to later ones that resume before it). */
  publish(data: string): void;
  /** Drops every connection (WebSocket, streams, requests) and stops listening. */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  restart(): Promise<void>;
}

export async function startPageServer(files: Record<string, { type: string; body: string }>): Promise<PageServer> {
  const events: string[] = [];
  const streams = new Set<ServerResponse>();
  const sockets = new Set<Socket>();
  const wss = new WebSocketServer({ noServer: true });
  let port = 0;
  let server: Server | undefined;
  const state = { wsConnections: 0, wsTexts: [] as string[], pings: 0, wsPaths: [] as string[], wsCloses: [] as Array<{ path: string; code: number }>, sseRequests: [] as Array<string | undefined>, apiRequests: [] as string[] };

  const send = (res: ServerResponse, index: number) => res.write(`id: ${index + 1}\ndata: ${events[index]}\n\n`);

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '/').split('?')[0]!;
    const file = files[path];
    if (req.method === 'GET' && file) {
      res.writeHead(200, { 'content-type': file.type, 'cache-control': 'no-store' }).end(file.body);
      return;
    }
    if (path === '/health') return void res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    if (path === '/events') {
      const last = req.headers['last-event-id'];
      state.sseRequests.push(typeof last === 'string' ? last : undefined);
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
      res.write('retry: 100\n\n');
      for (let i = last === undefined ? 0 : Number(last); i < events.length; i++) send(res, i);
      streams.add(res);
      res.on('close', () => streams.delete(res));
      return;
    }
    if (path.startsWith('/api/')) {
      state.apiRequests.push(`${req.method} ${path}`);
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const json = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
        if (path === '/api/hello') return json(200, { hello: 'browser' });
        if (path === '/api/echo') return json(200, { method: req.method, contentType: req.headers['content-type'], body: Buffer.concat(chunks).toString('utf8') });
        return json(404, { error: 'no such thing' });
      });
      return;
    }
    res.writeHead(404).end();
  }

  function onConnection(socket: WebSocket, req: IncomingMessage): void {
    const path = req.url ?? '/';
    state.wsConnections++;
    state.wsPaths.push(path);
    socket.on('message', (data, isBinary) => {
      const text = isBinary ? '' : data.toString();
      if (text === 'ping') {
        state.pings++;
        return socket.send('pong');
      }
      state.wsTexts.push(text);
      socket.send(data, { binary: isBinary });
    });
    socket.on('close', (code) => state.wsCloses.push({ path, code }));
  }

  async function listen(): Promise<void> {
    const s = createServer(handle);
    s.on('connection', (socket: Socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    s.on('upgrade', (req, socket, head) => {
      if ((req.url ?? '').split('?')[0] !== '/ws') return socket.destroy();
      wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws, req));
    });
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => resolve());
    });
    port = (s.address() as AddressInfo).port;
    server = s;
  }

  await listen();
  return {
    get url() {
      return `http://127.0.0.1:${port}`;
    },
    get wsUrl() {
      return `ws://127.0.0.1:${port}/ws`;
    },
    get wsConnections() {
      return state.wsConnections;
    },
    wsPaths: state.wsPaths,
    wsTexts: state.wsTexts,
    get pings() {
      return state.pings;
    },
    wsCloses: state.wsCloses,
    sseRequests: state.sseRequests,
    apiRequests: state.apiRequests,
    publish(data: string) {
      events.push(data);
      for (const res of streams) send(res, events.length - 1);
    },
    async stop() {
      const s = server;
      server = undefined;
      if (!s) return;
      for (const client of wss.clients) client.terminate();
      for (const socket of sockets) socket.destroy();
      streams.clear();
      await new Promise<void>((resolve) => s.close(() => resolve()));
    },
    restart: listen,
  };
}
