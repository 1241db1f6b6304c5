import { FlakyHttpServer, type HttpStep } from '../servers/FlakyHttpServer.js';
import { waitUntil } from '../servers/waitUntil.js';
import { expectedHttpOutcome, FAULT_STATUS, httpViolations, type HttpCallAction, type HttpContract, type HttpFault, type HttpOutcome } from './httpModel.js';
import { withTimeout } from './withTimeout.js';

/** What a runtime HTTP test needs of a client: `ApiClient` structurally. */
export interface HttpClientUnderTest {
  request(init: { method: string; url: string; data?: unknown }): Promise<unknown>;
  /** Called when the run ends, unless `options.dispose` is given. */
  dispose?(): unknown;
}

/** Options of the runtime HTTP model tests. */
export interface HttpRuntimeOptions {
  /**
   * A fresh client for `baseURL`, configured as `contract` says, with
   * `circuitBreaker: false` (the model does not predict breaker trips), a short
   * `timeout` (a hanging attempt lasts that long) and a short `retryDelay`.
   */
  client: (baseURL: string) => HttpClientUnderTest;
  /** The retry contract the client was configured with. @default ApiClient's defaults */
  contract?: HttpContract;
  /** Called when a run ends. @default `client.dispose?.()` */
  dispose?: (client: HttpClientUnderTest) => void | Promise<void>;
  /** Longest a call may take, ms: past it the call is a violation ("hangs"). @default 5000 */
  stepTimeout?: number;
}

/** The server's answer to attempt `attempt` of call `call` for `fault` (a redirect also scripts its target). */
function stepFor(server: FlakyHttpServer, call: number, attempt: number, fault: HttpFault): HttpStep {
  const body = { call, attempt };
  const status = FAULT_STATUS[fault];
  switch (fault) {
    case 'ok':
      return { body };
    case 'slow':
      return { body, delay: 20 };
    case 'redirect': {
      const target = `/c${call}/r${attempt}`;
      server.script(target, { body });
      return { redirect: target };
    }
    case 'unavailable':
    case 'tooMany':
      return { status, retryAfter: 0, body: { error: fault } };
    case 'hang':
      return { hang: true };
    case 'reset':
      return { reset: true };
    default:
      return { status, body: { error: fault } };
  }
}

/** A line per call, for the failure message. */
export function describeHttpCall(a: HttpCallAction): string {
  return `${a.method}[${a.faults.join(',') || 'ok'}]`;
}

/**
 * One run: a started {@link FlakyHttpServer}, a client, and the calls made.
 * Each {@link call} scripts the server, makes the request, and returns the
 * oracle's verdict on it: outcome, attempt answered, requests seen, and no
 * request left open at the server once the call settled.
 *
 * @example
 * ```ts
 * const run = await HttpRun.start({ client: (baseURL) => new ApiClient({ baseURL, circuitBreaker: false, retryDelay: 1, timeout: 200 }) });
 * await run.call({ method: 'GET', faults: ['unavailable', 'ok'] }); // [] when the contract held
 * await run.dispose();
 * ```
 */
export class HttpRun {
  readonly trace: string[] = [];
  private calls = 0;

  private constructor(
    readonly server: FlakyHttpServer,
    readonly client: HttpClientUnderTest,
    readonly options: HttpRuntimeOptions,
  ) {}

  static async start(options: HttpRuntimeOptions): Promise<HttpRun> {
    const server = new FlakyHttpServer();
    await server.start();
    return new HttpRun(server, options.client(server.url), options);
  }

  /** Makes one call against the scripted server; returns the contract's violations (empty: none). */
  async call(action: HttpCallAction): Promise<string[]> {
    const n = this.calls++;
    this.trace.push(describeHttpCall(action));
    const expected = expectedHttpOutcome(action, this.options.contract);
    const retries = this.options.contract?.retries ?? 2;
    const path = `/c${n}`;
    for (let attempt = 0; attempt <= retries; attempt++) this.server.script(path, stepFor(this.server, n, attempt, action.faults[attempt] ?? 'ok'));
    const timeout = this.options.stepTimeout ?? 5_000;
    const label = `call ${n} ${describeHttpCall(action)}`;
    let seen: HttpOutcome & { data?: unknown; error?: string };
    try {
      const data = (await withTimeout(this.client.request({ method: action.method, url: path, ...(action.method === 'GET' || action.method === 'DELETE' ? {} : { data: { n } }) }), timeout, label)) as { call?: unknown; attempt?: unknown } | null;
      seen = { kind: 'data', requests: 0, data, ...(typeof data?.attempt === 'number' ? { attempt: data.attempt } : {}) };
      if (data?.call !== n) return [`${label}: resolved with ${JSON.stringify(data)}, not the body of call ${n}`];
    } catch (error) {
      const e = error as { isApiError?: boolean; isTimeoutError?: boolean; isNetworkError?: boolean; status?: number; message?: string };
      if (String(e.message).startsWith(`timed out after ${timeout} ms`)) return [`${label}: did not settle within ${timeout} ms`];
      const kind = e.isApiError ? 'ApiError' : e.isTimeoutError ? 'TimeoutError' : e.isNetworkError ? 'NetworkError' : 'other';
      seen = { kind, requests: 0, ...(kind === 'ApiError' ? { status: e.status } : {}), error: `${(error as Error).name}: ${e.message}` };
    }
    const mine = () => this.server.requests.filter((r) => r.path === path || r.path.startsWith(`${path}/`));
    seen.requests = mine().length;
    const violations = httpViolations(label, expected, seen);
    await waitUntil(() => this.server.pending === 0, timeout).catch(() => violations.push(`${label}: ${this.server.pending} request(s) left open at the server after the call settled`));
    return violations;
  }

  async dispose(): Promise<void> {
    await (this.options.dispose ? this.options.dispose(this.client) : this.client.dispose?.());
    await this.server.close();
  }
}
