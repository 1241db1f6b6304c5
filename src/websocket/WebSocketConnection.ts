import type { Actor, AnyActorRef, EventObject, SnapshotFrom } from 'xstate';
import { webSocketMachine, type Activity, type WebSocketInput, type WebSocketStatus } from '../../machines/websocket.js';
import { systemClock, type Clock } from '../runtime/clock.js';
import { checkInspect } from '../runtime/inspection.js';
import { ConnectionType, type ConnectionHealth } from '../config/enums.js';
import { orderedOrRaised, validateOptions } from '../config/validate.js';
import { leanOptions } from '../config/leanOptions.js';
import { MachineHost } from '../runtime/MachineHost.js';
import { StatewireError } from '../errors.js';
import type { Log } from '../runtime/createLog.js';
import type { Redactor } from '../security/Redactor.js';
import { redactUrl } from '../security/redact.js';
import { checkDialUrl } from '../security/dialUrl.js';
import { inspectCustom, inspectSummary } from '../security/inspectSummary.js';
import type { AttemptProgress } from '../runtime/connectFailure.js';
import { healthOfStatus } from '../runtime/PersistentConnection.js';
import { callUserFn, type CallbackSink } from '../runtime/callUserFn.js';
import type { Inbox } from '../runtime/Inbox.js';
import { makeInbox, makeLog, makeQueue } from './connectionParts.js';
import { Acknowledgements } from './Acknowledgements.js';
import { isBinaryData, toQueuedMessage, type OutboundQueue, type WireData } from './OutboundQueue.js';
import type { SocketLike } from './transports/openSocket.js';
import { webSocketAccept, webSocketSpec, type WebSocketConnectionOptions } from './webSocketOptions.js';
import { WebSocketListeners } from './listeners.js';
import { connectionMachine, owners } from './connectionMachine.js';
import { webSocketMachineInput } from './machineInput.js';
import { byteLength } from './byteLength.js';
import type { DroppedMessage } from './DroppedMessage.js';
import { dialRules } from './dialing.js';
import { logOf, machineStopped, onMachineEvent, onMachineSnapshot, ownDisconnect } from './lifecycle.js';
import { pingRoundTrip, type PendingPing, type WebSocketHealthCheck } from './heartbeat.js';
import { browserMachineEvent, listenToBrowser, unlistenBrowser } from './browserEvents.js';
import { webSocketStats, type WebSocketStats } from './stats.js';
import { CLOSED, CLOSING, CONNECTING, OPEN, closeRequestError, readyStateOf, type ReadyState } from './readyState.js';

export type { WebSocketStats } from './stats.js';
export type { DroppedMessage } from './DroppedMessage.js';

