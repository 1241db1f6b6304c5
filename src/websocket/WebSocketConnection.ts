import { fromCallback, type Actor } from 'xstate';
import { statusOf, webSocketMachine, type Activity, type WebSocketEvent, type WebSocketStatus } from '../../machines/websocket.js';
import { systemClock, type Clock } from '../clock.js';
import { ConnectionHealth, ConnectionType } from '../config/enums.js';
import { validateOptions } from '../config/validate.js';
import { createRootActor, watch } from '../createRootActor.js';
import { NetworkError, StatewireError, TimeoutError } from '../errors.js';
import { createLog, type Log } from '../http/createLog.js';
import { ConnectionMetrics, type ConnectionMetricsSnapshot } from '../metrics/ConnectionMetrics.js';
import { redactUrl } from '../security/redact.js';
import { checkTransportSecurity } from '../security/securityPolicy.js';
import { ConnectionEvents, type ConnectionEvent, type EventSeverity } from '../clients/ConnectionEvents.js';
import { decodeMessage, type RawMessageData } from './decodeMessage.js';
import { Inbox } from './Inbox.js';
import { OutboundQueue, toQueuedMessage, wireByteLength, type DropReason, type QueuedMessage, type WireData } from './OutboundQueue.js';
import { openSocket, type SocketLike } from './openSocket.js';
import { webSocketSpec, type WebSocketConnectionOptions } from './webSocketOptions.js';

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
export class WebSocketConnection {
  readonly connectionType = ConnectionType.WEBSOCKET;
  readonly name: string;
  /** The URL as configured (redacted); a function URL shows as `[function]`. */
  readonly url: string;
  readonly actor: Actor<typeof webSocketMachine>;
  private readonly o: ReturnType<typeof validateOptions<typeof webSocketSpec>>;
  private readonly options: WebSocketConnectionOptions;
  private readonly clock: Clock;
  private readonly log: Log;
  private readonly events: ConnectionEvents;
  private readonly metrics: ConnectionMetrics;
  private readonly queue: OutboundQueue;
  private readonly inbox: Inbox<unknown>;
  /** With `delivery`: sent, not yet acknowledged, in send order (Map keeps insertion order). */
  private readonly unacked = new Map<unknown, QueuedMessage & { sentAt?: number }>();
  /** One timer for all acknowledgements: armed for the oldest unacknowledged message. */
  private ackTimer: unknown;
  private readonly onOnline = () => this.actor.send({ type: 'RETRY_NOW' });
  private readonly listeners = new Map<string, Set<Listener>>();
  private socket: SocketLike | null = null;
  /** Open and flushed: new sends go straight to the socket. */
  private ready = false;
  private activity: Activity = 'idle';
  private status: WebSocketStatus = 'idle';
  private disposed = false;
  private pendingPings: Array<{ resolve: (rtt: number) => void; at: number }> = [];
  private readonly stats = { messagesSent: 0, messagesReceived: 0, bytesSent: 0, bytesReceived: 0, lastConnectedAt: null as number | null };
  private openWaiters: Array<{ resolve: () => void; reject: (e: unknown) => void }> = [];

  constructor(options: WebSocketConnectionOptions) {
    const o = validateOptions('WebSocketConnection', options, webSocketSpec);
    this.o = o;
    this.options = options;
    this.clock = options.clock ?? systemClock;
    const shownUrl = typeof options.url === 'function' ? '[function]' : redactUrl(options.url);
    if (typeof options.url === 'string') {
      checkTransportSecurity({ url: options.url, securityLevel: o.securityLevel, encryption: o.encryption, rejectUnauthorized: true, owner: 'WebSocketConnection' });
    }
    this.name = o.name;
    this.url = shownUrl;
    this.log = createLog({ enabled: o.enableLogging, logger: o.logger, sensitiveHeaders: o.sensitiveHeaders, prefix: `WebSocket ${o.name}` });
    if (typeof options.url === 'string') this.log.remember(o.headers, options.url);
    this.events = new ConnectionEvents(o.name, this.clock, this.log);
    // Only health checks are timed here: a small sample keeps 1,000 connections cheap.
    this.metrics = new ConnectionMetrics({ clock: this.clock, enabled: o.monitoring, sampleSize: 32 });
    this.queue = new OutboundQueue({
      maxMessages: o.maxQueuedMessages,
      maxBytes: o.maxQueuedBytes,
      overflow: o.overflow,
      onDrop: (m, reason) => this.dropped(m.original, reason),
    });
    this.inbox = new Inbox<unknown>({
      capacity: o.inboxSize,
      clock: this.clock,
      // A message already handed to `on('message')` listeners is not lost when the pull inbox overflows.
      onOverflow: (m) => {
        if (!this.listeners.get('message')?.size) this.dropped(m, 'inbox-full');
      },
    });
    this.actor = createRootActor(connectionMachine, {
      input: {
        url: shownUrl,
        connectTimeout: o.timeout,
        pingInterval: o.pingInterval,
        pongTimeout: o.pongTimeout,
        reconnectDelay: o.reconnectDelay,
        maxReconnectDelay: o.maxReconnectDelay,
        maxReconnectAttempts: o.autoReconnect ? (options.retryCount !== undefined ? o.retryCount + 1 : o.maxReconnectAttempts) : 1,
        minUptime: o.minUptime,
        seed: (Math.random() * 2 ** 32) | 0,
      },
      clock: this.clock,
      onError: (error) => this.log.error('actor error', error),
    });
    owners.set(this.actor.system, this);
    this.wire();
    // Browsers: coming back online reconnects at once instead of waiting out the backoff.
    (globalThis as { addEventListener?: (t: string, f: () => void) => void }).addEventListener?.('online', this.onOnline);
  }

