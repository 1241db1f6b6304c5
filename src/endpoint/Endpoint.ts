import type { Actor, AnyActorRef } from 'xstate';
import { endpointMachine, type EndpointEnv, type EndpointStatus } from '../../machines/endpoint.js';
import type { CircuitState } from '../../machines/circuitBreaker.js';
import type { HttpHealth } from '../../machines/http.js';
import { validateOptions } from '../config/validate.js';
import { ConfigError, StatewireError, ValidationError } from '../errors.js';
import { ApiClient, type ApiClientOptions } from '../http/ApiClient.js';
import { CallbackError } from '../runtime/callUserFn.js';
import { systemClock, type Clock } from '../runtime/clock.js';
import { createRootActor } from '../runtime/createRootActor.js';
import { inspectCustom, inspectSummary } from '../security/inspectSummary.js';
import { redactUrl } from '../security/redact.js';
import { Redactor } from '../security/Redactor.js';
import { GuruConnection, type GuruConnectionOptions } from '../websocket/GuruConnection.js';
import type { WebSocketStats } from '../websocket/stats.js';
import { clientOptions, endpointSpec, type EndpointOptions } from './endpointOptions.js';
import { EndpointListeners, type EndpointEventMap, type EndpointListener } from './EndpointListeners.js';
import type { MessageFormat } from './messageFormat.js';
import { newRequestId } from './requestId.js';
import type { EndpointRoutes } from './routes.js';

export type { EndpointOptions } from './endpointOptions.js';

/** `endpoint.getStats()`: each client's own statistics, and the endpoint's summary. */
export interface EndpointStats {
  websocket: WebSocketStats;
  http: ReturnType<ApiClient['getStats']>;
  status: EndpointStatus;
}

/**
 * Seed 004's Endpoint: one entry point for a conversational backend, a
 * WebSocket (`endpoint.connection`, a `GuruConnection`) and an HTTP API
 * (`endpoint.api`, an `ApiClient`) run as the two children of one root actor
 * (`endpoint.actor`: `actor.system.get('websocket')`, `'http'`), whose context
 * shows both children's status and health. It connects as it is built.
 *
 * @example
 * ```ts
 * const endpoint = new Endpoint({ WS_URL: 'ws://localhost:8000/ws', API_BASE_URL: 'http://localhost:8000', NODE_ENV: 'production' });
 * endpoint.on('message', (data) => console.log(data));
 * const requestId = endpoint.sendUserMessage('Hello');
 * const settings = await endpoint.getSettings();
 * await endpoint.dispose();
 * ```
 */
export class Endpoint {
  /** The root actor: the parent of `websocket` and `http`; its state value is the summary. */
  readonly actor: Actor<typeof endpointMachine>;
  /** The WebSocket child: seed 004's `endpoint.connection` (`enableLogging`, `url`, `getStats()`, `_startHealthCheck()`). */
  readonly connection: GuruConnection;
  /** The HTTP child: seed 004's `endpoint.api` (`circuitBreaker.threshold`, `rateLimiter.limits.api.tokensPerSecond`, `enableLogging`). */
  readonly api: ApiClient;
  /** The `NODE_ENV` the presets came from. */
  readonly env: EndpointEnv;
  /** The routes in use (defaults filled in). */
  readonly routes: Readonly<EndpointRoutes>;
  /** The message builders in use (defaults filled in). */
  readonly messageFormat: Readonly<MessageFormat>;
  private readonly listeners: EndpointListeners;
  private disposing: Promise<void> | undefined;
  /** Set as dispose() starts (before `disposing` is assigned: its body runs first). */
  private closing = false;

