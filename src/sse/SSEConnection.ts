import { fromCallback, type Actor, type EventObject, type SnapshotFrom } from 'xstate';
import { attemptsShown } from '../../machines/reconnectLoop.js';
import { sseMachine, sseStatusOf, type SseEmitted, type SseEndReason, type SseEvent, type SseStatus } from '../../machines/sse.js';
import { systemClock, type Clock } from '../runtime/clock.js';
import { ConnectionType, type ConnectionHealth } from '../config/enums.js';
import { orderedOrRaised, validateOptions } from '../config/validate.js';
import { createRootActor } from '../runtime/createRootActor.js';
import { ConfigError, NetworkError, StatewireError, TimeoutError } from '../errors.js';
import { createLog, type Log } from '../runtime/createLog.js';
import { hasHeader } from '../security/hasHeader.js';
import { splitCredentials } from '../security/splitCredentials.js';
import { parseValue } from '../runtime/parseText.js';
import { redactUrl } from '../security/redact.js';
import { checkTransportSecurity } from '../security/securityPolicy.js';
import { checkHeaders } from '../security/headerSyntax.js';
import { inspectCustom, inspectSummary } from '../security/inspectSummary.js';
import { attemptFailureError, connectTimeoutError, type AttemptProgress, type ConnectPhase } from '../runtime/connectFailure.js';
import { PersistentConnection, healthOfStatus } from '../runtime/PersistentConnection.js';
import { actorOwners } from '../runtime/actorOwners.js';
import { Inbox } from '../runtime/Inbox.js';
import { openEventStream, type EventStream, type StreamHandlers } from './transports/openEventStream.js';
import { streamRedirectRules } from './transports/streamRedirects.js';
import { sseAccept, sseSpec, type SSEConnectionOptions } from './sseOptions.js';

/** One server-sent event as `receive()` and `on()` deliver it. */
export interface SSEMessage {
  /** The stream's last event id after this event ('' when the server never sent one). */
  id: string;
  /** The event's name: `message` when the server sent none. */
  event: string;
  /** The data, JSON-parsed when it parses (per `parse`), else the string. */
  data: unknown;
  /** The data as sent. */
  raw: string;
  /** The server's `retry:` (ms) when it arrived since the previous event. */
  retry?: number;
}

/** `getStats()`. */
export interface SSEStats {
  connected: boolean;
  status: SseStatus;
  reconnectAttempts: number;
  lastEventId: string | null;
  eventsReceived: number;
  bytesReceived: number;
  lastConnectedAt: number | null;
  /** When the last byte (event or comment) arrived. */
  lastActivityAt: number | null;
}

type Handler = (message: SSEMessage) => void;

/**
 * A Server-Sent Events stream that survives what a bare `EventSource` gives up
 * on, on `sseMachine`: it reconnects with jittered backoff (the server's `retry:`
 * sets the pace), resumes with `Last-Event-ID`, recomputes headers (a refreshed
 * token) before every attempt, reconnects when the server ends the stream or it
 * stalls for `idleTimeout`, cuts off an event larger than `maxEventBytes`, stops
 * on 204 and ends in `error` on 401 / 403 (`authentication_failed`).
 * Events go from the stream to `on()` and `receive()` directly, never through
 * the actor. `connect()` is idempotent: it never opens a second stream.
 *
 * @example
 * ```ts
 * const sse = new SSEConnection({ url: 'http://127.0.0.1:8000/events' });
 * sse.on('price', (e) => console.log(e.data));
 * await sse.connect();
 * const event = await sse.receive(5000);
 * sse.dispose();
 * ```
 */