  /** The `socket` actor's work: open, report lifecycle to the machine, hand data straight to this object. */
  /** @internal */
  runSocket(sendBack: (event: WebSocketEvent) => void, receive: (listener: (event: { type: 'PING' } | { type: 'TERMINATE' }) => void) => void): () => void {
    let stopped = false;
    let socket: SocketLike | undefined;
    (async () => {
      const url = await this.resolveUrl();
      if (stopped) return;
      socket = await openSocket(url, { protocols: this.o.protocols, headers: this.o.headers, maxPayload: this.o.maxPayload }, {
        onOpen: () => {
          if (stopped) return socket?.close(1000);
          this.socket = socket!;
          sendBack({ type: 'OPENED', at: this.clock.now() });
        },
        onMessage: (data, isBinary) => this.onMessage(data, isBinary),
        onPong: () => {
          this.pong();
          if (!stopped) sendBack({ type: 'PONG' });
        },
        onClose: (code, reason) => {
          if (this.socket === socket) this.detach();
          if (stopped) return;
          const terminal = code !== 1000 && this.o.shouldReconnect?.({ code, reason }) === false;
          sendBack({ type: 'SOCKET_CLOSED', code, reason, wasOpen: true, ...(terminal ? { terminal } : {}) });
        },
        onFailure: (reason, status) => {
          if (!stopped) sendBack({ type: 'SOCKET_FAILED', reason: this.log.redactor.text(reason), ...(status === undefined ? {} : { status }) });
        },
      });
      if (stopped) socket.terminate();
    })().catch((error: unknown) => {
      if (!stopped) sendBack({ type: 'SOCKET_FAILED', reason: this.log.redactor.text(`could not open: ${(error as Error)?.message ?? error}`) });
    });
    receive((event) => {
      if (event.type === 'PING') this.heartbeat(socket);
      else socket?.terminate();
    });
    return () => {
      stopped = true;
      if (this.socket === socket) this.detach();
      if (socket?.isOpen) socket.close(1000, 'closing');
      else socket?.terminate();
    };
  }

  private async resolveUrl(): Promise<string> {
    const url = this.options.url;
    if (typeof url === 'string') return url;
    const resolved = await url();
    if (typeof resolved !== 'string') throw new TypeError('the url provider did not return a string');
    this.log.remember(undefined, resolved);
    return resolved;
  }

