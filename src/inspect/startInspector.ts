/**
 * `startInspector()`: the offline inspector's server on 127.0.0.1. It serves
 * the page, streams what its `inspect` observer (and the browser ingest
 * socket) sees, and answers the page's questions about one actor.
 *
 * @module
 */
import { createReadStream } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer } from 'ws';
import type { InspectionEvent } from 'xstate';
import { Redactor } from '../security/Redactor.js';
import { fromStately, fromXState } from './inspectionAdapter.js';
import { InspectorStore, type InspectorState } from './InspectorStore.js';
import { resolveInspectorOptions, type InspectorOptions } from './inspectorOptions.js';
import { LiveStream } from './LiveStream.js';
import { findMermaid } from './mermaidAsset.js';
import { pageHtml } from './page/pageHtml.js';
import { PAGE_SCRIPT } from './page/pageScript.js';
import { PAGE_STYLE } from './page/pageStyle.js';
import { stateTree } from './stateTree.js';
import { toMermaid } from './diagram/index.js';

/**
 * A running inspector.
 *
 * @example
 * ```ts
 * const inspector = await startInspector();
 * const api = new ApiClient({ baseURL: 'http://127.0.0.1:8000', inspect: inspector.inspect });
 * console.log(`inspector on ${inspector.url}`);
 * await inspector.close();
 * ```
 */
export interface Inspector {
  /** The page: `http://127.0.0.1:<port>/`. */
  readonly url: string;
  /** Where browser apps send their events: `ws://127.0.0.1:<port>/ingest` (undefined with `ingest: false`). */
  readonly ingestUrl: string | undefined;
  /** The inspection observer to give any client's, manager's or endpoint's `inspect` option (several at once). */
  readonly inspect: (event: InspectionEvent) => void;
  /** Whether the page draws statecharts with mermaid (else as an indented tree). */
  readonly mermaid: boolean;
  /** Everything the inspector holds now, as the page gets it (redacted). */
  state(): InspectorState;
  /** Stops serving: ends every page's stream and ingest socket, closes the server. Later events are ignored. */
  close(): Promise<void>;
}

/** The ingest socket takes no message larger than this (bytes). */
const MAX_INGEST_MESSAGE = 1024 * 1024;
const JSON_TYPE = 'application/json; charset=utf-8';
// The page loads only its own files: no request leaves 127.0.0.1, no inline script runs.
const CSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/**
 * Starts the offline inspector on 127.0.0.1 and resolves once it listens.
 * Open `inspector.url` in a browser: the actor tree, the selected actor's
 * statechart with its active states, its (redacted) context and its events,
 * live. A `host` other than `'127.0.0.1'` is refused with a ConfigError.
 *
 * @example
 * ```ts
 * import { startInspector } from 'statewire/inspect';
 * import { WebSocketConnection } from 'statewire';
 *
 * const inspector = await startInspector({ port: 4848 });
 * const ws = new WebSocketConnection({ url: 'ws://127.0.0.1:8000/ws', inspect: inspector.inspect });
 * console.log(`open ${inspector.url}`);
 * ```
 */