export class SSEConnection extends PersistentConnection {
  readonly connectionType = ConnectionType.SSE;
  readonly name: string;
  /** The URL as configured, redacted. */
  readonly url: string;
  readonly actor: Actor<typeof sseMachine>;
  private readonly o: ReturnType<typeof validateOptions<typeof sseSpec>>;
  /** The URL requested: without user-info, which fetch refuses (it becomes `basicAuth`). */
  private readonly targetUrl: string;
  /** `Authorization: Basic …` from user-info in the URL, unless headers set their own. */
  private readonly basicAuth: string | undefined;
  protected readonly clock: Clock;
  // Made on first use (see the getters).
  private logInstance: Log | undefined;
  private inboxInstance: Inbox<SSEMessage> | undefined;
  /** Handlers per event name; each array is replaced, never changed, so a dispatch in progress is unaffected. */
  private handlers: Record<string, Handler[]> | undefined;
  /** The `message` handlers (unnamed events, the common case), kept apart so that path does no lookup. */
  private messageHandlers: Handler[] | undefined;
  private open = false;
  private status: SseStatus = 'idle';
  private disposed = false;
  private lastEventId: string | null = null;
  private eventsReceived = 0;
  private bytesReceived = 0;
  private lastConnectedAt: number | null = null;
  private lastActivityAt: number | null = null;
  /** A `retry:` not yet delivered with an event. */
  private retryToReport: number | undefined;
  /** The latest attempt's progress: what connect() reports when it did not open. */
  private lastAttempt: AttemptProgress | undefined = undefined;
  /** Why the last attempt failed: what connect() rejects with once the session ends without a stream. */
  private lastFailure: Error | undefined;
  /** `lastError` of the machine's context as last seen (a new 'connect timeout' is a new failure). */
  private seenError: string | null = null;

  constructor(options: SSEConnectionOptions) {
    super();
    const o = validateOptions('SSEConnection', options, sseSpec, { accept: sseAccept });
    orderedOrRaised(o, options, 'retryDelay', 'maxRetryDelay', 'SSEConnection');
    this.o = o;
    checkTransportSecurity({ url: o.url, securityLevel: o.securityLevel, encryption: o.encryption, rejectUnauthorized: true, owner: 'SSEConnection' });
    const { url: target, authorization } = splitCredentials(o.url);
    this.targetUrl = target;
    this.basicAuth = authorization;
    this.clock = options.clock ?? systemClock;
    this.name = o.name;
    this.url = redactUrl(o.url);
    this.actor = createRootActor(connectionMachine, {
      input: {
        url: this.url,
        connectTimeout: o.timeout,
        reconnectDelay: o.retryDelay,
        backoffMultiplier: o.backoffMultiplier,
        maxReconnectDelay: o.maxRetryDelay,
        // One connect() makes retryCount + 1 attempts; reconnects after a drop follow maxReconnectAttempts.
        maxConnectAttempts: o.autoReconnect ? o.retryCount + 1 : 1,
        maxReconnectAttempts: o.autoReconnect ? o.maxReconnectAttempts : 1,
        minUptime: o.minUptime,
        seed: (Math.random() * 2 ** 32) | 0,
      },
      clock: this.clock,
      onSnapshot: (snapshot) => this.onSnapshot(snapshot),
      onError: (error) => this.log.error('actor error', error),
    });
    owners.set(this.actor.system, this);
    this.actor.on('*', (e) => this.onMachineEvent(e));
  }

