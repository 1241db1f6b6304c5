import type { Actor, AnyActorRef } from 'xstate';
import type { httpClientMachine, HttpHealth } from '../../machines/http.js';
import type { CircuitBreaker, CircuitBreakerState } from '../breaker/CircuitBreaker.js';
import type { RateLimiter, RateLimiterStats } from '../rateLimiter/RateLimiter.js';
import { orderedOrRaised, validateOptions } from '../config/validate.js';
import { ConfigError } from '../errors.js';
import { RequestPipeline, type HttpResponse, type PreparedRequest } from './RequestPipeline.js';
import { buildUrl } from './buildUrl.js';
import { checkConfigHeaders } from './headerSyntax.js';
import { OriginGuard } from './OriginGuard.js';
import { inspectCustom, inspectSummary } from '../security/inspectSummary.js';
import { splitCredentials } from '../security/splitCredentials.js';
import { serializeBody, withBodyHeaders } from './bodies.js';
import { createLog, type Log } from '../runtime/createLog.js';
import { checkInspect } from '../runtime/inspection.js';
import { checkTransportSecurity } from '../security/securityPolicy.js';
import { validateWith } from '../security/validateWith.js';
import { definedOnly } from '../../machines/definedOnly.js';
import { hasHeader } from '../security/hasHeader.js';
import { addInterceptor } from './addInterceptor.js';
import { sharedOptions } from '../rateLimiter/SharedLimits.js';
import { apiClientSpec, type ApiClientOptions, type ApiResponse, type CallInit, type RequestConfig, type RequestInterceptor, type RequestOptions, type ResponseInterceptor } from './apiClientOptions.js';

export type { ApiClientOptions, ApiResponse, RequestConfig, RequestInterceptor, RequestOptions, ResponseInterceptor } from './apiClientOptions.js';

const EMPTY: Record<string, string> = {};

/**
 * Seed 004's HTTP client on statewire's machines: retries with backoff and
 * Retry-After, a circuit breaker, client-side rate limiting, interceptors and
 * typed errors. Calls resolve to the parsed body (JSON when the response says
 * JSON, else text), or to what the response interceptors return.
 *
 * @example
 * ```ts
 * const client = new ApiClient({ baseURL: 'http://localhost:8000', timeout: 12000, retries: 2 });
 * const users = await client.get('/api/users');
 * const created = await client.post('/api/users', { name: 'John' });
 * client.dispose();
 * ```
 */
export class ApiClient {
  /**
   * The client's statechart; `actor.system.get('breaker')` and `'rateLimiter'`
   * are its children (`<name>.breaker` under a parent). After {@link ApiClient.attachTo}
   * it is the new child: read it again rather than keeping it.
   */
  get actor(): Actor<typeof httpClientMachine> {
    return this.core.actor;
  }
  readonly circuitBreaker: CircuitBreaker;
  readonly rateLimiter: RateLimiter;
  readonly baseURL: string;
  private readonly core: RequestPipeline;
  private readonly defaults: ReturnType<typeof validateOptions<typeof apiClientSpec>>;
  private readonly requestInterceptors: RequestInterceptor[] = [];
  private readonly responseInterceptors: ResponseInterceptor[] = [];
  private readonly log: Log;
  private readonly guard: OriginGuard;

