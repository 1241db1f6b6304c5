import type { Actor, AnyActorRef } from 'xstate';
import type { httpClientMachine } from '../../machines/http.js';
import type { CircuitBreaker } from '../breaker/CircuitBreaker.js';
import type { RateLimiter } from '../rateLimiter/RateLimiter.js';
import { systemClock, type Clock } from '../runtime/clock.js';
import { checkInspect, type Inspect } from '../runtime/inspection.js';
import type { ConnectionConfig, Logger } from '../config/ConnectionConfig.js';
import { ConnectionHealth, ConnectionType, SecurityLevel } from '../config/enums.js';
import { bool, list, methods, ms, num, oneOf, optional, PLAUSIBLE_DELAY_MS, PLAUSIBLE_TIMEOUT_MS, record, str, url, validateOptions } from '../config/validate.js';
import { CONNECTION_CONFIG_FIELDS, connectionDefaults as defaults } from '../config/connectionDefaults.js';
import { ApiError, NetworkError, StatewireError, TimeoutError } from '../errors.js';
import type { HttpResponse } from './RequestPipeline.js';
import { HealthCheckingPipeline } from './HealthCheckingPipeline.js';
import { buildUrl, joinPath, type QueryParams } from './buildUrl.js';
import { checkConfigHeaders } from './headerSyntax.js';
import { OriginGuard } from './OriginGuard.js';
import { inspectCustom, inspectSummary } from '../security/inspectSummary.js';
import { splitCredentials } from '../security/splitCredentials.js';
import { hasHeader } from '../security/hasHeader.js';
import { serializeBody, withBodyHeaders } from './bodies.js';
import { createLog, type Log } from '../runtime/createLog.js';
import { HealthPoller } from './HealthPoller.js';
import { ConnectionMetrics, type ConnectionMetricsSnapshot } from '../metrics/ConnectionMetrics.js';
import { checkTransportSecurity } from '../security/securityPolicy.js';
import { redactUrl } from '../security/redact.js';
import type { TransportChoice } from './transports/createHttpTransport.js';
import { ConnectionEvents, type ConnectionEvent, type EventSeverity } from '../runtime/ConnectionEvents.js';
import { sharedOptions, type SharedOptions } from '../rateLimiter/SharedLimits.js';

/** What `send()` takes (seed 000). `body` may be a string or any JSON value. */
export interface HTTPRequest {
  method?: string;
  /**
   * A path joined to the connection's `url`, or an absolute URL (a string or a
   * `URL`): to another origin, the configured credentials stay behind.
   */
  url: string | URL;
  headers?: Record<string, string>;
  body?: unknown;
  /** Query parameters; an array value repeats the name (`{ a: [1, 2] }` → `a=1&a=2`). */
  params?: QueryParams;
  timeout?: number;
  signal?: AbortSignal;
}

/** What `healthCheck()` resolves (seed 000). */
export interface HealthCheckResult {
  isHealthy: boolean;
  /** ms. */
  responseTime: number;
  details: { url: string; status?: number; circuitBreaker: string; health: ConnectionHealth };
  errorMessage?: string;
}