  /**
   * One attempt's stream, run by the `stream` actor: it opens, reports the
   * lifecycle to the machine, hands events straight to the connection, and
   * watches for a stall. An object rather than closures: every open stream keeps one.
   */
  private static readonly Attempt = class StreamAttempt implements StreamHandlers, AttemptProgress {
    stopped = false;
    stream: EventStream | undefined = undefined;
    phase: ConnectPhase = 'headers';
    failure: unknown = undefined;
    error: StatewireError | undefined = undefined;
    /** One timer for the idle check, re-armed lazily: activity only records a time. */
    idleTimer: unknown = undefined;
    lastActivity = 0;

    constructor(
      readonly conn: SSEConnection,
      readonly sendBack: (event: SseEvent) => void,
    ) {}

    async open(): Promise<void> {
      const conn = this.conn;
      let headers: Record<string, string>;
      try {
        headers = await conn.headersForAttempt();
      } catch (error) {
        // No request was made: the headers function failed, or its headers were refused (a ConfigError).
        this.failure = error;
        if (this.stopped) return;
        const refused = error instanceof ConfigError;
        if (!refused) conn.callbackFailed('headers', error);
        const why = refused ? '' : 'the headers function failed: ';
        return this.sendBack({ type: 'STREAM_FAILED', reason: conn.log.redactor.text(`could not open: ${why}${(error as Error)?.message ?? error}`) });
      }
      try {
        if (this.stopped) return;
        // No hook tells when TCP connects: from here on the request is on its way.
        this.phase = 'handshake';
        const o = conn.o;
        const stream = await openEventStream(
          conn.targetUrl,
          { headers, lastEventId: conn.lastEventId, withCredentials: o.withCredentials, maxEventBytes: o.maxEventBytes, redirects: streamRedirectRules(o), ...(o.fetch ? { fetch: conn.userFetch(o.fetch) } : {}) },
          this,
        );
        this.stream = stream;
        if (this.stopped) stream.close();
      } catch (error) {
        if (!this.stopped) this.sendBack({ type: 'STREAM_FAILED', reason: conn.log.redactor.text(`could not open: ${(error as Error)?.message ?? error}`) });
      }
    }

    onOpen(): void {
      if (this.stopped) return;
      this.lastActivity = this.conn.clock.now();
      this.armIdle(this.conn.o.idleTimeout);
      this.sendBack({ type: 'OPENED', at: this.lastActivity });
    }

    onEvent(type: string, data: string, lastEventId: string): void {
      if (!this.stopped) this.conn.deliver(type, data, lastEventId);
    }

    onActivity(bytes: number): void {
      const conn = this.conn;
      conn.bytesReceived += bytes;
      this.lastActivity = conn.lastActivityAt = conn.clock.now();
    }

    onRetry(ms: number): void {
      if (this.stopped) return;
      this.conn.retryToReport = ms;
      this.sendBack({ type: 'RETRY_SET', ms });
    }

    onEnd(reason: 'end' | 'dropped', message?: string): void {
      if (message !== undefined) this.conn.log.debug(`stream dropped: ${message}`);
      this.end(reason);
    }

    onFailure(reason: string, status?: number, error?: unknown): void {
      if (this.stopped) return;
      const conn = this.conn;
      // A redirect chain that failed: connect() rejects with its error (the construction-time ConfigError for a refused target).
      if (error instanceof StatewireError) this.error = error;
      // The caller's shouldReconnect decides for any status it is asked about; without one the machine's rule (401 / 403 final) holds.
      const ask = status !== undefined && status !== 204 ? conn.o.shouldReconnect : undefined;
      // One that throws is reported, and the status is treated as final: a broken callback never loops.
      const verdict = ask === undefined ? {} : { terminal: !conn.guarded('shouldReconnect', () => Boolean(ask(status!)), false) };
      this.sendBack({ type: 'STREAM_FAILED', reason: conn.log.redactor.text(reason), ...(status === undefined ? {} : { status }), ...verdict });
    }

    onOversized(bytes: number): void {
      const conn = this.conn;
      conn.log.warn(`an event passed maxEventBytes (${conn.o.maxEventBytes}); reconnecting`);
      conn.eventsInstance?.emit('event_too_large', `an event passed ${conn.o.maxEventBytes} bytes`, 'warning', { bytes, maxEventBytes: conn.o.maxEventBytes });
      this.end('oversized');
    }

    private end(reason: SseEndReason): void {
      this.clearIdle();
      if (!this.stopped) this.sendBack({ type: 'STREAM_ENDED', reason, at: this.conn.clock.now() });
    }

    /** Fires when nothing arrived for idleTimeout; activity in between only moves `lastActivity`. */
    private armIdle(idleTimeout: number): void {
      if (idleTimeout <= 0) return;
      const clock = this.conn.clock;
      const due = this.lastActivity + idleTimeout - clock.now();
      this.idleTimer = clock.setTimeout(() => {
        this.idleTimer = undefined;
        if (this.stopped) return;
        if (clock.now() - this.lastActivity < idleTimeout) return this.armIdle(idleTimeout);
        this.conn.log.warn(`no event or comment for ${idleTimeout} ms; reconnecting`);
        this.conn.eventsInstance?.emit('stream_stalled', `nothing received for ${idleTimeout} ms`, 'warning', { idleTimeout });
        this.stream?.close();
        this.end('idle');
      }, Math.max(0, due));
    }

    private clearIdle(): void {
      if (this.idleTimer !== undefined) this.conn.clock.clearTimeout(this.idleTimer);
      this.idleTimer = undefined;
    }

    /** Leaving `stream`: close what this attempt opened. */
    stop(): void {
      this.stopped = true;
      this.clearIdle();
      this.stream?.close();
      // Kept as the connection's lastAttempt until the next one: without the closed stream.
      this.stream = undefined;
    }
  };