  constructor(options: EndpointOptions) {
    const o = validateOptions('Endpoint', options, endpointSpec, { accept: ['clock'] });
    const clock = (options as { clock?: Clock }).clock ?? systemClock;
    this.env = o.NODE_ENV;
    this.routes = Object.freeze({ ...o.routes });
    this.messageFormat = Object.freeze({ ...o.messageFormat });
    const shared = { ...(o.logger === undefined ? {} : { logger: o.logger }), ...((options as { clock?: Clock }).clock === undefined ? {} : { clock }) };
    const { websocket, http } = clientOptions(o.NODE_ENV, { websocket: o.websocket, http: o.http });
    this.actor = createRootActor(endpointMachine, {
      input: { env: o.NODE_ENV, wsUrl: redactUrl(o.WS_URL), apiUrl: redactUrl(o.API_BASE_URL) },
      clock,
      inspect: o.inspect,
      // The inspector sees both children: it must know their credentials to scrub them from free text (a close reason, an error).
      redactor: childSecrets(o.WS_URL, o.API_BASE_URL, websocket, http),
      onError: (error) => this.listeners?.emitError(error instanceof Error ? error : new StatewireError(String(error))),
    });
    let api: ApiClient | undefined;
    try {
      // The HTTP client first: it does no I/O until a request, so a refused WebSocket option leaves nothing open.
      api = underOption('http', () => new ApiClient({ ...(http as Omit<ApiClientOptions, 'baseURL'>), ...shared, baseURL: o.API_BASE_URL }));
      api.attachTo(this.actor, 'http');
      this.connection = underOption('websocket', () =>
        new GuruConnection({
          ...(websocket as Omit<GuruConnectionOptions, 'url'>),
          ...shared,
          url: o.WS_URL,
          // A child from its first socket: nothing is dialled twice.
          attachTo: { parent: this.actor, name: 'websocket' },
        }),
      );
    } catch (error) {
      void api?.dispose();
      this.actor.stop();
      throw error;
    }
    this.api = api;
    this.listeners = new EndpointListeners(this.connection);
    this.actor.on('endpoint_status', ({ status }) => {
      // While disposing, the children leave first: only the final 'disposed' is news.
      if (!this.closing || status === 'disposed') this.listeners.emitStatus(status);
    });
    this.watchChildren(this.actor.system.get('http') as AnyActorRef);
  }

  /** Reports the children's lifecycle to the endpoint's actor (status and health changes, never messages or requests). */
  private watchChildren(http: AnyActorRef): void {
    // From the events themselves: they come during the breaker's transition, before its cached state moves.
    let breaker: CircuitState = this.api.circuitBreaker.state;
    let health: HttpHealth = this.api.getStats().health;
    const report = () => {
      if (!this.closing) this.actor.send({ type: 'HTTP_STATUS', health, breaker });
    };
    http.on('health_changed', (event: { health: HttpHealth }) => ((health = event.health), report()));
    const states = { circuit_breaker_opened: 'OPEN', circuit_breaker_half_open: 'HALF_OPEN', circuit_breaker_closed: 'CLOSED' } as const;
    for (const type of Object.keys(states) as Array<keyof typeof states>) this.api.circuitBreaker.on(type, () => ((breaker = states[type]), report()));
    this.connection.on('statusChange', (status) => {
      if (!this.closing) this.actor.send({ type: 'WEBSOCKET_STATUS', status });
    });
    // What happened before the listeners were there (the socket is already connecting).
    report();
    this.actor.send({ type: 'WEBSOCKET_STATUS', status: this.connection.getStats().status });
  }

  /**
   * Listens to an event: every `GuruConnection` event (`message`, `statusChange`,
   * `open`, `close`, `error`, `reconnecting`, `message_dropped`, …) and
   * `endpointStatus`. `error` also carries the endpoint's own failures (a handler that threw).
   *
   * @throws {ValidationError} `handler` is not a function, or `event` not a name.
   * @example
   * ```ts
   * endpoint.on('statusChange', (status) => console.log(status)).on('error', console.error);
   * ```
   */
  on<E extends keyof EndpointEventMap>(event: E, handler: EndpointListener<E>): this {
    this.listeners.on(event, handler);
    return this;
  }

  /**
   * Removes a handler added with {@link Endpoint.on}.
   *
   * @example
   * ```ts
   * endpoint.off('message', onMessage);
   * ```
   */
  off<E extends keyof EndpointEventMap>(event: E, handler: EndpointListener<E>): this {
    this.listeners.off(event, handler);
    return this;
  }

  /** The summary: `connecting | ready | degraded | down | disposed`. */
  get status(): EndpointStatus {
    const value = this.actor.getSnapshot().value;
    return typeof value === 'string' ? (value as EndpointStatus) : value.running;
  }

  /**
   * Sends `messageFormat.userMessage(text, requestId)` (default
   * `{ type: 'user_message', requestId, content }`); queued while the socket is
   * down, flushed in order on (re)connect. A message that cannot be delivered is
   * reported by a `message_dropped` event.
   *
   * @returns the requestId: the one given, or a fresh `crypto.randomUUID()`.
   * @throws {ValidationError} `text` is not a string, or `requestId` not a non-empty string.
   * @throws {CallbackError} the `messageFormat` function threw (nothing was sent).
   * @example
   * ```ts
   * const requestId = endpoint.sendUserMessage('Hello', 'req-123'); // 'req-123'
   * ```
   */
  sendUserMessage(text: string, requestId?: string): string {
    const id = this.requestIdOf('sendUserMessage', text, requestId);
    this.sendBuilt('messageFormat.userMessage', () => this.messageFormat.userMessage(text, id));
    return id;
  }