const spec = {
  name: str({ default: defaults.http.name }),
  url: url({ protocols: ['http', 'https'] }),
  timeout: ms(1, 3_600_000, defaults.http.timeout, PLAUSIBLE_TIMEOUT_MS),
  retryCount: num({ integer: true, min: 0, max: 100, default: defaults.http.retryCount }),
  retryDelay: ms(0, 3_600_000, defaults.http.retryDelay, PLAUSIBLE_DELAY_MS),
  backoffMultiplier: num({ min: 1, max: 100, default: defaults.http.backoffMultiplier }),
  maxConnections: num({ integer: true, min: 1, max: 10_000, default: 10 }),
  keepAlive: ms(0, 3_600_000, 30_000),
  compression: bool({ default: true }),
  encryption: bool({ default: true }),
  securityLevel: oneOf(Object.values(SecurityLevel), { default: SecurityLevel.STANDARD }),
  healthCheckInterval: optional(ms(0, 86_400_000, 0)),
  healthCheckTimeout: ms(1, 3_600_000, defaults.http.healthCheckTimeout, PLAUSIBLE_TIMEOUT_MS),
  healthPath: str({ nonEmpty: true, default: '/health' }),
  autoRetry: bool({ default: true }),
  circuitBreaker: bool({ default: true }),
  circuitBreakerThreshold: num({ integer: true, min: 1, max: 1_000_000, default: 5 }),
  circuitBreakerTimeout: ms(1, 2_147_483_647, defaults.http.circuitBreakerTimeout, PLAUSIBLE_TIMEOUT_MS),
  rateLimit: bool({ default: false }),
  rateLimitRequests: num({ integer: true, min: 1, max: 10_000_000, default: 100 }),
  rateLimitWindow: ms(1, 86_400_000, 60_000),
  auditLogging: bool({ default: false }),
  monitoring: bool({ default: true }),
  customHeaders: record(str(), { default: {} }),
  sensitiveHeaders: list(str({ nonEmpty: true }), { default: [] }),
  debug: bool({ default: false }),
  logLevel: optional(oneOf(['debug', 'info', 'warn', 'error', 'silent'] as const)),
  enableLogging: bool({ default: false }),
  logger: optional(methods<Logger>(['debug', 'info', 'warn', 'error'])),
  rejectUnauthorized: bool({ default: true }),
  maxResponseBytes: num({ integer: true, min: 1, max: 2 ** 32, default: 50 * 1024 * 1024 }),
  maxRedirects: num({ integer: true, min: 0, max: 1000, default: 10 }),
};

/** Options of {@link HTTPConnection} beyond seed 000's `ConnectionConfig`. */
export interface HTTPConnectionOptions extends SharedOptions {
  transport?: TransportChoice;
  clock?: Clock;
  /**
   * An XState inspection observer (e.g. `createBrowserInspector().inspect` from
   * `@statelyai/inspect`): sees this client's actor and its children, redacted.
   * Ignored once the client runs as a parent's child (the parent's system is inspected).
   *
   * @default undefined
   */
  inspect?: Inspect;
  /**
   * Redirects followed per attempt (in Node, by statewire on either transport);
   * `0` follows none and rejects with an `ApiError` carrying the `location`.
   * In a browser, fetch follows redirects itself; `0` maps to `redirect: 'error'`.
   *
   * @default 10
   */
  maxRedirects?: number;
}

/**
 * Seed 000's stateless HTTP connection, on the same engine as `ApiClient`:
 * retries with backoff, a circuit breaker, optional rate limiting, health checks,
 * metrics and events. `send()` resolves `{ status, headers, data }` for a 2xx/3xx
 * answer and rejects with a typed error otherwise.
 *
 * @example
 * ```ts
 * const httpConn = new HTTPConnection({ url: 'http://127.0.0.1:8000', timeout: 5000 });
 * await httpConn.connect();
 * const response = await httpConn.send({ method: 'GET', url: '/users' });
 * const health = await httpConn.healthCheck();
 * await httpConn.disconnect();
 * ```
 */
export class HTTPConnection {
  readonly connectionType = ConnectionType.HTTP;
  readonly name: string;
  /** The configured URL, credentials redacted (user-info and secret query parameters), as the WebSocket and SSE `url`. */
  readonly url: string;
  /** The configured URL without its user-info (moved to `Authorization`): what requests are built from. */
  private readonly baseUrl: string;
  private readonly guard: OriginGuard;
  /** The connection's statechart (after {@link HTTPConnection.attachTo}, the new child: read it again rather than keeping it). */
  get actor(): Actor<typeof httpClientMachine> {
    return this.core.actor;
  }
  readonly circuitBreaker: CircuitBreaker;
  readonly rateLimiter: RateLimiter;
  private readonly config: ReturnType<typeof validateOptions<typeof spec>>;
  private readonly core: HealthCheckingPipeline;
  private readonly clock: Clock;
  private readonly log: Log;
  private readonly events: ConnectionEvents;
  private readonly metrics: ConnectionMetrics;
  private connected = false;
  /** Automatic checks, only when `healthCheckInterval` is given (a connection alone does not poll otherwise). */
  private readonly poller: HealthPoller | undefined;