  /** @internal The `stream` actor's work. */
  runStream(sendBack: (event: SseEvent) => void): () => void {
    const attempt = new SSEConnection.Attempt(this, sendBack);
    this.lastAttempt = attempt;
    void attempt.open();
    return () => attempt.stop();
  }

  /** The headers of the next attempt: custom headers under `headers` (a function is called now). */
  private async headersForAttempt(): Promise<Record<string, string>> {
    const given = this.o.headers;
    const computed = typeof given === 'function' ? await given() : given;
    if (computed !== undefined && (typeof computed !== 'object' || computed === null)) {
      throw new TypeError('the headers function did not return an object');
    }
    // A function's headers pass the construction-time rules (no CR/LF, valid names) before any request.
    const checked = typeof given === 'function' && computed !== undefined ? checkHeaders(computed, 'headers', 'SSEConnection') : computed;
    const headers: Record<string, string> = { ...this.o.customHeaders, ...checked };
    if (this.basicAuth !== undefined && !hasHeader(headers, 'authorization')) headers.Authorization = this.basicAuth;
    // New secrets (a refreshed token) are redacted from then on.
    if (typeof given === 'function') this.log.remember(headers);
    return headers;
  }

  /** The per-event path: count, decode, hand to handlers and the inbox. */
  private deliver(type: string, raw: string, lastEventId: string): void {
    this.eventsReceived++;
    // eventsource 4 reports '' both for "no id" and for an empty `id:` (which per spec
    // resets it); the former is far more common, so '' keeps the last id.
    if (lastEventId !== '') this.lastEventId = lastEventId;
    const parse = this.o.parse;
    let data: unknown;
    if (typeof parse !== 'function') data = parseValue(raw, parse);
    else {
      // A parse function that throws is reported; the event is still delivered, with its data as sent.
      try {
        data = parse(raw);
      } catch (error) {
        this.callbackFailed('parse', error);
        data = raw;
      }
    }
    const message: SSEMessage = { id: this.lastEventId ?? '', event: type, data, raw };
    if (this.retryToReport !== undefined) {
      message.retry = this.retryToReport;
      this.retryToReport = undefined;
    }
    const handlers = type === 'message' ? this.messageHandlers : this.handlers?.[type];
    if (handlers !== undefined) for (const handler of handlers) this.call(handler, message);
    // Push and pull see the same stream; the inbox is bounded and only reports overflow nobody received.
    this.inbox.push(message);
  }

  private call(handler: Handler, message: SSEMessage): void {
    try {
      handler(message);
    } catch (error) {
      this.callbackFailed(`on('${message.event}') handler`, error);
    }
  }

