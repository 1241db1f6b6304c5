import { fromCallback, type Actor, type EventObject, type SnapshotFrom } from 'xstate';
import { attemptsShown } from '../../machines/reconnectLoop.js';
import { statusOf, webSocketMachine, type Activity, type WebSocketEvent, type WebSocketStatus } from '../../machines/websocket.js';
import { systemClock, type Clock } from '../runtime/clock.js';
import { ConnectionType, type ConnectionHealth } from '../config/enums.js';
import { orderedOrRaised, validateOptions } from '../config/validate.js';
import { createRootActor } from '../runtime/createRootActor.js';
import { NetworkError, StatewireError, TimeoutError } from '../errors.js';
import { createLog, type Log } from '../runtime/createLog.js';
import { redactUrl } from '../security/redact.js';
import { checkDialUrl } from '../security/dialUrl.js';
import { inspectCustom, inspectSummary } from '../security/inspectSummary.js';
import { attemptFailureError, connectTimeoutError, type AttemptProgress, type ConnectPhase } from '../runtime/connectFailure.js';
import { PersistentConnection, healthOfStatus } from '../runtime/PersistentConnection.js';
import { actorOwners } from '../runtime/actorOwners.js';
import { callUserFn, callUserFnAsync, type CallbackSink } from '../runtime/callUserFn.js';
import { decodeValue, type RawMessageData } from './decodeMessage.js';
import { Acknowledgements } from './Acknowledgements.js';
import { Inbox } from '../runtime/Inbox.js';
import { OutboundQueue, toQueuedMessage, wireByteLength, type DropReason, type QueuedMessage, type WireData } from './OutboundQueue.js';
import { openSocket, socketsReportConnect, type SocketHandlers, type SocketLike } from './transports/openSocket.js';
import { webSocketAccept, webSocketSpec, type WebSocketConnectionOptions } from './webSocketOptions.js';
import type { WebSocketEventMap, WebSocketListener } from './webSocketEvents.js';

/** Seed 004's `getStats()`. */
export interface WebSocketStats {
  connected: boolean;
  status: WebSocketStatus;
  reconnectAttempts: number;
  queuedMessages: number;
  unacknowledged: number;
  messagesSent: number;
  messagesReceived: number;
  bytesSent: number;
  bytesReceived: number;
  lastConnectedAt: number | null;
  /** ms connected so far, 0 when not connected. */
  uptime: number;
}

/** What `message_dropped` handlers receive. */
export interface DroppedMessage {
  message: unknown;
  reason: DropReason | 'not-connected' | 'inbox-full' | 'write-failed';
}

type Listener = (...args: any[]) => void;

const isBinaryData = (x: unknown): x is ArrayBuffer | ArrayBufferView => x instanceof ArrayBuffer || ArrayBuffer.isView(x);

/**
 * A WebSocket that does not fail quietly, on `webSocketMachine`: connects with a
 * timeout, reconnects with backoff (and as soon as the backend's health URL
 * answers), detects a dead peer with ping/pong, queues what is sent while down
 * (bounded, every drop reported) and flushes it in order, and, with `delivery`,
 * keeps every message until the server acknowledges it (at-least-once).
 * `connect()` is idempotent: it never opens a second socket.
 *
 * @example
 * ```ts
 * const ws = new WebSocketConnection({ url: 'ws://127.0.0.1:8000/ws', timeout: 10000 });
 * ws.on('message', (data) => console.log(data));
 * await ws.connect();
 * ws.send({ type: 'message', content: 'Hello' });
 * const reply = await ws.receive(5000);
 * ws.dispose();
 * ```
 */
export class WebSocketConnection extends PersistentConnection implements CallbackSink {
  readonly connectionType = ConnectionType.WEBSOCKET;
  readonly name: string;
  /** The URL as configured (redacted); a function URL shows as `[function]`. */
  readonly url: string;
  readonly actor: Actor<typeof webSocketMachine>;
  private readonly o: ReturnType<typeof validateOptions<typeof webSocketSpec>>;
  /** The `url` option: a string, or a provider called before every attempt. */
  private readonly urlOption: WebSocketConnectionOptions['url'];
  protected readonly clock: Clock;
  // Made on first use (see the getters): a thousand idle connections should not carry them.
  private logInstance: Log | undefined;
  private queueInstance: OutboundQueue | undefined;
  private inboxInstance: Inbox<unknown> | undefined;
  /** With `delivery`: what was sent and not yet acknowledged, and its one timer. */
  private readonly acks: Acknowledgements | null;
  /** Per event, its handlers; each array is replaced, never changed, so an emit in progress is unaffected. */
  private listeners: Record<string, Listener[]> | undefined;
  /** The `message` listeners, kept apart so the per-message path does no lookup. */
  private messageListeners: Listener[] | undefined;
  private socket: SocketLike | null = null;
  /** Open and flushed: new sends go straight to the socket. */
  private ready = false;
  private activity: Activity = 'idle';
  private status: WebSocketStatus = 'closed';
  private disposed = false;
  private pendingPings: Array<{ resolve: (rtt: number) => void; at: number }> | undefined;
  /** The socket whose flush writes are failing, and how many of them were put back so far (their order). */
  private flushFailedOn: SocketLike | undefined;
  private flushFailures = 0;
  /** The latest attempt's progress: what connect() reports when it did not open. */
  private lastAttempt: AttemptProgress | undefined = undefined;
  // Counters as fields (not a stats object): one load less per message, one object less per connection.
  private messagesSent = 0;
  private messagesReceived = 0;
  private bytesSent = 0;
  private bytesReceived = 0;
  private lastConnectedAt: number | null = null;
  /** Why the last attempt failed: what connect() rejects with once its session ends without a link. */
  private lastFailure: Error | undefined;