  private wire(): void {
    this.actor.on('open', () => void this.afterOpen());
    this.actor.on('close', (e) => {
      this.metrics.markDisconnected();
      this.emit('close', { code: e.code, reason: e.reason, wasClean: e.code === 1000 });
      if (e.code !== 1000) this.events.emit('connection_lost', `closed ${e.code} ${e.reason}`, 'warning', { code: e.code });
    });
    this.actor.on('reconnecting', (e) => this.emit('reconnecting', { attempt: e.attempt, delay: e.delay }));
    this.actor.on('max_reconnect_attempts', (e) => {
      this.emit('max_reconnect_attempts', { attempts: e.attempts });
      this.events.emit('connection_failed', `gave up after ${e.attempts} attempts`, 'error');
      this.rejectOpenWaiters(new StatewireError(`WebSocketConnection gave up after ${e.attempts} attempts`));
    });
    this.actor.on('error', (e) => {
      const reached = e.status !== undefined || e.code !== undefined;
      const code = e.status !== undefined ? `HTTP_${e.status}` : e.code !== undefined ? `WS_CLOSE_${e.code}` : 'WS_CONNECT_FAILED';
      const error = new NetworkError(code, this.url, reached, { cause: new Error(e.message) });
      this.emit('error', error);
      if (e.status === 401 || e.status === 403) this.events.emit('authentication_failed', e.message, 'error', { status: e.status });
      this.rejectOpenWaiters(error);
    });
    watch(this.actor, (snapshot) => {
      const status = statusOf(snapshot);
      if (status !== this.status) {
        this.status = status;
        this.emit('statusChange', status);
        this.events.health(status === 'error' ? ConnectionHealth.UNHEALTHY : status === 'waiting' ? ConnectionHealth.DEGRADED : ConnectionHealth.HEALTHY);
      }
      if (status === 'listening' || status === 'thinking' || status === 'speaking' || status === 'idle') this.activity = status;
      // A failed first attempt rejects connect() (the loop keeps trying in the background).
      if (snapshot.matches({ session: 'waiting' }) && snapshot.context.lastError) this.rejectOpenWaiters(new NetworkError('WS_CONNECT_FAILED', this.url, false, { cause: snapshot.context.lastError }));
    });
  }

  /** Re-authenticates (onOpen), then re-sends unacknowledged messages and the queue, in order, before anything newer. */
  private async afterOpen(): Promise<void> {
    const socket = this.socket;
    if (!socket) return;
    this.metrics.markConnected();
    this.stats.lastConnectedAt = this.clock.now();
    try {
      // The hook gets a view of this connection whose send() writes at once: its
      // handshake goes first, while anyone else's sends still wait behind the queue.
      if (this.o.onOpen) await this.o.onOpen(this.handshakeView(socket));
    } catch (error) {
      this.log.error('onOpen failed; closing to retry', error);
      socket.terminate();
      return;
    }
    if (this.socket !== socket) return;
    const now = this.clock.now();
    for (const message of this.unacked.values()) {
      message.sentAt = now; // re-sent: its acknowledgement clock starts again
      this.write(socket, message);
    }
    for (let m = this.queue.shift(); m; m = this.queue.shift()) {
      this.track(m);
      this.write(socket, m, true);
    }
    this.ready = true;
    this.emit('open');
    this.events.emit('connected', `connected to ${this.url}`, 'info');
    for (const waiter of this.openWaiters.splice(0)) waiter.resolve();
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
  }

  /** Opens the connection; resolves once it is open (and flushed). Never opens a second socket. */
  connect(): Promise<void> {
    if (this.disposed) return Promise.reject(new StatewireError('WebSocketConnection was disposed'));
    if (this.ready) return Promise.resolve();
    const promise = new Promise<void>((resolve, reject) => this.openWaiters.push({ resolve, reject }));
    const snapshot = this.actor.getSnapshot();
    if (!snapshot.matches('session')) this.actor.send({ type: 'CONNECT' });
    return promise;
  }

  private rejectOpenWaiters(error: unknown): void {
    for (const waiter of this.openWaiters.splice(0)) waiter.reject(error);
  }