  /**
   * Runs a user callback; one that throws is reported (log and `onEvent`
   * `callback_error`, severity error) and `fallback` is used instead, so the
   * connection goes on.
   */
  private guarded<T>(name: string, fn: () => T, fallback: T): T {
    try {
      return fn();
    } catch (error) {
      this.callbackFailed(name, error);
      return fallback;
    }
  }

  /** The caller's fetch, with a synchronous throw (a bug, not a network failure) reported before the attempt fails. */
  private userFetch(given: typeof fetch): typeof fetch {
    return (...args) => {
      try {
        return given(...args);
      } catch (error) {
        this.callbackFailed('fetch', error);
        throw error;
      }
    };
  }

  /** The class name a contained callback's error starts with (see `PersistentConnection.callbackFailed`). */
  protected override get ownerName(): string {
    return 'SSEConnection';
  }

  private onMachineEvent(e: SseEmitted): void {
    switch (e.type) {
      case 'open':
        this.open = true;
        this.lastConnectedAt = e.at;
        this.metricsInstance?.markConnected(this.lastConnectedAt);
        this.eventsInstance?.emit('connected', `connected to ${this.url}`, 'info');
        return this.settleOpenWaiters();
      case 'ended':
        this.open = false;
        this.metricsInstance?.markDisconnected();
        this.eventsInstance?.emit('connection_lost', `stream ${e.reason}`, 'warning', { reason: e.reason });
        return;
      case 'reconnecting':
        this.eventsInstance?.emit('reconnecting', `reconnecting in ${Math.round(e.delay)} ms (attempt ${e.attempt})`, 'info', {
          attempt: e.attempt,
          delay: e.delay,
        });
        return;
      case 'max_reconnect_attempts':
        this.eventsInstance?.emit('connection_failed', `gave up after ${e.attempts} attempts`, 'error', { attempts: e.attempts });
        // As ky and got: the call rejects with the last attempt's error once the attempts are spent.
        return this.settleOpenWaiters(this.lastFailure ?? new StatewireError(`SSEConnection gave up after ${e.attempts} attempts`));
      case 'stopped':
        this.eventsInstance?.emit('stream_stopped', 'the server answered 204 No Content: not reconnecting', 'info', { status: 204 });
        return this.settleOpenWaiters(new NetworkError('HTTP_204', this.url, true, { cause: new Error('the server answered 204 No Content') }));
      case 'error': {
        const status = e.status;
        const fallback = () => new NetworkError(status !== undefined ? `HTTP_${status}` : 'SSE_CONNECT_FAILED', this.url, status !== undefined, { cause: new Error(e.message) });
        const error = status !== undefined ? fallback() : this.attemptError(false, fallback);
        if (status === 401 || status === 403) this.eventsInstance?.emit('authentication_failed', e.message, 'error', { status });
        else this.eventsInstance?.emit('connection_error', e.message, 'warning', status === undefined ? undefined : { status });
        // connect() rejects only when the session ends (a final answer, or its attempts spent): see onSnapshot.
        this.lastFailure = error;
        return;
      }
    }
  }

  /** Status, health and `isConnected()` follow the machine. */
  private onSnapshot(snapshot: SnapshotFrom<typeof sseMachine>): void {
    if (this.open && !snapshot.matches({ session: { stream: 'open' } })) this.open = false;
    const { lastError } = snapshot.context;
    if (lastError !== this.seenError) {
      this.seenError = lastError;
      if (lastError === CONNECT_TIMEOUT) {
        this.lastFailure = this.attemptError(true, () => new TimeoutError(this.url, this.o.timeout, { cause: new Error('no answer to the stream request') }));
      }
    }
    // A session that ended without a stream (a final answer, or no attempt left) rejects connect() with the last failure.
    if (this.awaitingOpen && snapshot.matches('error')) this.settleOpenWaiters(this.lastFailure ?? new StatewireError('SSEConnection failed to connect'));
    const status = sseStatusOf(snapshot);
    if (status === this.status) return;
    this.status = status;
    this.eventsInstance?.health(healthOfStatus(status));
  }