  constructor(given: ApiClientOptions) {
    const options = validateOptions('ApiClient', given, apiClientSpec, { accept: ['transport', 'clock', 'inspect', 'shared', 'sharedKey'] });
    orderedOrRaised(options, given, 'retryDelay', 'maxRetryDelay', 'ApiClient');
    if (given.transport !== undefined && !['auto', 'undici', 'fetch'].includes(given.transport as string)) {
      const t = given.transport as { request?: unknown; close?: unknown };
      if (typeof t !== 'object' || typeof t.request !== 'function' || typeof t.close !== 'function') {
        throw new ConfigError('transport', given.transport, "expected 'auto', 'undici', 'fetch' or an object with request() and close()", { owner: 'ApiClient' });
      }
    }
    checkTransportSecurity({ url: options.baseURL, securityLevel: options.securityLevel, encryption: options.encryption, rejectUnauthorized: options.rejectUnauthorized, owner: 'ApiClient' });
    checkConfigHeaders(options.headers, 'headers', 'ApiClient', options.sensitiveHeaders);
    const { url: baseURL, authorization } = splitCredentials(options.baseURL);
    if (authorization !== undefined && !hasHeader(options.headers, 'authorization')) {
      options.headers = { ...options.headers, Authorization: authorization };
    }
    this.defaults = options;
    this.baseURL = baseURL;
    this.log = createLog({ enabled: options.enableLogging, logger: options.logger, sensitiveHeaders: options.sensitiveHeaders, prefix: 'ApiClient' });
    this.log.remember(options.headers, options.baseURL);
    if (authorization !== undefined) this.log.redactor.remember(authorization);
    this.guard = new OriginGuard({
      owner: 'ApiClient',
      baseURL,
      headers: options.headers,
      sensitiveHeaders: options.sensitiveHeaders,
      securityLevel: options.securityLevel,
      encryption: options.encryption,
      rejectUnauthorized: options.rejectUnauthorized,
      maxRedirects: options.maxRedirects,
      redactor: this.log.redactor,
    });
    this.core = new RequestPipeline({
      owner: 'ApiClient',
      baseURL,
      deadline: options.deadline,
      retryDelay: options.retryDelay,
      backoffMultiplier: 2,
      maxRetryDelay: options.maxRetryDelay,
      retryStatusCodes: options.retryStatusCodes,
      retryMethods: options.retryMethods,
      circuitBreaker: options.circuitBreaker,
      breaker: definedOnly(options.circuitBreakerOptions),
      rateLimiter: options.rateLimiter,
      limits: options.rateLimiterOptions.limits,
      transport: given.transport ?? 'auto',
      transportOptions: { connections: options.connections, keepAlive: options.keepAlive, compression: options.compression, rejectUnauthorized: options.rejectUnauthorized },
      maxResponseBytes: options.maxResponseBytes,
      dial: this.guard,
      clock: given.clock,
      inspect: checkInspect('ApiClient', given.inspect),
      ...sharedOptions('ApiClient', given),
      redactor: this.log.redactor,
      onError: (error) => this.log.error('actor error', error),
      onRetry: ({ attempt, delay, error, request }) =>
        this.log.warn(`${request.method} ${request.url} failed (${(error as Error).message}); retry ${attempt} in ${delay} ms`),
    });
    this.circuitBreaker = this.core.breaker;
    this.rateLimiter = this.core.limiter;
    this.actor.send({ type: 'CONNECT' });
  }

  /** Turns logging on or off at run time (`endpoint.api.enableLogging = true`). */
  get enableLogging(): boolean {
    return this.log.enabled;
  }
  set enableLogging(value: boolean) {
    // A non-boolean is refused, not coerced: the old value stays.
    if (typeof value !== 'boolean') throw new ConfigError('enableLogging', value, 'expected a boolean', { owner: 'ApiClient' });
    this.log.enabled = value;
  }