  constructor(options: WebSocketConnectionOptions) {
    super();
    // GuruConnection names itself in errors (a static name survives minifiers; new.target.name may not).
    const owner = (new.target as { ownerName?: string }).ownerName ?? 'WebSocketConnection';
    const o = validateOptions(owner, options, webSocketSpec, { accept: webSocketAccept });
    orderedOrRaised(o, options, 'reconnectDelay', 'maxReconnectDelay', owner);
    this.o = o;
    this.urlOption = options.url;
    this.clock = options.clock ?? systemClock;
    const shownUrl = typeof options.url === 'function' ? '[function]' : redactUrl(options.url);
    // Every URL dialled passes these rules: here the configured ones, each provider result before its attempt.
    if (typeof options.url === 'string') checkDialUrl(options.url, this.dialRules('url'));
    if (typeof o.healthUrl === 'string') checkDialUrl(o.healthUrl, this.dialRules('healthUrl'));
    this.name = o.name;
    this.url = shownUrl;
    // Only health checks are timed here: a small sample keeps 1,000 connections cheap.
    this.acks = o.delivery ? new Acknowledgements(o.delivery, this.clock, this, (ackTimeout) => this.ackOverdue(ackTimeout)) : null;
    this.actor = createRootActor(connectionMachine, {
      input: {
        url: shownUrl,
        connectTimeout: o.timeout,
        pingInterval: o.pingInterval,
        pongTimeout: o.pongTimeout,
        reconnectDelay: o.reconnectDelay,
        maxReconnectDelay: o.maxReconnectDelay,
        // One connect() makes retryCount + 1 attempts; reconnects after a drop follow maxReconnectAttempts.
        maxConnectAttempts: o.autoReconnect ? o.retryCount + 1 : 1,
        maxReconnectAttempts: o.autoReconnect ? o.maxReconnectAttempts : 1,
        minUptime: o.minUptime,
        seed: (Math.random() * 2 ** 32) | 0,
        online: browser.navigator?.onLine !== false,
      },
      clock: this.clock,
      onSnapshot: (snapshot) => this.onSnapshot(snapshot),
      onError: (error) => this.log.error('actor error', error),
    });
    owners.set(this.actor.system, this);
    this.wire();
    // Browsers: the network and the page's visibility steer the reconnect loop.
    // `this` is the listener (handleEvent): no closure per connection.
    if (typeof browser.addEventListener === 'function') {
      browser.addEventListener('online', this);
      browser.addEventListener('offline', this);
      browser.document?.addEventListener?.('visibilitychange', this);
    }
  }

  /** @internal Browser events: `online`, `offline`, `visibilitychange` become machine events. */
  handleEvent(event: { type: string }): void {
    if (this.disposed) return;
    if (event.type === 'online') this.actor.send({ type: 'ONLINE' });
    else if (event.type === 'offline') this.actor.send({ type: 'OFFLINE' });
    else if (event.type === 'visibilitychange' && browser.document?.visibilityState === 'visible') this.actor.send({ type: 'VISIBLE' });
  }

  /** The log, its redactor primed with this connection's secrets. */
  protected get log(): Log {
    if (this.logInstance === undefined) {
      const o = this.o;
      this.logInstance = createLog({ enabled: o.enableLogging, logger: o.logger, sensitiveHeaders: o.sensitiveHeaders, prefix: `WebSocket ${o.name}` });
      if (typeof this.urlOption === 'string') this.logInstance.remember(o.headers, this.urlOption);
      else this.logInstance.remember(o.headers);
    }
    return this.logInstance;
  }