  /**
   * Why the last attempt did not open: its own failure (the headers function
   * failed, or its headers were refused), a TimeoutError naming its phase, or else `fallback`.
   */
  private attemptError(timedOut: boolean, fallback: () => StatewireError): StatewireError {
    const attempt = this.lastAttempt;
    if (attempt?.error !== undefined) return attempt.error;
    if (attempt?.failure !== undefined) {
      return attemptFailureError('SSE_CONNECT_FAILED', this.url, attempt.failure, 'the headers function failed', (t) => this.log.redactor.text(t));
    }
    if (timedOut && attempt !== undefined) return connectTimeoutError(this.url, this.o.timeout, attempt.phase, 'the server sent no response headers');
    return fallback();
  }

  /** What `console.log(connection)` and `util.inspect` show: a short summary, secrets redacted. */
  [inspectCustom](): string {
    return inspectSummary('SSEConnection', { name: this.name, url: this.url, status: this.status, health: this.health });
  }

  /** What `JSON.stringify(connection)` gives (a structured logger, say): the same summary, secrets redacted. */
  toJSON(): { type: 'SSEConnection'; name: string; url: string; status: SseStatus; health: ConnectionHealth } {
    return { type: 'SSEConnection', name: this.name, url: this.url, status: this.status, health: this.health };
  }

  protected get log(): Log {
    if (this.logInstance === undefined) {
      const o = this.o;
      this.logInstance = createLog({ enabled: o.enableLogging, logger: o.logger, sensitiveHeaders: o.sensitiveHeaders, prefix: `SSE ${o.name}` });
      const known: Record<string, string> = typeof o.headers === 'object' ? { ...o.customHeaders, ...o.headers } : { ...o.customHeaders };
      if (this.basicAuth !== undefined) known.Authorization = this.basicAuth;
      this.logInstance.remember(known, o.url);
    }
    return this.logInstance;
  }

  protected get health(): ConnectionHealth {
    return healthOfStatus(this.status);
  }

  protected get monitoring(): boolean {
    return this.o.monitoring;
  }

  protected get openSince(): number | null {
    return this.open ? this.lastConnectedAt : null;
  }

  private get inbox(): Inbox<SSEMessage> {
    return (this.inboxInstance ??= new Inbox<SSEMessage>({
      capacity: this.o.inboxSize,
      clock: this.clock,
      onOverflow: (m) => {
        // Reported only when someone listens and no handler received the event already.
        if (this.eventsInstance !== undefined && this.handlers?.[m.event] === undefined) {
          this.eventsInstance?.emit('message_dropped', `event dropped (inbox full)`, 'warning', { event: m.event, id: m.id });
        }
      },
    }));
  }

  /**
   * Opens the stream; resolves once it is open. Never opens a second stream.
   * Makes at most `retryCount + 1` attempts (with the backoff between them), then
   * rejects with the last attempt's error and the connection ends in `error`; a
   * final answer (401, 403, `shouldReconnect` false, 204) rejects at once.
   */
  connect(): Promise<void> {
    if (this.disposed) return Promise.reject(new StatewireError('SSEConnection was disposed'));
    if (this.open) return Promise.resolve();
    const promise = this.waitForOpen();
    if (!this.actor.getSnapshot().matches('session')) {
      this.lastFailure = undefined;
      this.actor.send({ type: 'CONNECT', at: this.clock.now() });
    }
    return promise;
  }

  /** SSE is one-way: nothing is sent; resolves false (seed 000). */
  async send(_message?: unknown): Promise<boolean> {
    return false;
  }

  /** The next event (any name). Rejects with TimeoutError after `timeout` ms. */
  receive(timeout?: number): Promise<SSEMessage> {
    if (this.disposed) return Promise.reject(new StatewireError('SSEConnection was disposed'));
    return this.inbox.receive(timeout);
  }

