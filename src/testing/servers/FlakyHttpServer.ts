import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { closeServer, listenHttp, LOOPBACK } from './listen.js';
import { waitUntil } from './waitUntil.js';
import { checkHttpServerOptions, checkScript, checkStep } from './checkServerOptions.js';

/** One scripted answer. Every field is optional: `{}` is a 200 with `{ ok: true }`. */
export interface HttpStep {
  /** @default 200 (302 when `redirect` is set) */
  status?: number;
  /** The body: a string is sent as text, anything else as JSON. @default `{ ok: status < 400, status }` */
  body?: unknown;
  /** Extra response headers. @default {} */
  headers?: Record<string, string>;
  /** Milliseconds to wait before answering (a slow server). @default 0 */
  delay?: number;
  /** `Retry-After`: a number is delta-seconds, a string is sent as it is (an HTTP date). @default undefined */
  retryAfter?: number | string;
  /** Answers a redirect to this location (absolute, or a path on this server). @default undefined */
  redirect?: string;
  /** Never answers: the request stays open until the client gives up or the server closes. @default false */
  hang?: boolean;
  /** Destroys the connection without answering (the client sees a network error). @default false */
  reset?: boolean;
}

/** One request as the server saw it. */
export interface RecordedHttpRequest {
  /** 0-based, in arrival order. */
  index: number;
  method: string;
  /** Path and query, as on the request line. */
  url: string;
  /** The path without the query. */
  path: string;
  /** The headers as received (the server is yours: nothing is redacted). */
  headers: IncomingHttpHeaders;
  /** The whole body as UTF-8 text ('' when none). */
  body: string;
  /** `Date.now()` when the request (with its body) arrived. */
  at: number;
  /** The step that answered it. */
  step: HttpStep;
  /** True when the connection went away before the answer was complete (client timeout or abort, `hang`, `reset`). */
  closedEarly: boolean;
}

/** Options of {@link FlakyHttpServer}. */
export interface FlakyHttpServerOptions {
  /** Port on 127.0.0.1; 0 lets the OS pick. @default 0 */
  port?: number;
  /** Steps per path (`'*'`: any path without a script of its own), taken one per request in order. @default {} */
  script?: Record<string, HttpStep[]>;
  /** The answer once a path's script is used up. @default `{ status: 200 }` */
  fallback?: HttpStep;
}

/**
 * A scriptable flaky `node:http` server on 127.0.0.1: give each path a sequence
 * of answers (statuses, delays, `Retry-After`, redirects, hanging requests,
 * connection resets), and read back every request it got, headers and body
 * included. `close()` ends hanging requests too: it never waits for a client.
 *
 * @example
 * ```ts
 * const server = new FlakyHttpServer({ script: { '/users': [{ status: 503, retryAfter: 0 }, { status: 500 }, { body: [{ id: 1 }] }] } });
 * await server.start();
 * const api = new ApiClient({ baseURL: server.url, retryDelay: 10 });
 * await api.get('/users'); // [{ id: 1 }] after two retries
 * server.count('/users');  // 3
 * await server.close();
 * ```
 */
export class FlakyHttpServer {
  /** Every request, in arrival order. */
  readonly requests: RecordedHttpRequest[] = [];
  private readonly scripts = new Map<string, HttpStep[]>();
  private fallback: HttpStep;
  private boundPort: number;
  private current: { http: Server; sockets: Set<Socket> } | undefined;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly open = new Set<ServerResponse>();

  /** @throws ConfigError naming a misspelt option or a step the server could not answer (`status: 42`). */
  constructor(options: FlakyHttpServerOptions = {}) {
    checkHttpServerOptions(options);
    this.boundPort = options.port ?? 0;
    this.fallback = options.fallback ?? {};
    for (const [path, steps] of Object.entries(options.script ?? {})) this.scripts.set(path, [...steps]);
  }

  /** The port bound (0 before `start()`). */
  get port(): number {
    return this.boundPort;
  }
  /** `http://127.0.0.1:<port>` (no trailing slash). */
  get url(): string {
    return `http://${LOOPBACK}:${this.boundPort}`;
  }
  /** Requests not answered yet (hanging, delayed, or being answered). */
  get pending(): number {
    return this.open.size;
  }

  /** Appends steps to the script of `path` (`'*'`: every path without its own script). */
  script(path: string, ...steps: HttpStep[]): this {
    checkScript(path, steps, `script('${path}')`);
    const queue = this.scripts.get(path) ?? [];
    queue.push(...steps);
    this.scripts.set(path, queue);
    return this;
  }
  /** Sets the answer used once a path's script is used up. */
  setFallback(step: HttpStep): this {
    checkStep(step, 'fallback');
    this.fallback = step;
    return this;
  }
  /** Number of requests whose path (without query) is `path`; all of them without one. */
  count(path?: string): number {
    return path === undefined ? this.requests.length : this.requests.filter((r) => r.path === path).length;
  }
  waitForRequests(n: number, timeout = 5_000): Promise<void> {
    return waitUntil(() => this.requests.length >= n, timeout, () => `${n} request(s) (have ${this.requests.length})`);
  }
  /** Destroys every open connection (a reset for anyone waiting); keeps listening. */
  destroySockets(): void {
    for (const s of this.current?.sockets ?? []) s.destroy();
  }

  /** Listens on 127.0.0.1. */
  async start(): Promise<void> {
    if (this.current) return;
    const { http, sockets, port } = await listenHttp((req, res) => this.onRequest(req, res), this.boundPort);
    this.boundPort = port;
    this.current = { http, sockets };
  }

  /** Stops listening, ends hanging and delayed requests, clears every timer. Idempotent. */
  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    const current = this.current;
    this.current = undefined;
    if (current) await closeServer(current.http, current.sockets);
  }

  private nextStep(path: string): HttpStep {
    const own = this.scripts.get(path);
    const queue = own && own.length > 0 ? own : this.scripts.get('*');
    return queue?.shift() ?? this.fallback;
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('error', () => {});
    res.on('error', () => {});
    req.on('end', () => {
      const url = req.url ?? '';
      const path = url.split('?')[0] ?? '';
      const step = this.nextStep(path);
      const record: RecordedHttpRequest = {
        index: this.requests.length,
        method: req.method ?? '',
        url,
        path,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        at: Date.now(),
        step,
        closedEarly: false,
      };
      this.requests.push(record);
      this.open.add(res);
      res.on('close', () => {
        this.open.delete(res);
        record.closedEarly = !res.writableFinished;
      });
      if (step.hang) return;
      if (!step.delay) return this.answer(req, res, step);
      const t = setTimeout(() => {
        this.timers.delete(t);
        this.answer(req, res, step);
      }, step.delay);
      this.timers.add(t);
    });
  }

  private answer(req: IncomingMessage, res: ServerResponse, step: HttpStep): void {
    if (res.destroyed) return;
    if (step.reset) {
      req.socket.destroy();
      return;
    }
    const status = step.status ?? (step.redirect !== undefined ? 302 : 200);
    const headers: Record<string, string> = { ...step.headers };
    if (step.retryAfter !== undefined) headers['retry-after'] = String(step.retryAfter);
    if (step.redirect !== undefined) headers['location'] = step.redirect;
    const body = step.body ?? { ok: status < 400, status };
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    headers['content-type'] ??= typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json';
    res.writeHead(status, { ...headers, 'content-length': Buffer.byteLength(text) });
    res.end(req.method === 'HEAD' ? undefined : text);
  }
}