  /** What is sent while the link is down, bounded; every drop reported. */
  private get queue(): OutboundQueue {
    return (this.queueInstance ??= new OutboundQueue({
      maxMessages: this.o.maxQueuedMessages,
      maxBytes: this.o.maxQueuedBytes,
      overflow: this.o.overflow,
      onDrop: (m, reason) => this.dropped(m.original, reason),
    }));
  }

  /** Incoming messages for receive(), bounded. */
  private get inbox(): Inbox<unknown> {
    return (this.inboxInstance ??= new Inbox<unknown>({
      capacity: this.o.inboxSize,
      clock: this.clock,
      // A message already handed to `on('message')` listeners is not lost when the pull inbox overflows.
      onOverflow: (m) => {
        if (this.messageListeners === undefined) this.dropped(m, 'inbox-full');
      },
    }));
  }

  /**
   * One attempt's socket, run by the `socket` actor: it opens, reports the
   * lifecycle to the machine and hands data straight to the connection. An object
   * rather than a handful of closures, because every open connection keeps one.
   */
  private static readonly Attempt = class SocketAttempt implements SocketHandlers, AttemptProgress {
    stopped = false;
    socket: SocketLike | undefined = undefined;
    phase: ConnectPhase = 'url';
    failure: unknown = undefined;

    constructor(
      readonly conn: WebSocketConnection,
      readonly sendBack: (event: WebSocketEvent) => void,
    ) {}

    async open(): Promise<void> {
      const conn = this.conn;
      let url: string;
      try {
        url = await conn.resolveUrl();
      } catch (error) {
        // Nothing was dialled: the provider failed, or its URL was refused (the construction-time ConfigError).
        this.failure = error;
        if (!this.stopped) this.sendBack({ type: 'SOCKET_FAILED', reason: conn.log.redactor.text(`could not open: ${(error as Error)?.message ?? error}`) });
        return;
      }
      try {
        if (this.stopped) return;
        this.phase = socketsReportConnect() ? 'connect' : 'opening';
        const o = conn.o;
        const socket = await openSocket(url, { protocols: o.protocols, headers: o.headers, maxPayload: o.maxPayload }, this);
        this.socket = socket;
        if (this.stopped) socket.terminate();
      } catch (error) {
        if (!this.stopped) this.sendBack({ type: 'SOCKET_FAILED', reason: conn.log.redactor.text(`could not open: ${(error as Error)?.message ?? error}`) });
      }
    }

    onConnected(phase: 'tls' | 'handshake'): void {
      this.phase = phase;
    }

    onOpen(): void {
      if (this.stopped) return this.socket?.close(1000);
      const conn = this.conn;
      const socket = this.socket!;
      conn.socket = socket;
      // A browser socket cannot send ping frames: without an app-level ping (and isPong to
      // recognise its answer) no heartbeat runs, rather than one whose pongs never come.
      const heartbeat = socket.canPing || (conn.o.ping !== undefined && conn.o.isPong !== undefined);
      this.sendBack(heartbeat ? { type: 'OPENED', at: conn.clock.now() } : { type: 'OPENED', at: conn.clock.now(), heartbeat });
    }

    onMessage(data: RawMessageData, isBinary: boolean): void {
      this.conn.onMessage(data, isBinary);
    }

    onPong(): void {
      this.conn.pong();
      if (!this.stopped) this.sendBack({ type: 'PONG', at: this.conn.clock.now() });
    }

    onClose(code: number, reason: string): void {
      const conn = this.conn;
      if (conn.socket === this.socket) conn.detach();
      if (this.stopped) return;
      const shouldReconnect = conn.o.shouldReconnect;
      const terminal = code !== 1000 && shouldReconnect !== undefined && callUserFn(conn, 'shouldReconnect', shouldReconnect, { code, reason }, true) === false;
      this.sendBack({ type: 'SOCKET_CLOSED', code, reason, wasOpen: true, at: conn.clock.now(), ...(terminal ? { terminal } : {}) });
    }

    onError(reason: string): void {
      if (!this.stopped) this.conn.socketError(reason);
    }

    onFailure(reason: string, status?: number): void {
      if (!this.stopped) this.sendBack({ type: 'SOCKET_FAILED', reason: this.conn.log.redactor.text(reason), ...(status === undefined ? {} : { status }) });
    }

    /** Leaving `link`: closes what this attempt opened. */
    stop(): void {
      this.stopped = true;
      const socket = this.socket;
      if (this.conn.socket === socket) this.conn.detach();
      if (socket?.isOpen) socket.close(1000, 'closing');
      else socket?.terminate();
      // Kept as the connection's lastAttempt until the next one: without the dead socket.
      this.socket = undefined;
    }
  };