  /** Events of one name: `message` for unnamed events, or the server's `event:` name. */
  on(event: string, handler: Handler): this {
    if (typeof handler !== 'function') throw new TypeError(`SSEConnection.on('${event}'): expected a function`);
    const handlers = (this.handlers ??= Object.create(null) as Record<string, Handler[]>);
    const current = handlers[event] ?? [];
    if (!current.includes(handler)) handlers[event] = [...current, handler];
    if (event === 'message') this.messageHandlers = handlers[event];
    return this;
  }

  off(event: string, handler: Handler): this {
    const current = this.handlers?.[event];
    if (current === undefined) return this;
    const next = current.filter((h) => h !== handler);
    if (next.length > 0) this.handlers![event] = next;
    else delete this.handlers![event];
    if (event === 'message') this.messageHandlers = this.handlers![event];
    return this;
  }

  isConnected(): boolean {
    return this.open;
  }

  /**
   * Whether the stream is open and alive: open, and something (an event or a
   * comment) arrived within `idleTimeout`. No request is made: a second stream
   * would cost the server a connection.
   */
  async healthCheck(): Promise<{ isHealthy: boolean; responseTime: number; details: Record<string, unknown>; errorMessage?: string }> {
    const now = this.clock.now();
    const quiet = this.lastActivityAt === null ? null : now - this.lastActivityAt;
    const idleTimeout = this.o.idleTimeout;
    const details = { status: this.status, url: this.url, lastEventId: this.lastEventId, msSinceLastActivity: quiet };
    if (!this.open) {
      this.metrics.recordRequest(0, false);
      return { isHealthy: false, responseTime: 0, details, errorMessage: 'not connected' };
    }
    const stalled = idleTimeout > 0 && quiet !== null && quiet >= idleTimeout;
    this.metrics.recordRequest(0, !stalled);
    return stalled ? { isHealthy: false, responseTime: 0, details, errorMessage: `nothing received for ${quiet} ms` } : { isHealthy: true, responseTime: 0, details };
  }

  getStats(): SSEStats {
    const { context } = this.actor.getSnapshot();
    const { connectedAt } = context;
    const uptime = this.open && connectedAt !== null ? this.clock.now() - connectedAt : 0;
    return {
      connected: this.open,
      status: this.status,
      // The loop's count, as its minUptime rule shows it now.
      reconnectAttempts: attemptsShown(context, this.open ? uptime : null),
      lastEventId: this.lastEventId,
      eventsReceived: this.eventsReceived,
      bytesReceived: this.bytesReceived,
      lastConnectedAt: this.lastConnectedAt,
      lastActivityAt: this.lastActivityAt,
    };
  }

  /** Closes the stream (no reconnect). A later connect() opens it again, resuming from the last event id. */
  async disconnect(): Promise<void> {
    this.actor.send({ type: 'DISCONNECT' });
    this.open = false;
    this.settleOpenWaiters(new StatewireError('SSEConnection was disconnected'));
  }

  /** Closes for good: no stream, timer or listener is left behind. Events not yet received are reported. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.open = false;
    const unread = this.inboxInstance?.size ?? 0;
    if (unread > 0) this.eventsInstance?.emit('disposed', `${unread} received events were never read`, 'warning', { unread });
    this.settleOpenWaiters(new StatewireError('SSEConnection was disposed'));
    this.inboxInstance?.close(new StatewireError('SSEConnection was disposed'));
    this.actor.send({ type: 'DISCONNECT' });
    this.actor.stop();
    this.handlers = undefined;
    this.messageHandlers = undefined;
  }
}

const owners = actorOwners<SSEConnection>('SSEConnection');

/** The machine's `lastError` when the connect timeout ended an attempt. */
const CONNECT_TIMEOUT = 'connect timeout';

const connectionMachine = sseMachine.provide({
  actors: {
    stream: fromCallback<EventObject>(({ sendBack, system }) => owners.of(system).runStream(sendBack as never)),
  },
});