  /**
   * Sends `messageFormat.userMessageWithImage(text, base64Image, requestId)`
   * (default `{ type: 'user_message', requestId, content, image }`).
   *
   * @returns the requestId (given or fresh).
   * @throws {ValidationError} a non-string `text`, an empty or non-string `base64Image`, a bad `requestId`.
   * @example
   * ```ts
   * endpoint.sendUserMessageWithImage('What is this?', base64Png, 'req-124');
   * ```
   */
  sendUserMessageWithImage(text: string, base64Image: string, requestId?: string): string {
    const id = this.requestIdOf('sendUserMessageWithImage', text, requestId);
    if (typeof base64Image !== 'string' || base64Image === '') {
      throw new ValidationError('base64Image', `Endpoint.sendUserMessageWithImage(): base64Image must be a non-empty string, got ${describe(base64Image)}`);
    }
    this.sendBuilt('messageFormat.userMessageWithImage', () => this.messageFormat.userMessageWithImage(text, base64Image, id));
    return id;
  }

  /**
   * Sends audio as one binary frame (status `listening`). Audio is live: while
   * the socket is down it is not queued but dropped, with a `message_dropped` event.
   *
   * @returns whether it was sent.
   * @throws {ValidationError} `buffer` is not an ArrayBuffer or a typed array / DataView.
   * @example
   * ```ts
   * endpoint.streamAudio(pcmChunk.buffer);
   * ```
   */
  streamAudio(buffer: ArrayBuffer | ArrayBufferView): boolean {
    this.checkOpen('streamAudio');
    if (!(buffer instanceof ArrayBuffer) && !ArrayBuffer.isView(buffer)) {
      throw new ValidationError('buffer', `Endpoint.streamAudio(): expected an ArrayBuffer or an ArrayBufferView, got ${describe(buffer)}`);
    }
    return this.connection.streamAudio(buffer);
  }

  /**
   * GET `routes.health` (default `/health`), in the `control` rate category.
   *
   * @example
   * ```ts
   * const health = await endpoint.getHealth();
   * ```
   */
  getHealth<T = unknown>(): Promise<T> {
    return this.api.get<T>(this.routes.health, { rateCategory: 'control' });
  }

  /**
   * GET `routes.settings` (default `/api/settings`).
   *
   * @example
   * ```ts
   * const settings = await endpoint.getSettings();
   * ```
   */
  getSettings<T = unknown>(): Promise<T> {
    return this.api.get<T>(this.routes.settings);
  }

  /**
   * POST `settings` as JSON to `routes.settings` (default `/api/settings`).
   *
   * @throws {ValidationError} `settings` is not a plain object (nothing is sent).
   * @example
   * ```ts
   * await endpoint.setSettings({ theme: 'dark' });
   * ```
   */
  setSettings<T = unknown>(settings: Record<string, unknown>): Promise<T> {
    if (typeof settings !== 'object' || settings === null || Array.isArray(settings)) {
      return Promise.reject(new ValidationError('settings', `Endpoint.setSettings(): expected an object, got ${describe(settings)}`));
    }
    return this.api.post<T>(this.routes.settings, settings);
  }

  /**
   * GET `routes.models` (default `/api/models`).
   *
   * @example
   * ```ts
   * const models = await endpoint.getModels();
   * ```
   */
  getModels<T = unknown>(): Promise<T> {
    return this.api.get<T>(this.routes.models);
  }

  /**
   * Stops a generation: sends `messageFormat.stop(requestId)` (default
   * `{ type: 'stop', requestId? }`) on the socket when it is open (never queued:
   * a late stop would end the next answer), then POSTs to `routes.stop` (default
   * `/api/stop`, body `{ requestId }` when one is given), in the `control` rate category.
   *
   * @example
   * ```ts
   * await endpoint.stopGeneration();
   * await endpoint.stopGeneration('req-123');
   * ```
   */
  stopGeneration<T = unknown>(requestId?: string): Promise<T> {
    try {
      if (requestId !== undefined) checkRequestId('stopGeneration', requestId);
      const stop = this.messageFormat.stop;
      if (stop !== false && this.connection.isConnected()) this.sendBuilt('messageFormat.stop', () => stop(requestId));
    } catch (error) {
      return Promise.reject(error);
    }
    return this.api.post<T>(this.routes.stop, requestId === undefined ? undefined : { requestId }, { rateCategory: 'control' });
  }