  /** @internal The `socket` actor's work. */
  runSocket(sendBack: (event: WebSocketEvent) => void): () => void {
    const attempt = new WebSocketConnection.Attempt(this, sendBack);
    this.lastAttempt = attempt;
    void attempt.open();
    return () => attempt.stop();
  }

  protected get health(): ConnectionHealth {
    return healthOfStatus(this.status);
  }

  protected get monitoring(): boolean {
    return this.o.monitoring;
  }

  protected get openSince(): number | null {
    return this.ready ? this.lastConnectedAt : null;
  }

  /** The URL of the next attempt: a provider's result passes the construction-time checks before it is dialled. */
  private async resolveUrl(): Promise<string> {
    const url = this.urlOption;
    if (typeof url === 'string') return url;
    const resolved: unknown = await url();
    if (typeof resolved !== 'string') throw new TypeError(`it did not return a string (got ${resolved === null ? 'null' : typeof resolved})`);
    this.log.remember(undefined, resolved);
    return checkDialUrl(resolved, this.dialRules('url'));
  }

  private dialRules(option: 'url' | 'healthUrl') {
    const o = this.o;
    return { protocols: option === 'url' ? ['ws', 'wss'] : ['http', 'https'], securityLevel: o.securityLevel, encryption: o.encryption, owner: this.ownerName, option };
  }

  /**
   * Why the last attempt did not open: its own failure (a refused URL, a provider
   * that failed), a TimeoutError naming its phase, or else `fallback`.
   */
  private attemptError(timedOut: boolean, fallback: () => StatewireError): StatewireError {
    const attempt = this.lastAttempt;
    if (attempt?.failure !== undefined) {
      return attemptFailureError('WS_CONNECT_FAILED', this.url, attempt.failure, 'the url provider failed', (t) => this.log.redactor.text(t));
    }
    if (timedOut && attempt !== undefined) return connectTimeoutError(this.url, this.o.timeout, attempt.phase, 'TCP connected; the server never answered the upgrade');
    return fallback();
  }

  /** What `console.log(connection)` and `util.inspect` show: a short summary, secrets redacted. */
  [inspectCustom](): string {
    return inspectSummary(this.ownerName, { name: this.name, url: this.url, status: this.status, health: this.health });
  }

  /** What `JSON.stringify(connection)` gives (a structured logger, say): the same summary, secrets redacted. */
  toJSON(): { type: string; name: string; url: string; status: WebSocketStatus; health: ConnectionHealth } {
    return { type: this.ownerName, name: this.name, url: this.url, status: this.status, health: this.health };
  }

  private wire(): void {
    // One listener for every emitted event: a listener set per type costs memory on each connection.
    this.actor.on('*', (e) => {
      switch (e.type) {
        case 'open':
          return void this.afterOpen();
        case 'close':
          this.metricsInstance?.markDisconnected();
          this.emit('close', { code: e.code, reason: e.reason, wasClean: e.code === 1000 });
          if (e.code !== 1000) this.eventsInstance?.emit('connection_lost', `closed ${e.code} ${e.reason}`, 'warning', { code: e.code });
          return;
        case 'ping':
          return this.heartbeat(this.socket);
        case 'terminate':
          return this.socket?.terminate();
        case 'reconnecting':
          return this.emit('reconnecting', { attempt: e.attempt, delay: e.delay });
        case 'max_reconnect_attempts':
          this.emit('max_reconnect_attempts', { attempts: e.attempts });
          this.eventsInstance?.emit('connection_failed', `gave up after ${e.attempts} attempts`, 'error');
          // As ky and got: the call rejects with the last attempt's failure once the attempts are spent.
          return this.settleOpenWaiters(this.lastFailure ?? new StatewireError(`${this.ownerName} gave up after ${e.attempts} attempts`));
        case 'error': {
          const reached = e.status !== undefined || e.code !== undefined;
          const code = e.status !== undefined ? `HTTP_${e.status}` : e.code !== undefined ? `WS_CLOSE_${e.code}` : 'WS_CONNECT_FAILED';
          const error = reached ? new NetworkError(code, this.url, reached, { cause: new Error(e.message) }) : this.attemptError(false, () => new NetworkError(code, this.url, reached, { cause: new Error(e.message) }));
          this.emit('error', error);
          if (e.status === 401 || e.status === 403) this.eventsInstance?.emit('authentication_failed', e.message, 'error', { status: e.status });
          // connect() rejects only when its session ends (see onSnapshot).
          this.lastFailure = error;
          return;
        }
      }
    });
  }