  /**
   * GET `path` (a path is joined to `baseURL`; an absolute URL or a `URL` is used as it is), with
   * `options.params` as the query. Retried on timeouts, network errors and
   * `retryStatusCodes`, up to `retries` times.
   *
   * @returns the response body: parsed JSON when the response says JSON, else text;
   *   with `{ raw: true }`, `{ status, headers, data }` (every verb takes `raw`).
   * @throws as {@link ApiClient.request} does.
   *
   * @example
   * ```ts
   * const users = await client.get<User[]>('/users', { params: { page: 2 }, timeout: 5000 });
   * const { status, headers, data } = await client.get<User[]>('/users', { raw: true });
   * ```
   */
  get<T = unknown>(path: string | URL, options: RequestOptions & { raw: true }): Promise<HttpResponse<T>>;
  get<T = unknown>(path: string | URL, options?: RequestOptions & { raw?: false }): Promise<T>;
  get<T = unknown>(path: string | URL, options?: RequestOptions): Promise<T | HttpResponse<T>>;
  get<T = unknown>(path: string | URL, options?: RequestOptions): Promise<T | HttpResponse<T>> {
    return this.run({ ...options, method: 'GET', url: path }) as Promise<T | HttpResponse<T>>;
  }
  /**
   * DELETE `path`. Idempotent, so retried like `get`.
   *
   * @returns the response body: parsed JSON when the response says JSON, else text.
   * @throws as {@link ApiClient.request} does.
   *
   * @example
   * ```ts
   * await client.delete(`/users/${id}`);
   * ```
   */
  delete<T = unknown>(path: string | URL, options: RequestOptions & { raw: true }): Promise<HttpResponse<T>>;
  delete<T = unknown>(path: string | URL, options?: RequestOptions & { raw?: false }): Promise<T>;
  delete<T = unknown>(path: string | URL, options?: RequestOptions): Promise<T | HttpResponse<T>>;
  delete<T = unknown>(path: string | URL, options?: RequestOptions): Promise<T | HttpResponse<T>> {
    return this.run({ ...options, method: 'DELETE', url: path }) as Promise<T | HttpResponse<T>>;
  }
  /**
   * HEAD `path`. Retried like `get`.
   *
   * @returns the response headers (lower-case names): a HEAD answer has no body.
   * @throws as {@link ApiClient.request} does.
   *
   * @example
   * ```ts
   * const { 'content-length': size } = await client.head('/files/report.pdf'); // ApiError { status: 404 } when it is not there
   * ```
   */
  head<T = Record<string, string>>(path: string | URL, options: RequestOptions & { raw: true }): Promise<HttpResponse<T>>;
  head<T = Record<string, string>>(path: string | URL, options?: RequestOptions & { raw?: false }): Promise<T>;
  head<T = Record<string, string>>(path: string | URL, options?: RequestOptions): Promise<T | HttpResponse<T>>;
  head<T = Record<string, string>>(path: string | URL, options?: RequestOptions): Promise<T | HttpResponse<T>> {
    return this.run({ ...options, method: 'HEAD', url: path }) as Promise<T | HttpResponse<T>>;
  }
  /**
   * POST `data` to `path`: a plain object or array is sent as JSON, a string as
   * text. Not idempotent: retried only when `retryMethods` includes POST or the
   * request carries an `Idempotency-Key` header (a request that never reached
   * the server is always retried).
   *
   * @returns the response body: parsed JSON when the response says JSON, else text.
   * @throws as {@link ApiClient.request} does.
   *
   * @example
   * ```ts
   * const created = await client.post<User>('/users', { name: 'Ada' }, { headers: { 'Idempotency-Key': crypto.randomUUID() } });
   * ```
   */
  post<T = unknown>(path: string | URL, data: unknown, options: RequestOptions & { raw: true }): Promise<HttpResponse<T>>;
  post<T = unknown>(path: string | URL, data?: unknown, options?: RequestOptions & { raw?: false }): Promise<T>;
  post<T = unknown>(path: string | URL, data?: unknown, options?: RequestOptions): Promise<T | HttpResponse<T>>;
  post<T = unknown>(path: string | URL, data?: unknown, options?: RequestOptions): Promise<T | HttpResponse<T>> {
    return this.run({ ...options, method: 'POST', url: path, data }) as Promise<T | HttpResponse<T>>;
  }
  /**
   * PUT `data` to `path` (sent as `post` sends it). Idempotent, so retried like `get`.
   *
   * @returns the response body: parsed JSON when the response says JSON, else text.
   * @throws as {@link ApiClient.request} does.
   *
   * @example
   * ```ts
   * await client.put(`/users/${id}`, { name: 'Ada Lovelace' });
   * ```
   */
  put<T = unknown>(path: string | URL, data: unknown, options: RequestOptions & { raw: true }): Promise<HttpResponse<T>>;
  put<T = unknown>(path: string | URL, data?: unknown, options?: RequestOptions & { raw?: false }): Promise<T>;
  put<T = unknown>(path: string | URL, data?: unknown, options?: RequestOptions): Promise<T | HttpResponse<T>>;
  put<T = unknown>(path: string | URL, data?: unknown, options?: RequestOptions): Promise<T | HttpResponse<T>> {
    return this.run({ ...options, method: 'PUT', url: path, data }) as Promise<T | HttpResponse<T>>;
  }
  /**
   * PATCH `path` with `data` (sent as `post` sends it). Not idempotent: retried
   * as `post` is.
   *
   * @returns the response body: parsed JSON when the response says JSON, else text.
   * @throws as {@link ApiClient.request} does.
   *
   * @example
   * ```ts
   * await client.patch(`/users/${id}`, { email: 'ada@example.com' });
   * ```
   */
  patch<T = unknown>(path: string | URL, data: unknown, options: RequestOptions & { raw: true }): Promise<HttpResponse<T>>;
  patch<T = unknown>(path: string | URL, data?: unknown, options?: RequestOptions & { raw?: false }): Promise<T>;
  patch<T = unknown>(path: string | URL, data?: unknown, options?: RequestOptions): Promise<T | HttpResponse<T>>;
  patch<T = unknown>(path: string | URL, data?: unknown, options?: RequestOptions): Promise<T | HttpResponse<T>> {
    return this.run({ ...options, method: 'PATCH', url: path, data }) as Promise<T | HttpResponse<T>>;
  }