export async function startInspector(options?: InspectorOptions): Promise<Inspector> {
  const o = resolveInspectorOptions(options);
  const mermaidPath = findMermaid(o.mermaid);
  const redactor = new Redactor();
  const live = new LiveStream(() => store, o.flushMs);
  const store: InspectorStore = new InspectorStore(o, redactor, (change) => live.change(change));
  const sockets = new Set<Socket>();
  let closed = false;
  let port = 0;
  let ingestConnections = 0;

  const html = pageHtml({ mermaid: mermaidPath !== undefined });
  const hostOk = (req: IncomingMessage) => {
    // A page from elsewhere reaching 127.0.0.1 through a rebound DNS name sends its own Host: refused.
    const host = req.headers.host;
    return host === `127.0.0.1:${port}` || host === `localhost:${port}`;
  };
  // A browser tab on another site could otherwise write made-up actors into the page: only pages
  // served from this machine (a dev server on localhost, any port) and non-browser senders (no Origin) may.
  const originOk = (req: IncomingMessage) => {
    const origin = req.headers.origin;
    if (origin === undefined) return true;
    try {
      return ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(origin).hostname);
    } catch {
      return false;
    }
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('referrer-policy', 'no-referrer');
    if (!hostOk(req)) return void res.writeHead(403, { 'content-type': 'text/plain' }).end('forbidden host');
    if (req.method !== 'GET' && req.method !== 'HEAD') return void res.writeHead(405, { allow: 'GET' }).end();
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    switch (url.pathname) {
      case '/':
        return void res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'content-security-policy': CSP }).end(html);
      case '/app.js':
        return void res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-store' }).end(PAGE_SCRIPT);
      case '/favicon.ico':
        return void res.writeHead(204).end();
      case '/style.css':
        return void res.writeHead(200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'no-store' }).end(PAGE_STYLE);
      case '/mermaid.js':
        if (mermaidPath === undefined) return void res.writeHead(404, { 'content-type': 'text/plain' }).end('mermaid is not installed: npm install mermaid');
        res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'max-age=3600' });
        createReadStream(mermaidPath).on('error', () => res.destroy()).pipe(res);
        return;
      case '/api/state':
        return void res.writeHead(200, { 'content-type': JSON_TYPE, 'cache-control': 'no-store' }).end(JSON.stringify(store.state()));
      case '/api/actor':
        return actorView(url.searchParams.get('session') ?? '', res);
      case '/api/stream':
        return live.add(res);
      default:
        return void res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    }
  };

  function actorView(sessionId: string, res: ServerResponse): void {
    const actor = store.summary(sessionId);
    if (actor === undefined) return void res.writeHead(404, { 'content-type': JSON_TYPE }).end('{"error":"no such actor"}');
    const view: Record<string, unknown> = { actor, events: store.events(sessionId) };
    const machine = store.machine(sessionId);
    if (machine !== undefined) {
      try {
        const { tree, active } = stateTree(machine, store.value(sessionId));
        // State names come from the machine's definition; they pass the redactor like everything served.
        view.tree = redactor.value(tree);
        view.active = active;
        if (mermaidPath !== undefined) view.mermaid = redactor.text(toMermaid(machine, { active }));
      } catch {
        // A definition the tree or diagram cannot read (a browser actor's): the page shows no chart.
      }
    }
    res.writeHead(200, { 'content-type': JSON_TYPE, 'cache-control': 'no-store' }).end(JSON.stringify(view));
  }

  const server = createServer(handle);
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const wss = o.ingest ? new WebSocketServer({ noServer: true, maxPayload: MAX_INGEST_MESSAGE }) : undefined;
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const path = (req.url ?? '/').split('?')[0];
    if (wss === undefined || closed || !hostOk(req) || !originOk(req) || (path !== '/ingest' && path !== '/')) return void socket.destroy();
    const scope = `browser${++ingestConnections}`;
    wss.handleUpgrade(req, socket, head, (ws) => {
      ws.on('error', () => ws.terminate());
      ws.on('message', (data, isBinary) => {
        if (isBinary || closed) return;
        let message: unknown;
        try {
          message = JSON.parse(String(data));
        } catch {
          return; // not an inspection event: ignored
        }
        for (const record of fromStately(message, Date.now(), scope)) store.apply(record);
      });
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;

  const inspect = (event: InspectionEvent): void => {
    if (closed) return;
    try {
      for (const record of fromXState(event, Date.now())) store.apply(record);
    } catch (error) {
      // The inspector never breaks the app it watches.
      console.error('[statewire/inspect] could not record an inspection event:', error);
    }
  };

  return {
    url: `http://127.0.0.1:${port}/`,
    ingestUrl: wss === undefined ? undefined : `ws://127.0.0.1:${port}/ingest`,
    inspect,
    mermaid: mermaidPath !== undefined,
    state: () => store.state(),
    async close() {
      if (closed) return;
      closed = true;
      live.close();
      for (const ws of wss?.clients ?? []) ws.terminate();
      wss?.close();
      const done = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await done;
    },
  };
}