  /** Status, health and connect() waiters follow the machine's snapshots. */
  private onSnapshot(snapshot: SnapshotFrom<typeof webSocketMachine>): void {
    const status = statusOf(snapshot);
    if (status !== this.status) {
      this.status = status;
      this.emit('statusChange', status);
      this.eventsInstance?.health(healthOfStatus(status));
    }
    if (status === 'listening' || status === 'thinking' || status === 'speaking' || status === 'idle') this.activity = status;
    // A failed attempt is remembered for connect(); connect() rejects once its session ends without a
    // link (a final answer, or retryCount + 1 attempts spent), or the network went away.
    const lastError = snapshot.context.lastError;
    if (lastError && this.awaitingOpen && (snapshot.matches({ session: 'waiting' }) || snapshot.matches({ session: 'offline' }))) {
      this.lastFailure ??= this.attemptError(lastError === CONNECT_TIMEOUT, () => new NetworkError('WS_CONNECT_FAILED', this.url, false, { cause: lastError }));
      if (snapshot.matches({ session: 'offline' })) this.settleOpenWaiters(this.lastFailure);
    }
    if (this.awaitingOpen && snapshot.matches('error')) this.settleOpenWaiters(this.lastFailure ?? new NetworkError('WS_CONNECT_FAILED', this.url, false, { cause: snapshot.context.lastError }));
  }

  /** Re-authenticates (onOpen), then re-sends unacknowledged messages and the queue, in order, before anything newer. */
  private async afterOpen(): Promise<void> {
    const socket = this.socket;
    if (!socket) return;
    this.metricsInstance?.markConnected();
    this.lastConnectedAt = this.clock.now();
    // The hook gets a view of this connection whose send() writes at once: its
    // handshake goes first, while anyone else's sends still wait behind the queue.
    // A hook that throws or rejects is reported, and the socket dropped to retry.
    const onOpen = this.o.onOpen;
    if (onOpen !== undefined && !(await callUserFnAsync(this, 'onOpen', onOpen, this.handshakeView(socket)))) {
      socket.terminate();
      return;
    }
    if (this.socket !== socket) return;
    // Re-sent first, each with its acknowledgement clock restarted; the timer runs from here.
    const acks = this.acks;
    acks?.open((message) => this.write(socket, message));
    const queue = this.queueInstance;
    if (queue !== undefined) {
      for (let m = queue.shift(); m; m = queue.shift()) {
        acks?.track(m);
        this.write(socket, m, true);
      }
    }
    this.ready = true;
    this.flushFailedOn = undefined; // no reference kept to a dead socket
    this.emit('open');
    this.eventsInstance?.emit('connected', `connected to ${this.url}`, 'info');
    this.settleOpenWaiters();
  }

  private handshakeView(socket: SocketLike): WebSocketConnection {
    const conn = this;
    return Object.create(this, {
      send: {
        value(message: unknown): boolean {
          if (conn.socket !== socket) return conn.send(message);
          const data: WireData = typeof message === 'string' || isBinaryData(message) ? (message as WireData) : JSON.stringify(message);
          conn.write(socket, toQueuedMessage(data, message));
          return true;
        },
      },
    }) as WebSocketConnection;
  }

  private detach(): void {
    this.socket = null;
    this.ready = false;
    // Acknowledgements are timed only while open: the re-send on the next open restarts them.
    this.acks?.close();
  }

  /** Opens the connection; resolves once it is open (and flushed). Never opens a second socket. */
  connect(): Promise<void> {
    if (this.disposed) return Promise.reject(new StatewireError(`${this.ownerName} was disposed`));
    if (this.ready) return Promise.resolve();
    const promise = this.waitForOpen();
    const snapshot = this.actor.getSnapshot();
    if (!snapshot.matches('session')) {
      this.lastFailure = undefined;
      this.actor.send({ type: 'CONNECT', at: this.clock.now() });
    }
    return promise;
  }

  /**
   * Sends a message (objects as JSON, strings and binary as they are). Returns true
   * when it was written or queued, false when it was refused (queue policy).
   */
  send(message: unknown): boolean {
    if (this.disposed) return false;
    const binary = isBinaryData(message);
    const data: WireData = binary || typeof message === 'string' ? (message as WireData) : JSON.stringify(message);
    if (!binary && this.activity !== 'thinking' && callUserFn(this, 'isUserMessage', this.o.isUserMessage, message, false)) this.actor.send({ type: 'USER_MESSAGE' });
    const socket = this.socket;
    if (this.ready && socket !== null && socket.isOpen) {
      // The direct path: no queue entry unless delivery must keep the message.
      if (this.acks !== null && !binary) this.acks.track(toQueuedMessage(data, message));
      this.messagesSent++;
      this.bytesSent += byteLength(data);
      socket.send(data);
      return true;
    }
    return this.queue.push(toQueuedMessage(data, message));
  }