  constructor(config: ConnectionConfig & HTTPConnectionOptions) {
    // Seed 000 spreads one ConnectionConfig into every class: its fields are accepted; other unknown keys are refused.
    const options = validateOptions('HTTPConnection', config, spec, { accept: [...CONNECTION_CONFIG_FIELDS, 'transport', 'clock', 'inspect', 'shared', 'sharedKey'] });
    checkTransportSecurity({ url: options.url, securityLevel: options.securityLevel, encryption: options.encryption, rejectUnauthorized: options.rejectUnauthorized, owner: 'HTTPConnection' });
    checkConfigHeaders(options.customHeaders, 'customHeaders', 'HTTPConnection', options.sensitiveHeaders);
    const { url: cleanUrl, authorization } = splitCredentials(options.url);
    if (authorization !== undefined && !hasHeader(options.customHeaders, 'authorization')) {
      options.customHeaders = { ...options.customHeaders, Authorization: authorization };
    }
    this.config = options;
    this.name = options.name;
    this.baseUrl = cleanUrl;
    this.url = redactUrl(cleanUrl);
    this.clock = config.clock ?? systemClock;
    const level = options.logLevel ?? (options.debug ? 'debug' : 'info');
    this.log = createLog({
      enabled: options.enableLogging || options.debug || options.logLevel !== undefined,
      level,
      audit: options.auditLogging,
      logger: options.logger,
      sensitiveHeaders: options.sensitiveHeaders,
      prefix: `HTTPConnection ${options.name}`,
    });
    this.log.remember(options.customHeaders, options.url);
    this.guard = new OriginGuard({
      owner: 'HTTPConnection',
      baseURL: cleanUrl,
      headers: options.customHeaders,
      sensitiveHeaders: options.sensitiveHeaders,
      securityLevel: options.securityLevel,
      encryption: options.encryption,
      rejectUnauthorized: options.rejectUnauthorized,
      maxRedirects: options.maxRedirects,
      redactor: this.log.redactor,
    });
    this.events = new ConnectionEvents(options.name, this.clock, this.log);
    this.metrics = new ConnectionMetrics({ clock: this.clock, enabled: options.monitoring });
    this.core = new HealthCheckingPipeline({
      owner: 'HTTPConnection',
      baseURL: cleanUrl,
      deadline: 0,
      retryDelay: options.retryDelay,
      backoffMultiplier: options.backoffMultiplier,
      maxRetryDelay: 30_000,
      retryStatusCodes: [408, 429, 500, 502, 503, 504],
      retryMethods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE'],
      circuitBreaker: options.circuitBreaker,
      // The seed has no volume option: `threshold` failures are enough to open.
      breaker: { threshold: options.circuitBreakerThreshold, volumeThreshold: options.circuitBreakerThreshold, timeout: options.circuitBreakerTimeout },
      rateLimiter: options.rateLimit,
      limits: { api: { tokensPerSecond: (options.rateLimitRequests * 1000) / options.rateLimitWindow, burstCapacity: options.rateLimitRequests } },
      transport: config.transport ?? 'auto',
      transportOptions: { connections: options.maxConnections, keepAlive: options.keepAlive, compression: options.compression, rejectUnauthorized: options.rejectUnauthorized },
      maxResponseBytes: options.maxResponseBytes,
      dial: this.guard,
      clock: this.clock,
      inspect: checkInspect('HTTPConnection', config.inspect),
      ...sharedOptions('HTTPConnection', config),
      redactor: this.log.redactor,
      onError: (error) => this.log.error('actor error', error),
      onHealthChange: (health) => this.events.health(health as ConnectionHealth),
      onRetry: ({ attempt, delay, error, request }) => {
        this.log.warn(`${request.method} ${request.url} failed (${(error as Error).message}); retry ${attempt} in ${delay} ms`);
        this.events.emit('retry', `retrying ${request.method} ${request.endpoint} in ${delay} ms`, 'warning', { attempt, delay });
      },
    });
    this.circuitBreaker = this.core.breaker;
    this.rateLimiter = this.core.limiter;
    this.wireMachineEvents();
    if (options.healthCheckInterval !== undefined && options.healthCheckInterval > 0) {
      this.poller = new HealthPoller(this.clock, options.healthCheckInterval, () => this.healthCheck());
    }
  }