  /**
   * Any method: `{ method, url, data, headers, params, timeout, retries, rateCategory, signal, raw }`.
   * With `raw: true` the call resolves `{ status, headers, data }` (see {@link RequestOptions.raw}).
   * `url` is a path joined to `baseURL`, or an absolute URL (a string or a `URL`):
   * to another origin than `baseURL`'s, the configured credentials stay behind
   * (only headers this call or an interceptor set go along).
   *
   * @throws {ApiError} the server answered with a status of 400 or more (after any retries): `status`, `body`.
   * @throws {TimeoutError} an attempt outlived `timeout`, or the call its `deadline`.
   * @throws {NetworkError} the server could not be reached.
   * @throws {CircuitBreakerError} the breaker is open: nothing was sent.
   * @throws {RateLimitError} the client's rate limit (or a server-imposed pause) refused the call.
   * @throws {ValidationError} `requestSchema` / `responseSchema` refused the body, or a header or URL is invalid.
   *
   * @example
   * ```ts
   * const { status, headers } = await client.request({ method: 'OPTIONS', url: '/users', raw: true });
   * ```
   */
  request<T = unknown>(init: CallInit & { raw: true }): Promise<HttpResponse<T>>;
  request<T = unknown>(init: CallInit & { raw?: false }): Promise<T>;
  request<T = unknown>(init: CallInit): Promise<T | HttpResponse<T>>;
  request<T = unknown>(init: CallInit): Promise<T | HttpResponse<T>> {
    return this.run(init) as Promise<T | HttpResponse<T>>;
  }

  private async run(init: CallInit): Promise<unknown> {
    // Fixed shape first, then the caller's fields: \`{ ...init, more }\` gives every config a
    // hidden class of its own in V8 (~1 µs here, and megamorphic reads downstream).
    let config: RequestConfig = {
      method: '', url: '', baseURL: '', headers: EMPTY, data: undefined, params: undefined, timeout: undefined, retries: undefined,
      rateCategory: undefined, signal: undefined, requestSchema: undefined, responseSchema: undefined, raw: undefined,
    };
    Object.assign(config, init);
    if (typeof init.url !== 'string') config.url = String(init.url);
    config.method = (init.method ?? 'GET').toUpperCase();
    config.baseURL = this.baseURL;
    config.headers = { ...this.defaults.headers, ...init.headers };
    for (const intercept of this.requestInterceptors) config = await intercept(config);
    if (config.requestSchema) config = { ...config, data: await validateWith(config.requestSchema, config.data) };
    const prepared = this.prepare(config);
    prepared.headers = this.guard.outgoing(prepared.url, prepared.headers, init.headers, init.headers !== undefined || this.requestInterceptors.length > 0);
    if (this.log.enabled) this.log.remember(config.headers);
    let response: HttpResponse;
    try {
      response = await this.core.send(prepared);
    } catch (error) {
      this.log.debug(`${prepared.method} ${prepared.url} failed: ${(error as Error)?.message}`);
      throw error;
    }
    if (prepared.method === 'HEAD') response = { ...response, data: response.headers };
    if (config.responseSchema) response = { ...response, data: await validateWith(config.responseSchema, response.data) };
    // A raw call asked for the response itself: interceptors shape data-resolving calls only.
    if (config.raw === true) return response;
    if (this.responseInterceptors.length === 0) return response.data;
    let result: unknown = { ...response, config };
    for (const intercept of this.responseInterceptors) result = await intercept(result as ApiResponse);
    return result;
  }