  /** Binary audio; not queued while down unless `queueBinary` (stale audio is worse than none). */
  streamAudio(audio: ArrayBuffer | ArrayBufferView): boolean {
    if (this.activity !== 'listening' && this.ready) this.actor.send({ type: 'STREAM_AUDIO' });
    if (!this.ready && !this.o.queueBinary) {
      this.dropped(audio, 'not-connected');
      return false;
    }
    return this.send(audio);
  }

  /** An acknowledgement is overdue on the open link: it takes writes but answers nothing. */
  private ackOverdue(ackTimeout: number): void {
    this.log.warn(`no acknowledgement within ${ackTimeout} ms; reconnecting to re-send`);
    this.socket?.terminate(); // its close detaches; the next open re-sends
  }

  /**
   * Writes a queued or re-sent message. Only a flush (`requeue`) watches the write:
   * a queued message whose write fails goes back to the queue, behind the ones of
   * the same flush that failed before it (write callbacks come in write order), so
   * the order survives. The direct path takes no callback, which would cost a
   * closure and a tick per message.
   */
  private write(socket: SocketLike, message: QueuedMessage, requeue = false): void {
    this.messagesSent++;
    this.bytesSent += message.size;
    if (!requeue) return socket.send(message.data);
    socket.send(message.data, (error) => {
      if (!error) return;
      this.messagesSent--;
      this.bytesSent -= message.size;
      // With delivery the unacknowledged copy is re-sent on the next open anyway.
      const acks = this.acks;
      if (acks !== null && acks.has(acks.idOf(message))) return;
      if (this.flushFailedOn !== socket) {
        this.flushFailedOn = socket;
        this.flushFailures = 0;
      }
      this.queue.putBack(message, this.flushFailures++);
    });
  }

  private onMessage(data: RawMessageData, isBinary: boolean): void {
    this.messagesReceived++;
    this.bytesReceived += Array.isArray(data) ? totalLength(data) : typeof data === 'string' ? data.length : data.byteLength;
    const o = this.o;
    const parse = o.parse;
    // Every user callback here is contained (callUserFn: a direct call in a try/catch):
    // one that throws is reported and the message goes on as if it had said no.
    const value = typeof parse === 'function' && !isBinary ? this.parseWith(parse, data) : decodeValue(data, isBinary, parse);
    const acks = this.acks;
    if (acks !== null && !isBinary && acks.acknowledge(value)) return;
    if (o.isPong !== undefined && callUserFn(this, 'isPong', o.isPong, value, false)) {
      this.pong();
      this.actor.send({ type: 'PONG', at: this.clock.now() });
      return;
    }
    if (o.activityFromMessage !== undefined) {
      const next = callUserFn(this, 'activityFromMessage', o.activityFromMessage, value, undefined);
      if (next && next !== this.activity) this.actor.send({ type: next === 'speaking' ? 'SPEAKING' : next === 'idle' ? 'IDLE' : next === 'listening' ? 'STREAM_AUDIO' : 'USER_MESSAGE' });
    } else if (this.activity === 'thinking') {
      // Without activityFromMessage, the server's answer (any data message) ends `thinking`.
      this.actor.send({ type: 'IDLE' });
    }
    const listeners = this.messageListeners;
    if (listeners !== undefined) for (const handler of listeners) this.callMessageHandler(handler, value);
    // Push and pull see the same stream; the inbox is bounded and only reports overflow nobody received.
    this.inbox.push(value);
  }

  private callMessageHandler(handler: Listener, value: unknown): void {
    try {
      handler(value);
    } catch (error) {
      this.callbackFailed("'message' handler", error);
    }
  }

  /** A text frame through the caller's `parse` function; one that throws delivers the text (reported). */
  private parseWith(parse: (text: string) => unknown, data: RawMessageData): unknown {
    const text = decodeValue(data, false, 'text') as string;
    return callUserFn(this, 'parse', parse, text, text);
  }

  protected override reportError(error: Error): void {
    this.emit('error', error);
  }

  /** The class name that errors and `util.inspect` start with (a subclass sets `static ownerName`). */
  protected override get ownerName(): string {
    return (this.constructor as { ownerName?: string }).ownerName ?? 'WebSocketConnection';
  }

  /** @internal The open socket failed (ws's reason: an invalid UTF-8 or oversized frame…); its close follows. */
  socketError(reason: string): void {
    const error = new NetworkError('WS_SOCKET_ERROR', this.url, true, { cause: new Error(reason) });
    error.message = this.log.redactor.text(`${error.message}: ${reason}`);
    this.emit('error', error);
    this.eventsInstance?.emit('socket_error', error.message, 'error', { reason: this.log.redactor.text(reason) });
  }