  private wireMachineEvents(): void {
    this.circuitBreaker.on('circuit_breaker_opened', (e) =>
      this.events.emit('circuit_breaker_opened', `circuit breaker opened after ${e.failureCount} failures`, 'error', { nextAttempt: e.nextAttempt }),
    );
    this.circuitBreaker.on('circuit_breaker_half_open', () => this.events.emit('circuit_breaker_half_open', 'circuit breaker half-open: probing', 'warning'));
    this.circuitBreaker.on('circuit_breaker_closed', () => this.events.emit('circuit_breaker_closed', 'circuit breaker closed', 'info'));
    this.rateLimiter.on('rate_limited', (e) => this.events.emit('rate_limited', `rate limited; retry after ${e.retryAfter} ms`, 'warning', e));
  }

  /**
   * Runs this connection's machine as the child `name` of `parent` (default:
   * the `name` option), so `parent.system.get(name)` finds it; its breaker and
   * limiter are `<name>.breaker` and `<name>.rateLimiter` there. The machine
   * starts afresh under the parent (XState cannot move a running actor): breaker
   * CLOSED; the health and the connected state (a move is no news about the
   * service: `onHealthChange` is not called), the breaker's window and the
   * limiter's tokens carry over, and so do listeners. Returns the new actor.
   *
   * @example
   * ```ts
   * const api = new HTTPConnection({ url: 'http://127.0.0.1:8000', name: 'api' });
   * api.attachTo(parent);
   * parent.system.get('api.breaker') === api.circuitBreaker.actor; // true
   * ```
   */
  attachTo(parent: AnyActorRef, name: string = this.name): AnyActorRef {
    return this.core.attachTo(parent, name);
  }

  /** Undoes {@link HTTPConnection.attachTo}: the machine runs as a root actor of its own again (afresh, as under a parent; the health carries over). */
  detach(): AnyActorRef {
    return this.core.detach();
  }

  /** Marks the connection ready (HTTP holds no socket open until a request needs one). */
  async connect(): Promise<void> {
    if (this.connected) return;
    this.connected = true;
    this.actor.send({ type: 'CONNECT' });
    this.poller?.start();
    this.metrics.markConnected();
    this.log.audit(`connected to ${redactUrl(this.url)}`);
    this.events.emit('connected', `connected to ${redactUrl(this.url)}`, 'info');
  }

  isConnected(): boolean {
    return this.connected;
  }

  /** Sends a request; connects first when needed. */
  async send(request: HTTPRequest): Promise<HttpResponse> {
    if (!this.connected) await this.connect();
    const method = (request.method ?? 'GET').toUpperCase();
    const { url: target, endpoint } = buildUrl(this.baseUrl, request.url, request.params);
    const serialized = serializeBody(request.body);
    const body = serialized.body;
    const headers = withBodyHeaders({ ...this.config.customHeaders, ...request.headers }, serialized);
    if (this.log.enabled) this.log.remember(headers);
    // Refused before the limiter and the breaker (nothing sent, retried or counted); no configured credential to another origin.
    const outgoing = this.guard.outgoing(target, headers, request.headers, request.headers !== undefined);
    const started = this.clock.now();
    try {
      const response = await this.core.send({
        method,
        url: target,
        headers: outgoing,
        body,
        timeout: request.timeout ?? this.config.timeout,
        retries: this.config.autoRetry ? this.config.retryCount : 0,
        rateCategory: 'api',
        signal: request.signal,
        endpoint,
      });
      this.metrics.recordRequest(this.clock.now() - started, true);
      return response;
    } catch (error) {
      this.metrics.recordRequest(this.clock.now() - started, false);
      this.reportFailure(error, method, endpoint);
      throw error;
    }
  }

  private reportFailure(error: unknown, method: string, endpoint: string): void {
    const what = `${method} ${endpoint}: ${(error as Error)?.message ?? String(error)}`;
    if (error instanceof ApiError && (error.status === 401 || error.status === 403)) {
      this.log.audit(`authentication failed (${error.status}) for ${method} ${endpoint}`);
      this.events.emit('authentication_failed', what, 'error', { status: error.status });
    } else if (error instanceof NetworkError || error instanceof TimeoutError) {
      this.events.emit('connection_failed', what, 'error', { code: error instanceof NetworkError ? error.code : 'TIMEOUT' });
    } else if (error instanceof StatewireError) {
      this.events.emit('request_failed', what, 'error', error instanceof ApiError ? { status: error.status } : undefined);
    }
  }