  private prepare(config: RequestConfig): PreparedRequest {
    const { url: target, endpoint } = buildUrl(config.baseURL ?? this.baseURL, config.url, config.params);
    const serialized = serializeBody(config.data);
    const body = serialized.body;
    const headers = withBodyHeaders(config.headers, serialized);
    const timeout = config.timeout ?? this.defaults.timeout;
    const retries = config.retries ?? this.defaults.retries;
    if (!(timeout >= 0 && timeout <= 3_600_000)) throw new ConfigError('timeout', timeout, 'expected 0..3600000 ms', { owner: 'ApiClient.request' });
    if (!(Number.isInteger(retries) && retries >= 0 && retries <= 100)) throw new ConfigError('retries', retries, 'expected an integer 0..100', { owner: 'ApiClient.request' });
    return {
      method: config.method,
      url: target,
      headers,
      body,
      timeout,
      retries,
      rateCategory: config.rateCategory ?? 'api',
      signal: config.signal,
      endpoint,
    };
  }

  /** Runs before every call (once, not per retry); may return a changed config. Returns a remover. */
  addRequestInterceptor(interceptor: RequestInterceptor): () => void {
    return addInterceptor(this.requestInterceptors, interceptor);
  }

  /** Receives `{ status, headers, data, config }`; what it returns is what the call returns. Returns a remover. */
  addResponseInterceptor(interceptor: ResponseInterceptor): () => void {
    return addInterceptor(this.responseInterceptors, interceptor);
  }

  /** `{ state: 'CLOSED' | 'OPEN' | 'HALF_OPEN', failureCount, nextAttempt }`. */
  getCircuitBreakerState(): CircuitBreakerState {
    return this.circuitBreaker.getState();
  }

  resetCircuitBreaker(): void {
    this.circuitBreaker.reset();
  }

  /** `{ rateLimited, totalRequests, byEndpoint }`; `byEndpoint` is keyed by route template (`/users/:id`), at most 256 keys, the rest under `other`. */
  getRateLimiterStats(): RateLimiterStats {
    return this.rateLimiter.getStats();
  }

  /** Counters, breaker, limiter and health in one plain object. */
  getStats(): {
    requests: number;
    succeeded: number;
    failed: number;
    retries: number;
    health: HttpHealth;
    circuitBreaker: CircuitBreakerState;
    rateLimiter: RateLimiterStats;
  } {
    return {
      ...this.core.counters,
      health: this.core.currentHealth,
      circuitBreaker: this.getCircuitBreakerState(),
      rateLimiter: this.getRateLimiterStats(),
    };
  }

  /**
   * Runs the client's machine as the child `name` of `parent`, so
   * `parent.system.get(name)` finds it; its breaker and limiter are
   * `<name>.breaker` and `<name>.rateLimiter` there. The machine starts afresh
   * under the parent (XState cannot move a running actor): breaker CLOSED; the
   * health (a move is no news about the service), the breaker's window and the
   * limiter's tokens carry over, and so do listeners on `circuitBreaker` /
   * `rateLimiter`. Read `client.actor`
   * again afterwards. Returns the new actor.
   *
   * @example
   * ```ts
   * const client = new ApiClient({ baseURL: 'http://127.0.0.1:8000' });
   * client.attachTo(parent, 'api');
   * parent.system.get('api.breaker') === client.circuitBreaker.actor; // true
   * ```
   */
  attachTo(parent: AnyActorRef, name: string): AnyActorRef {
    return this.core.attachTo(parent, name);
  }

  /** Undoes {@link ApiClient.attachTo}: the machine runs as a root actor of its own again (afresh, as under a parent). */
  detach(): AnyActorRef {
    return this.core.detach();
  }

  /** Stops the machine and its children, ends retry waits, closes the sockets. */
  dispose(): Promise<void> {
    return this.core.dispose();
  }

  /** What `console.log(client)` shows: a one-line summary, credentials redacted. */
  [inspectCustom](): string {
    return inspectSummary('ApiClient', { ...this.toJSON(), type: undefined });
  }

  /** What `JSON.stringify(client)` gives: the same summary as `console.log`, credentials redacted. */
  toJSON(): { type: 'ApiClient'; baseURL: string; circuitBreaker: string; health: string } {
    return { type: 'ApiClient', baseURL: this.log.redactor.url(this.baseURL), circuitBreaker: this.circuitBreaker.state, health: this.core.currentHealth };
  }
}