  private heartbeat(socket: SocketLike | null): void {
    if (!socket) return;
    if (!socket.sendPing() && this.o.ping !== undefined) socket.send(typeof this.o.ping === 'string' ? this.o.ping : JSON.stringify(this.o.ping));
  }

  private pong(): void {
    const pings = this.pendingPings;
    if (pings === undefined) return;
    this.pendingPings = undefined;
    const now = this.clock.now();
    for (const p of pings) p.resolve(now - p.at);
  }

  /** While waiting: poll the backend's health URL; the first 2xx reconnects at once. */
  /** @internal The `healthPoll` actor's work. */
  pollHealth(healthy: () => void): () => void {
    const url = this.o.healthUrl === false ? undefined : (this.o.healthUrl ?? deriveHealthUrl(this.urlOption));
    if (!url || typeof fetch !== 'function') return () => {};
    try {
      // A derived URL passes the rules its socket URL passed; checked all the same, as everything dialled is.
      checkDialUrl(url, this.dialRules('healthUrl'));
    } catch (error) {
      this.log.warn('not polling the health URL', error);
      return () => {};
    }
    let stopped = false;
    let timer: unknown;
    const tick = async () => {
      try {
        // A redirect is not followed (its target was never checked): a 3xx is not healthy.
        const res = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(Math.min(this.o.healthInterval, 5_000)) });
        await res.body?.cancel();
        if (!stopped && res.ok) return healthy();
      } catch {
        // Still down: try again next interval.
      }
      if (!stopped) timer = this.clock.setTimeout(tick, this.o.healthInterval);
    };
    timer = this.clock.setTimeout(tick, this.o.healthInterval);
    return () => {
      stopped = true;
      this.clock.clearTimeout(timer);
    };
  }

  /** The next incoming message (JSON parsed when it is JSON). Rejects with TimeoutError after `timeout` ms. */
  receive(timeout?: number): Promise<unknown> {
    if (this.disposed) return Promise.reject(new StatewireError(`${this.ownerName} was disposed`));
    return this.inbox.receive(timeout);
  }

  /** Whether the socket is open (and flushed). */
  isConnected(): boolean {
    return this.ready;
  }

  /** A ping round trip: `{ isHealthy, responseTime, details, errorMessage }`. */
  async healthCheck(timeout = this.o.pongTimeout): Promise<{ isHealthy: boolean; responseTime: number; details: Record<string, unknown>; errorMessage?: string }> {
    const socket = this.socket;
    const details = { status: this.status, url: this.url };
    if (!socket || !this.ready) return { isHealthy: false, responseTime: 0, details, errorMessage: 'not connected' };
    // A browser socket without an app-level ping cannot be probed: open is all that is known.
    if (!socket.canPing && (this.o.ping === undefined || this.o.isPong === undefined)) return { isHealthy: true, responseTime: 0, details: { ...details, probe: 'unavailable' } };
    const at = this.clock.now();
    const rtt = new Promise<number>((resolve) => (this.pendingPings ??= []).push({ resolve, at }));
    this.heartbeat(socket);
    let timer: unknown;
    const timedOut = new Promise<never>((_, reject) => (timer = this.clock.setTimeout(() => reject(new TimeoutError(this.url, timeout)), timeout)));
    try {
      const responseTime = await Promise.race([rtt, timedOut]);
      this.metrics.recordRequest(responseTime, true);
      return { isHealthy: true, responseTime, details };
    } catch (error) {
      this.metrics.recordRequest(timeout, false);
      this.eventsInstance?.emit('health_check_failed', (error as Error).message, 'warning');
      return { isHealthy: false, responseTime: timeout, details, errorMessage: (error as Error).message };
    } finally {
      this.clock.clearTimeout(timer);
    }
  }

  getStats(): WebSocketStats {
    const { context } = this.actor.getSnapshot();
    const { connectedAt, reconnecting } = context;
    const uptime = this.ready && connectedAt !== null ? this.clock.now() - connectedAt : 0;
    return {
      connected: this.ready,
      status: this.status,
      // Up at connect()'s own first attempt: no reconnect was made. Else the loop's count, as its minUptime rule shows it now.
      reconnectAttempts: this.ready && !reconnecting ? 0 : attemptsShown(context, this.ready ? uptime : null),
      queuedMessages: this.queueInstance?.length ?? 0,
      unacknowledged: this.acks?.size ?? 0,
      messagesSent: this.messagesSent,
      messagesReceived: this.messagesReceived,
      bytesSent: this.bytesSent,
      bytesReceived: this.bytesReceived,
      lastConnectedAt: this.lastConnectedAt,
      uptime,
    };
  }

  /**
   * Seed 004 events: open, close, message, statusChange, error, max_reconnect_attempts, reconnecting,
   * message_dropped, disposed ({@link WebSocketEventMap}: each name with its listener's arguments).
   */
  on<E extends keyof WebSocketEventMap>(event: E, handler: WebSocketListener<E>): this {
    // No prototype: an event named `__proto__` is just a name.
    const listeners = (this.listeners ??= Object.create(null) as Record<string, Listener[]>);
    const current = listeners[event] ?? [];
    if (current.includes(handler)) return this;
    const next = [...current, handler];
    listeners[event] = next;
    if (event === 'message') this.messageListeners = next;
    return this;
  }

  off<E extends keyof WebSocketEventMap>(event: E, handler: WebSocketListener<E>): this {
    const current = this.listeners?.[event];
    if (current === undefined || !current.includes(handler)) return this;
    const next = current.filter((h) => h !== handler);
    this.listeners![event] = next;
    if (event === 'message') this.messageListeners = next.length > 0 ? next : undefined;
    return this;
  }

  private emit<E extends keyof WebSocketEventMap>(event: E, ...args: WebSocketEventMap[E]): void {
    const handlers = this.listeners?.[event];
    if (handlers === undefined) return;
    for (const handler of handlers) {
      try {
        handler(...args);
      } catch (error) {
        this.callbackFailed(`'${event}' handler`, error);
      }
    }
  }

  private dropped(message: unknown, reason: DroppedMessage['reason']): void {
    this.emit('message_dropped', { message, reason } satisfies DroppedMessage);
    this.eventsInstance?.emit('message_dropped', `message dropped (${reason})`, 'warning', { reason });
  }

  /** Closes with code 1000 (no reconnect). Queued messages stay queued for a later connect(). */
  async disconnect(): Promise<void> {
    this.actor.send({ type: 'DISCONNECT' });
    this.settleOpenWaiters(new StatewireError(`${this.ownerName} was disconnected`));
  }

  /**
   * Closes for good. What was still queued or unacknowledged is reported (a
   * `disposed` event with the messages, and `message_dropped` for each): nothing
   * vanishes silently. Leaves no socket, timer or listener behind.
   */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    const unacked = this.acks?.clear() ?? [];
    const queued = this.queueInstance === undefined ? [] : this.queueInstance.clear('disposed').map((m) => m.original);
    this.emit('disposed', { queued, unacknowledged: unacked });
    for (const m of unacked) this.dropped(m, 'disposed');
    this.settleOpenWaiters(new StatewireError(`${this.ownerName} was disposed`));
    this.inboxInstance?.close(new StatewireError(`${this.ownerName} was disposed`));
    if (typeof browser.removeEventListener === 'function') {
      browser.removeEventListener('online', this);
      browser.removeEventListener('offline', this);
      browser.document?.removeEventListener?.('visibilitychange', this);
    }
    this.actor.send({ type: 'DISCONNECT' });
    this.actor.stop();
    this.listeners = undefined;
    this.messageListeners = undefined;
  }
}