  /**
   * Both clients' statistics: `{ websocket, http, status }`.
   *
   * @example
   * ```ts
   * const { websocket, http } = endpoint.getStats();
   * console.log(websocket.reconnectAttempts, http.circuitBreaker.state);
   * ```
   */
  getStats(): EndpointStats {
    return { websocket: this.connection.getStats(), http: this.api.getStats(), status: this.status };
  }

  /**
   * Stops everything: the socket closes (1000), pending retries end, HTTP
   * sockets close, the actor reaches `disposed`. Queued messages are reported
   * (`message_dropped`, `disposed` events). The process can exit afterwards.
   * Idempotent; resolves when the HTTP sockets are closed.
   *
   * @example
   * ```ts
   * await endpoint.dispose();
   * ```
   */
  dispose(): Promise<void> {
    if (this.disposing !== undefined) return this.disposing;
    this.closing = true;
    this.disposing = (async () => {
      this.connection.dispose();
      const closed = this.api.dispose();
      this.actor.send({ type: 'DISPOSE' });
      this.listeners.clear();
      await closed;
    })();
    return this.disposing;
  }

  /** What `console.log(endpoint)` shows: a one-line summary, credentials redacted. */
  [inspectCustom](): string {
    return inspectSummary('Endpoint', { env: this.env, status: this.status, websocket: this.connection.url, http: this.api.toJSON().baseURL });
  }

  /** What `JSON.stringify(endpoint)` gives: the same summary, credentials redacted. */
  toJSON(): { type: 'Endpoint'; env: EndpointEnv; status: EndpointStatus; websocket: ReturnType<GuruConnection['toJSON']>; http: ReturnType<ApiClient['toJSON']> } {
    return { type: 'Endpoint', env: this.env, status: this.status, websocket: this.connection.toJSON(), http: this.api.toJSON() };
  }

  private checkOpen(method: string): void {
    if (this.closing) throw new StatewireError(`Endpoint.${method}(): the endpoint was disposed`);
  }

  private requestIdOf(method: string, text: unknown, requestId: unknown): string {
    this.checkOpen(method);
    if (typeof text !== 'string') throw new ValidationError('text', `Endpoint.${method}(): text must be a string, got ${describe(text)}`);
    return requestId === undefined ? newRequestId() : checkRequestId(method, requestId);
  }

  private sendBuilt(callback: string, build: () => unknown): void {
    let message: unknown;
    try {
      message = build();
    } catch (thrown) {
      throw new CallbackError('Endpoint', callback, thrown);
    }
    // Refusals (a full queue) are reported by the connection itself: a `message_dropped` event.
    this.connection.send(message);
  }
}

/** A redactor that knows what both children know: their URLs' credentials and their configured headers. */
function childSecrets(wsUrl: string, apiUrl: string, websocket: Record<string, unknown>, http: Record<string, unknown>): Redactor {
  const sensitive = [websocket.sensitiveHeaders, http.sensitiveHeaders].flatMap((list) => (Array.isArray(list) ? list.filter((h): h is string => typeof h === 'string') : []));
  const redactor = new Redactor({ sensitiveHeaders: sensitive });
  redactor.rememberUrl(wsUrl).rememberUrl(apiUrl);
  for (const headers of [websocket.headers, http.headers]) {
    if (typeof headers === 'object' && headers !== null) redactor.rememberHeaders(headers as Record<string, string>);
  }
  return redactor;
}

function checkRequestId(method: string, requestId: unknown): string {
  if (typeof requestId !== 'string' || requestId.trim() === '') {
    throw new ValidationError('requestId', `Endpoint.${method}(): requestId must be a non-empty string, got ${describe(requestId)}`);
  }
  return requestId;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return value === '' ? 'an empty string' : 'a string';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : String(typeof value === 'number' || typeof value === 'boolean' || value === undefined ? value : typeof value);
}

/**
 * Makes a child client; a ConfigError about one of its options names it under
 * the Endpoint's option (`http.retries`, not `retries`), hint included.
 */
function underOption<T>(prefix: 'http' | 'websocket', make: () => T): T {
  try {
    return make();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const hint = error.hint?.replace(/"([^"]+)"/, `"${prefix}.$1"`);
    throw new ConfigError(`${prefix}.${error.option}`, error.value, error.reason, { owner: 'Endpoint', redactValue: error.redactValue, cause: error, ...(hint === undefined ? {} : { hint }) });
  }
}