  /**
   * GET `healthPath` (default `/health`); any 2xx is healthy. Goes around the
   * breaker. Rejects once the connection is disposed. With `healthCheckInterval`
   * given, it also runs every interval while connected.
   */
  async healthCheck(timeout?: number): Promise<HealthCheckResult> {
    // The health path joins the URL's path; the URL's query is not sent (`/api?token=…` → `/api/health`).
    const target = joinPath(this.baseUrl, this.config.healthPath);
    const result = await this.core.check(target, timeout ?? this.config.healthCheckTimeout);
    const errorMessage = result.error === undefined ? undefined : this.log.redactor.text((result.error as Error).message ?? String(result.error));
    if (!result.ok) this.events.emit('health_check_failed', `health check failed: ${errorMessage}`, 'warning', { status: result.status });
    return {
      isHealthy: result.ok,
      responseTime: result.responseTime,
      details: {
        url: redactUrl(target),
        ...(result.status === undefined ? {} : { status: result.status }),
        circuitBreaker: this.circuitBreaker.state,
        health: this.events.currentHealth ?? ConnectionHealth.UNKNOWN,
      },
      ...(errorMessage === undefined ? {} : { errorMessage }),
    };
  }

  /** `{ requestCount, errorCount, errorRate, averageResponseTime, p50, p95, p99, throughput, uptime }`. */
  getMetrics(): ConnectionMetricsSnapshot {
    return this.metrics.snapshot();
  }

  onEvent(handler: (event: ConnectionEvent) => void): () => void {
    return this.events.onEvent(handler);
  }

  onHealthChange(handler: (health: ConnectionHealth) => void): () => void {
    return this.events.onHealthChange(handler);
  }

  /** Emits a custom event to `onEvent` handlers (redacted like every other). */
  emitEvent(eventType: string, options: { data?: unknown; severity?: EventSeverity; message?: string } = {}): void {
    this.events.emit(eventType, options.message ?? eventType, options.severity ?? 'info', options.data);
  }

  /**
   * Marks the connection closed and closes its pooled sockets (the process may
   * exit). Graceful, and bounded by the connection's `timeout`: requests in
   * flight may finish within it; those still running after it are aborted, and
   * they (like a retry that would start after the close) reject with a
   * `StatewireError` ("HTTPConnection was disconnected while the request was in
   * flight"), neither retried nor counted against the service. A health check
   * in flight is not waited for: it rejects at once ("HTTPConnection was
   * disconnected during the health check"). A later `send()` connects again.
   *
   * @example
   * ```ts
   * await httpConn.disconnect(); // resolves within `timeout` ms, whatever is in flight
   * ```
   */
  async disconnect(): Promise<void> {
    this.markDisconnected();
    await this.core.disconnectTransport(this.config.timeout);
  }

  private markDisconnected(): void {
    if (!this.connected) return;
    this.connected = false;
    this.poller?.stop();
    this.actor.send({ type: 'DISCONNECT' });
    this.metrics.markDisconnected();
    this.log.audit(`disconnected from ${redactUrl(this.url)}`);
    this.events.emit('disconnected', `disconnected from ${redactUrl(this.url)}`, 'info');
  }

  /**
   * Disconnects and stops the machine for good, at once: requests and health
   * checks in flight reject with a `StatewireError` ("HTTPConnection was
   * disposed") and the sockets are closed (the process may exit), as
   * `ApiClient.dispose()` does.
   *
   * @example
   * ```ts
   * await httpConn.dispose(); // nothing in flight is waited for
   * ```
   */
  async dispose(): Promise<void> {
    this.markDisconnected();
    await this.core.dispose();
  }

  /** What `console.log(connection)` shows: a one-line summary, credentials redacted. */
  [inspectCustom](): string {
    return inspectSummary('HTTPConnection', { ...this.toJSON(), type: undefined });
  }

  /** What `JSON.stringify(connection)` gives: the same summary as `console.log`, credentials redacted. */
  toJSON(): { type: 'HTTPConnection'; name: string; url: string; connected: boolean; circuitBreaker: string; health: string | undefined } {
    return { type: 'HTTPConnection', name: this.name, url: this.log.redactor.url(this.baseUrl), connected: this.connected, circuitBreaker: this.circuitBreaker.state, health: this.events.currentHealth };
  }
}