/**
 * A WebSocket that does not fail quietly, on `webSocketMachine`: connects with a
 * timeout, reconnects with backoff (and as soon as the backend's health URL
 * answers), detects a dead peer with ping/pong, queues what is sent while down
 * (bounded, every drop reported) and flushes it in order, and, with `delivery`,
 * keeps every message until the server acknowledges it (at-least-once).
 * `connect()` is idempotent: it never opens a second socket.
 *
 * Each behaviour lives in the file named after it (`SocketAttempt`, `incoming`,
 * `openFlush`, `lifecycle`, `heartbeat`, `healthPolling`, `browserEvents`,
 * `listeners`, `stats`, `dialing`, `readyState`, `connectionParts`, `machineInput`): module-level functions on this
 * connection's private fields, reached by element access (`conn['socket']`, checked
 * by TypeScript), so no object or closure per connection or message.
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
export class WebSocketConnection extends WebSocketListeners implements CallbackSink {
  readonly connectionType = ConnectionType.WEBSOCKET;
  readonly name: string;
  /** The URL as configured (redacted); a function URL shows as `[function]`. */
  readonly url: string;
  /** Runs the machine: its own root (made on first use), or a parent's child after {@link WebSocketConnection.attachTo}. */
  private readonly host: MachineHost<typeof connectionMachine>;
  private readonly options: ReturnType<typeof validateOptions<typeof webSocketSpec>>;
  /** The `url` option: a string, or a provider called before every attempt. */
  private readonly urlOption: WebSocketConnectionOptions['url'];
  protected readonly clock: Clock;
  // Made on first use (see the getters): a thousand idle connections should not carry them.
  private logInstance: Log | undefined;
  private queueInstance: OutboundQueue | undefined;
  private inboxInstance: Inbox<unknown> | undefined;
  /** With `delivery`: what was sent and not yet acknowledged, and its one timer. */
  private readonly acks: Acknowledgements | null;
  private socket: SocketLike | null = null;
  /** Open and flushed: new sends go straight to the socket. */
  private ready = false;
  private activity: Activity = 'idle';
  private status: WebSocketStatus = 'closed';
  private disposed = false;
  private pendingPings: PendingPing[] | undefined;
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
  /** The close code and reason `close()` / `reconnect()` asked for, read by the attempt as it stops (default 1000). */
  private closeWith: { code: number; reason: string } | undefined = undefined;

  /** `readyState` values, as on `WebSocket` and partysocket: 0 CONNECTING, 1 OPEN, 2 CLOSING, 3 CLOSED. */
  static readonly CONNECTING = CONNECTING;
  static readonly OPEN = OPEN;
  static readonly CLOSING = CLOSING;
  static readonly CLOSED = CLOSED;

  constructor(options: WebSocketConnectionOptions) {
    super();
    // GuruConnection names itself in errors (a static name survives minifiers; new.target.name may not).
    const owner = (new.target as { ownerName?: string }).ownerName ?? 'WebSocketConnection';
    const checked = validateOptions(owner, options, webSocketSpec, { accept: webSocketAccept });
    orderedOrRaised(checked, options, 'reconnectDelay', 'maxReconnectDelay', owner);
    // Only what differs from the defaults is the connection's own (~0.3 KB less each).
    this.options = leanOptions(webSocketSpec, checked);
    this.urlOption = options.url;
    this.clock = options.clock ?? systemClock;
    const shownUrl = typeof options.url === 'function' ? '[function]' : redactUrl(options.url);
    // Every URL dialled passes these rules: here the configured ones, each provider result before its attempt.
    if (typeof options.url === 'string') checkDialUrl(options.url, dialRules(this, 'url'));
    if (typeof checked.healthUrl === 'string') checkDialUrl(checked.healthUrl, dialRules(this, 'healthUrl'));
    this.name = checked.name;
    this.url = shownUrl;
    // Only health checks are timed here: a small sample keeps 1,000 connections cheap.
    this.acks = checked.delivery ? new Acknowledgements(checked.delivery, this.clock, this, (ackTimeout) => this.ackOverdue(ackTimeout)) : null;
    // The redactor is asked for only when `inspect` is given (machineRedactor): most connections never
    // make their log. A getter here would put this options object in dictionary mode (~0.5 KB each).
    this.host = new MachineHost(connectionMachine, this, { clock: this.clock, owners, inspect: checkInspect(owner, options.inspect) });
    // Browsers: the network and the page's visibility steer the reconnect loop.
    // `this` is the listener (handleEvent): no closure per connection.
    listenToBrowser(this);
  }

  /**
   * The connection's statechart, made on first use. After {@link WebSocketConnection.attachTo}
   * it is the new child: read it again rather than keeping it.
   */
  get actor(): Actor<typeof webSocketMachine> {
    // A spawned child is an Actor as much as a root is (XState makes both with createActor).
    return this.host.actor as Actor<typeof webSocketMachine>;
  }

  /**
   * Runs this connection's machine as the child `name` of `parent` (default: the
   * `name` option), so `parent.system.get(name)` finds it and stopping the parent
   * stops it and closes its socket. The parent takes `statewire.adopt`
   * (`adoptChild` from `statewire/machines`; a `ConnectionManager` does). XState
   * cannot move a running actor: an open connection's socket is closed and
   * re-opened under the parent, its queue and unacknowledged messages are kept
   * and sent on the new socket, and listeners registered here keep working.
   * Returns the new actor.
   *
   * @example
   * ```ts
   * const parent = createActor(setup({}).createMachine({ on: { 'statewire.adopt': { actions: adoptChild } } })).start();
   * const ws = new WebSocketConnection({ url: 'ws://127.0.0.1:8000/ws' });
   * ws.attachTo(parent, 'realtime');
   * parent.system.get('realtime') === ws.actor; // true
   * ```
   */
  attachTo(parent: AnyActorRef, name: string = this.name): AnyActorRef {
    return this.moveSession(this.host, 'attachTo', this.disposed, () => this.host.adopt(parent, name));
  }

  /**
   * Undoes {@link WebSocketConnection.attachTo}: the machine runs as a root actor
   * of its own again. An open connection re-opens as it does on attachTo (queue
   * and unacknowledged messages kept and re-sent). Returns the new actor.
   *
   * @example
   * ```ts
   * ws.detach(); // ws.actor is a root again
   * ```
   */
  detach(): AnyActorRef {
    return this.moveSession(this.host, 'detach', this.disposed, () => this.host.detach());
  }

  /** @internal The machine's input (made for each actor: a root, or a child after attachTo). */
  machineInput(): WebSocketInput {
    return webSocketMachineInput(this);
  }

  /** @internal Status, health and connect() waiters follow the machine's snapshots. */
  onMachineSnapshot(snapshot: SnapshotFrom<typeof webSocketMachine>): void {
    onMachineSnapshot(this, snapshot);
  }

  /** @internal What the machine emits: open, close, ping, reconnecting, errors. */
  onMachineEvent(event: EventObject): void {
    onMachineEvent(this, event as never);
  }

  /** @internal An error thrown inside the actor. */
  onMachineError(error: unknown): void {
    this.log.error('actor error', error);
  }

  /** @internal What `inspect` sees through (asked only when it is given). */
  machineRedactor(): Redactor {
    return this.log.redactor;
  }

  /** @internal Its parent stopped the machine: closed now; the next connect() dials as a root. */
  onMachineStopped(): void {
    machineStopped(this);
  }

  /** @internal Browser events: `online`, `offline`, `visibilitychange` become machine events. */
  handleEvent(event: { type: string }): void {
    if (this.disposed) return;
    const machineEvent = browserMachineEvent(event);
    if (machineEvent !== undefined) this.actor.send(machineEvent);
  }

  /** The log, its redactor primed with this connection's secrets. */
  protected get log(): Log {
    return (this.logInstance ??= makeLog(this));
  }

  /** What is sent while the link is down, bounded; every drop reported. */
  private get queue(): OutboundQueue {
    return (this.queueInstance ??= makeQueue(this));
  }

  /** Incoming messages for receive(), bounded. */
  private get inbox(): Inbox<unknown> {
    return (this.inboxInstance ??= makeInbox(this));
  }

  protected get health(): ConnectionHealth {
    return healthOfStatus(this.status);
  }

  protected get monitoring(): boolean {
    return this.options.monitoring;
  }

  protected get openSince(): number | null {
    return this.ready ? this.lastConnectedAt : null;
  }

  /** What `console.log(connection)` and `util.inspect` show: a short summary, secrets redacted. */
  [inspectCustom](): string {
    return inspectSummary(this.ownerName, { name: this.name, url: this.url, status: this.status, health: this.health });
  }

  /** What `JSON.stringify(connection)` gives (a structured logger, say): the same summary, secrets redacted. */
  toJSON(): { type: string; name: string; url: string; status: WebSocketStatus; health: ConnectionHealth } {
    return { type: this.ownerName, name: this.name, url: this.url, status: this.status, health: this.health };
  }

  /** Opens the connection; resolves once it is open (and flushed). Never opens a second socket. */
  connect(): Promise<void> {
    if (this.disposed) return Promise.reject(new StatewireError(`${this.ownerName} was disposed`));
    if (this.ready) return Promise.resolve();
    const promise = this.waitForOpen();
    const host = this.host;
    // Joining a manager in this turn: CONNECT waits for the batch (reading the actor would spawn it now).
    // Not running (fresh, or stopped by its parent): dial; running: unless a session is under way.
    const dial = host.waitingFor !== undefined ? !host.holds('CONNECT') : !host.running || !this.actor.getSnapshot().matches('session');
    if (dial) {
      this.lastFailure = undefined;
      host.send({ type: 'CONNECT', at: this.clock.now() } as EventObject);
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
    if (!binary && this.activity !== 'thinking' && callUserFn(this, 'isUserMessage', this.options.isUserMessage, message, false)) this.actor.send({ type: 'USER_MESSAGE' });
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
    if (!this.ready && !this.options.queueBinary) {
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

  protected override reportError(error: Error): boolean {
    const heard = this.listens('error');
    this.emit('error', error);
    return heard;
  }

  /** The class name that errors and `util.inspect` start with (a subclass sets `static ownerName`). */
  protected override get ownerName(): string {
    return (this.constructor as { ownerName?: string }).ownerName ?? 'WebSocketConnection';
  }

  /**
   * The next incoming message (JSON parsed when it is JSON). Rejects with
   * TimeoutError after `timeout` ms, and at once when the session ends for good
   * while it waits (`disconnect()`, a drop with no reconnect to follow: the
   * close as a NetworkError). Messages already received are read first.
   */
  receive(timeout?: number): Promise<unknown> {
    if (this.disposed) return Promise.reject(new StatewireError(`${this.ownerName} was disposed`));
    return this.inbox.receive(timeout);
  }

  /** Whether the socket is open (and flushed). */
  isConnected(): boolean {
    return this.ready;
  }

  /** A ping round trip: `{ isHealthy, responseTime, details, errorMessage }`. */
  healthCheck(timeout = this.options.pongTimeout): Promise<WebSocketHealthCheck> {
    return pingRoundTrip(this, timeout);
  }

  /** Seed 004's statistics: counters, queue and acknowledgement sizes, uptime (see {@link WebSocketStats}). */
  getStats(): WebSocketStats {
    return webSocketStats(this);
  }

  private dropped(message: unknown, reason: DroppedMessage['reason']): void {
    logOf(this)?.warn(`message dropped (${reason})`);
    this.emit('message_dropped', { message, reason } satisfies DroppedMessage);
    this.eventsInstance?.emit('message_dropped', `message dropped (${reason})`, 'warning', { reason });
  }

  /** Closes with code 1000 (no reconnect). Queued messages stay queued for a later connect(). */
  async disconnect(): Promise<void> {
    ownDisconnect(this);
  }

  /**
   * `disconnect()` by the name `WebSocket` and partysocket users call: closes
   * (no reconnect), with `code` (1000, or 3000–4999) and `reason` (at most 123
   * bytes) when given; queued and unacknowledged messages stay for a later
   * `connect()`. An invalid code or reason rejects with a RangeError and closes nothing.
   *
   * @example
   * ```ts
   * await ws.close();                  // same as ws.disconnect()
   * await ws.close(4000, 'logged out'); // the server sees 4000 'logged out'
   * ```
   */
  close(code?: number, reason?: string): Promise<void> {
    const refused = closeRequestError(this.ownerName, code, reason);
    if (refused) return Promise.reject(refused);
    if (code !== undefined || reason !== undefined) this.closeWith = { code: code ?? 1000, reason: reason ?? '' };
    // disconnect() stops the socket before it returns: the code is read by then.
    const closing = this.disconnect();
    this.closeWith = undefined;
    return closing;
  }

  /**
   * Closes the current socket (if any; `code` and `reason` as for `close()`) and
   * opens a new one at once, without the backoff wait: a fresh session, so status
   * goes `closed` → `connecting` → `idle` and `connect()`'s attempts apply. The
   * outbound queue and the unacknowledged messages are kept and re-sent on the
   * new socket, in order, as after any reconnect; a `send()` meanwhile is queued
   * behind them. Resolves when the new socket is open (and flushed), rejects when
   * the attempts fail for good, and at once on a disposed connection.
   *
   * @example
   * ```ts
   * await ws.reconnect(); // e.g. after a token refresh, with a `url` function
   * ```
   */
  reconnect(code?: number, reason?: string): Promise<void> {
    if (this.disposed) return Promise.reject(new StatewireError(`${this.ownerName} was disposed`));
    const refused = closeRequestError(this.ownerName, code, reason);
    if (refused) return Promise.reject(refused);
    if (code !== undefined || reason !== undefined) this.closeWith = { code: code ?? 1000, reason: reason ?? '' };
    // Waiters of an earlier connect() stay: they are settled with this open, not rejected by the close.
    const opened = this.waitForOpen();
    this.lastFailure = undefined;
    if (this.actor.getSnapshot().matches('session')) this.actor.send({ type: 'DISCONNECT' });
    this.closeWith = undefined;
    this.actor.send({ type: 'CONNECT', at: this.clock.now() });
    return opened;
  }

  /**
   * The `WebSocket` ready state, from the machine's state: `OPEN` (1) while
   * connected; `CONNECTING` (0) while opening and while waiting to reconnect (as
   * partysocket); `CLOSED` (3) when fresh, disconnected, given up or disposed.
   * `CLOSING` (2) is not reported: a close ends the session at once.
   *
   * @example
   * ```ts
   * if (ws.readyState === WebSocketConnection.OPEN) ws.send('now');
   * ```
   */
  get readyState(): ReadyState {
    return readyStateOf(this.actor.getSnapshot(), this.disposed);
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
    unlistenBrowser(this);
    if (this.host.running) this.actor.send({ type: 'DISCONNECT' });
    this.host.stop();
    this.removeAllListeners();
  }
}
