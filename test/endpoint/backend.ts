/**
 * A conversational backend on 127.0.0.1 for the Endpoint tests: a `ws` server
 * (`/ws`, GET /health on its port too) and an HTTP API with seed 004's routes
 * (GET /health, GET|POST /api/settings, GET /api/models, POST /api/stop).
 *
 * @example
 * ```ts
 * const backend = await startBackend();
 * const endpoint = new Endpoint({ WS_URL: backend.wsUrl, API_BASE_URL: backend.apiUrl });
 * await backend.stop();
 * ```
 */
import { json, routes, startServer, type Handler, type TestServer } from '../helpers/testServer.js';
import { startWsServer, type WsServerOptions, type WsTestServer } from '../helpers/wsServer.js';

export interface Backend {
  ws: WsTestServer;
  http: TestServer;
  wsUrl: string;
  apiUrl: string;
  /** The settings the API holds (POST replaces them). */
  settings: Record<string, unknown>;
  stop(): Promise<void>;
}

export async function startBackend(options: { ws?: WsServerOptions; routes?: Record<string, Handler> } = {}): Promise<Backend> {
  const ws = await startWsServer({ health: 200, ...options.ws });
  const backend = { settings: { theme: 'light' } as Record<string, unknown> } as Backend;
  const http = await startServer(
    routes({
      '/health': (_req, res) => json(res, 200, { status: 'ok' }),
      '/api/settings': (req, res) => {
        if (req.method === 'POST') backend.settings = JSON.parse(req.body) as Record<string, unknown>;
        json(res, 200, backend.settings);
      },
      '/api/models': (_req, res) => json(res, 200, { models: ['small', 'large'] }),
      '/api/stop': (req, res) => json(res, 200, { stopped: true, body: req.body === '' ? null : JSON.parse(req.body) }),
      ...options.routes,
    }),
  );
  Object.assign(backend, {
    ws,
    http,
    wsUrl: ws.url,
    apiUrl: http.url,
    stop: () => Promise.all([ws.stop(), http.close()]).then(() => undefined),
  });
  return backend;
}