  /**
   * Sends a message (objects as JSON, strings and binary as they are). Returns true
   * when it was written or queued, false when it was refused (queue policy).
   */
  send(message: unknown): boolean {
    if (this.disposed) return false;
    const binary = isBinaryData(message);
    const data: WireData = binary || typeof message === 'string' ? (message as WireData) : JSON.stringify(message);
    if (!binary && this.activity !== 'thinking' && this.o.isUserMessage(message)) this.actor.send({ type: 'USER_MESSAGE' });
    const socket = this.socket;
    if (this.ready && socket !== null && socket.isOpen) {
      // The direct path: no queue entry unless delivery must keep the message.
      if (this.o.delivery && !binary) this.track(toQueuedMessage(data, message));
      this.stats.messagesSent++;
      this.stats.bytesSent += byteLength(data);
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

  /** With `delivery`: keep the message until its acknowledgement arrives. */
  private track(message: QueuedMessage & { sentAt?: number }): void {
    const delivery = this.o.delivery;
    if (!delivery || message.binary) return;
    const id = delivery.messageId(message.original);
    if (id === undefined || id === null) return;
    message.sentAt = this.clock.now();
    this.unacked.set(id, message);
    if (this.ackTimer === undefined) this.armAckTimer(delivery.ackTimeout);
  }

  /** Fires when the oldest unacknowledged message is overdue: a link that takes writes but answers nothing is dead. */
  private armAckTimer(ackTimeout: number): void {
    const oldest = this.unacked.values().next().value as (QueuedMessage & { sentAt?: number }) | undefined;
    if (oldest === undefined) {
      this.ackTimer = undefined;
      return;
    }
    const due = (oldest.sentAt ?? this.clock.now()) + ackTimeout - this.clock.now();
    this.ackTimer = this.clock.setTimeout(() => {
      this.ackTimer = undefined;
      const first = this.unacked.values().next().value as (QueuedMessage & { sentAt?: number }) | undefined;
      if (first && this.ready && this.clock.now() - (first.sentAt ?? 0) >= ackTimeout) {
        this.log.warn(`no acknowledgement within ${ackTimeout} ms; reconnecting to re-send`);
        this.socket?.terminate();
      }
      if (this.unacked.size > 0 && !this.disposed) this.armAckTimer(ackTimeout);
    }, Math.max(0, due));
  }

  /**
   * Writes a queued or re-sent message. Only a flush (`requeue`) watches the write:
   * a queued message whose write fails goes back to the head of the queue. The
   * direct path takes no callback, which would cost a closure and a tick per message.
   */
  private write(socket: SocketLike, message: QueuedMessage, requeue = false): void {
    this.stats.messagesSent++;
    this.stats.bytesSent += message.size;
    if (!requeue) return socket.send(message.data);
    socket.send(message.data, (error) => {
      if (!error) return;
      this.stats.messagesSent--;
      // With delivery the unacknowledged copy is re-sent on the next open anyway.
      const id = this.o.delivery?.messageId(message.original);
      if (id === undefined || id === null || !this.unacked.has(id)) this.queue.unshift(message);
    });
  }

  private onMessage(data: RawMessageData, isBinary: boolean): void {
    this.stats.messagesReceived++;
    this.stats.bytesReceived += Array.isArray(data) ? totalLength(data) : typeof data === 'string' ? data.length : data.byteLength;
    const o = this.o;
    const value = decodeMessage(data, isBinary, o.parse).value;
    const delivery = o.delivery;
    if (delivery !== undefined && !isBinary) {
      const id = delivery.ackId(value);
      if (id !== undefined && id !== null && this.unacked.delete(id)) return;
    }
    if (o.isPong !== undefined && o.isPong(value)) {
      this.pong();
      this.actor.send({ type: 'PONG' });
      return;
    }
    if (o.activityFromMessage !== undefined) {
      const next = o.activityFromMessage(value);
      if (next && next !== this.activity) this.actor.send({ type: next === 'speaking' ? 'SPEAKING' : next === 'idle' ? 'IDLE' : next === 'listening' ? 'STREAM_AUDIO' : 'USER_MESSAGE' });
    }
    const listeners = this.listeners.get('message');
    if (listeners !== undefined) for (const handler of listeners) this.callMessageHandler(handler, value);
    // Push and pull see the same stream; the inbox is bounded and only reports overflow nobody received.
    this.inbox.push(value);
  }

  private callMessageHandler(handler: Listener, value: unknown): void {
    try {
      handler(value);
    } catch (error) {
      this.log.error("a 'message' handler threw", error);
    }
  }

  private heartbeat(socket: SocketLike | undefined): void {
    if (!socket) return;
    if (!socket.ping() && this.o.ping !== undefined) socket.send(typeof this.o.ping === 'string' ? this.o.ping : JSON.stringify(this.o.ping));
  }

  private pong(): void {
    const now = this.clock.now();
    for (const p of this.pendingPings.splice(0)) p.resolve(now - p.at);
  }

  /** While waiting: poll the backend's health URL; the first 2xx reconnects at once. */
  /** @internal The `healthPoll` actor's work. */
  pollHealth(healthy: () => void): () => void {
    const url = this.o.healthUrl === false ? undefined : (this.o.healthUrl ?? deriveHealthUrl(this.options.url));
    if (!url || typeof fetch !== 'function') return () => {};
    let stopped = false;
    let timer: unknown;
    const tick = async () => {
      try {
        const res = await fetch(url, { signal: AbortSignal.timeout(Math.min(this.o.healthInterval, 5_000)) });
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
    const at = this.clock.now();
    const rtt = new Promise<number>((resolve) => this.pendingPings.push({ resolve, at }));
    this.heartbeat(socket);
    let timer: unknown;
    const timedOut = new Promise<never>((_, reject) => (timer = this.clock.setTimeout(() => reject(new TimeoutError(this.url, timeout)), timeout)));
    try {
      const responseTime = await Promise.race([rtt, timedOut]);
      this.metrics.recordRequest(responseTime, true);
      return { isHealthy: true, responseTime, details };
    } catch (error) {
      this.metrics.recordRequest(timeout, false);
      this.events.emit('health_check_failed', (error as Error).message, 'warning');
      return { isHealthy: false, responseTime: timeout, details, errorMessage: (error as Error).message };
    } finally {
      this.clock.clearTimeout(timer);
    }
  }

  getStats(): WebSocketStats {
    const { connectedAt, attempts } = this.actor.getSnapshot().context;
    return {
      connected: this.ready,
      status: this.status,
      reconnectAttempts: attempts,
      queuedMessages: this.queue.length,
      unacknowledged: this.unacked.size,
      ...this.stats,
      uptime: this.ready && connectedAt !== null ? this.clock.now() - connectedAt : 0,
    };
  }

  getMetrics(): ConnectionMetricsSnapshot {
    return this.metrics.snapshot();
  }

  /** Seed 004 events: open, close, message, statusChange, error, max_reconnect_attempts, reconnecting, message_dropped, disposed. */
  on(event: string, handler: Listener): this {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(handler);
    return this;
  }

  off(event: string, handler: Listener): this {
    this.listeners.get(event)?.delete(handler);
    return this;
  }

  private emit(event: string, ...args: unknown[]): void {
    const set = this.listeners.get(event);
    if (!set) return;
    for (const handler of set) {
      try {
        handler(...args);
      } catch (error) {
        this.log.error(`a '${event}' handler threw`, error);
      }
    }
  }

  private dropped(message: unknown, reason: DroppedMessage['reason']): void {
    this.emit('message_dropped', { message, reason } satisfies DroppedMessage);
    this.events.emit('message_dropped', `message dropped (${reason})`, 'warning', { reason });
  }

  onEvent(handler: (event: ConnectionEvent) => void): () => void {
    return this.events.onEvent(handler);
  }

  onHealthChange(handler: (health: ConnectionHealth) => void): () => void {
    return this.events.onHealthChange(handler);
  }

  emitEvent(eventType: string, options: { data?: unknown; severity?: EventSeverity; message?: string } = {}): void {
    this.events.emit(eventType, options.message ?? eventType, options.severity ?? 'info', options.data);
  }

  /** Closes with code 1000 (no reconnect). Queued messages stay queued for a later connect(). */
  async disconnect(): Promise<void> {
    this.actor.send({ type: 'DISCONNECT' });
    this.rejectOpenWaiters(new StatewireError('WebSocketConnection was disconnected'));
  }

  /**
   * Closes for good. What was still queued or unacknowledged is reported (a
   * `disposed` event with the messages, and `message_dropped` for each): nothing
   * vanishes silently. Leaves no socket, timer or listener behind.
   */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    const unacked = [...this.unacked.values()].map((m) => m.original);
    this.unacked.clear();
    const queued = this.queue.clear('disposed').map((m) => m.original);
    this.emit('disposed', { queued, unacknowledged: unacked });
    for (const m of unacked) this.dropped(m, 'disposed');
    this.rejectOpenWaiters(new StatewireError('WebSocketConnection was disposed'));
    this.inbox.close(new StatewireError('WebSocketConnection was disposed'));
    this.clock.clearTimeout(this.ackTimer);
    (globalThis as { removeEventListener?: (t: string, f: () => void) => void }).removeEventListener?.('online', this.onOnline);
    this.actor.send({ type: 'DISCONNECT' });
    this.actor.stop();
    this.listeners.clear();
  }
}

/**
 * Which connection a running actor belongs to. The machine is built once for
 * every connection (a `provide` per instance costs ~29 KB each); its actors find
 * their connection through the actor system they run in.
 */
const owners = new WeakMap<object, WebSocketConnection>();
const ownerOf = (system: object) => {
  const owner = owners.get(system);
  if (!owner) throw new Error('WebSocketConnection: actor system without a connection');
  return owner;
};

const connectionMachine = webSocketMachine.provide({
  actors: {
    socket: fromCallback<{ type: 'PING' } | { type: 'TERMINATE' }, { attempt: number }>(({ sendBack, receive, system }) =>
      ownerOf(system).runSocket(sendBack as never, receive),
    ),
    healthPoll: fromCallback(({ sendBack, system }) => ownerOf(system).pollHealth(() => sendBack({ type: 'HEALTHY' }))),
  },
});

const hasBuffer = typeof Buffer === 'function';

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