const owners = actorOwners<WebSocketConnection>('WebSocketConnection');

/** The machine's `lastError` when the connect timeout ended an attempt. */
const CONNECT_TIMEOUT = 'connect timeout';

const connectionMachine = webSocketMachine.provide({
  actors: {
    socket: fromCallback<EventObject>(({ sendBack, system }) => owners.of(system).runSocket(sendBack as never)),
    healthPoll: fromCallback(({ sendBack, system }) => owners.of(system).pollHealth(() => sendBack({ type: 'HEALTHY' }))),
  },
});

const hasBuffer = typeof Buffer === 'function';

type BrowserTarget = { addEventListener?: (type: string, listener: object) => void; removeEventListener?: (type: string, listener: object) => void };
/** The browser globals this module listens to; absent in Node. */
const browser = globalThis as BrowserTarget & {
  navigator?: { onLine?: boolean };
  document?: BrowserTarget & { visibilityState?: string };
};

function totalLength(fragments: Buffer[]): number {
  let n = 0;
  for (const b of fragments) n += b.length;
  return n;
}
/** Bytes of a frame: Buffer.byteLength in Node (fast, native), the portable count elsewhere. */
function byteLength(data: WireData): number {
  return typeof data === 'string' ? (hasBuffer ? Buffer.byteLength(data) : wireByteLength(data)) : (data as ArrayBufferView | ArrayBuffer).byteLength;
}

/** ws → http, wss → https, path /health: the backend's health check while the socket is down. */
function deriveHealthUrl(url: WebSocketConnectionOptions['url']): string | undefined {
  if (typeof url !== 'string') return undefined;
  const u = new URL(url);
  u.protocol = u.protocol === 'wss:' ? 'https:' : 'http:';
  u.pathname = '/health';
  u.search = '';
  u.username = '';
  u.password = '';
  return u.toString();
}
