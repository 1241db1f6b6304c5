import type { Actor, AnyActorRef, EventObject, SnapshotFrom } from 'xstate';
import { attemptsShown } from '../../machines/reconnectLoop.js';
import { sseMachine, sseStatusOf, type SseEmitted, type SseEvent, type SseInput, type SseStatus } from '../../machines/sse.js';
import { systemClock, type Clock } from '../runtime/clock.js';
import { checkInspect } from '../runtime/inspection.js';
import { ConnectionHealth, ConnectionType } from '../config/enums.js';
import { orderedOrRaised, validateOptions } from '../config/validate.js';
import { MachineHost } from '../runtime/MachineHost.js';
import { StatewireError } from '../errors.js';
import type { Log } from '../runtime/createLog.js';
import { splitCredentials } from '../security/splitCredentials.js';
import { redactUrl } from '../security/redact.js';
import { checkTransportSecurity } from '../security/securityPolicy.js';
import { inspectCustom, inspectSummary } from '../security/inspectSummary.js';
import { PersistentConnection, healthOfStatus } from '../runtime/PersistentConnection.js';
import { connectionMachine, owners } from './connectionMachine.js';
import { makeAttemptHost, makeLog } from './connectionParts.js';
import { onMachineEvent } from './lifecycle.js';
import { sseAccept, sseMachineInput, sseSpec, type SSEConnectionOptions, type SSESettings } from './sseOptions.js';
import type { SSEHandler, SSEMessage } from './SSEMessage.js';
import { statsOf, streamHealth, type SSEStats, type StatsSource, type StreamHealth } from './SSEStats.js';
import { EventReceiver } from './EventReceiver.js';
import { StreamAttempt, type AttemptHost } from './StreamAttempt.js';
import { CONNECT_TIMEOUT, timeoutError } from './connectErrors.js';
import { readyStateOf, SSE_READY_STATE } from './readyState.js';

export type { SSEMessage } from './SSEMessage.js';
export type { SSEStats } from './SSEStats.js';

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
  /** `readyState` while a stream is being opened, or the connection waits to reconnect. */
  static readonly CONNECTING = SSE_READY_STATE.CONNECTING;
  /** `readyState` while the stream is open. */
  static readonly OPEN = SSE_READY_STATE.OPEN;
  /** `readyState` when no stream is open nor tried: fresh, disconnected, given up, or disposed. */
  static readonly CLOSED = SSE_READY_STATE.CLOSED;

  readonly connectionType = ConnectionType.SSE;
  readonly name: string;
  /** The URL as configured, redacted. */
  readonly url: string;
  /** Runs the machine: its own root (made on first use), or a parent's child after {@link SSEConnection.attachTo}. */
  private readonly host: MachineHost<typeof connectionMachine>;
  private readonly options: SSESettings;
  /** `Authorization: Basic …` from user-info in the URL, unless headers set their own. */
  private readonly basicAuth: string | undefined;
  protected readonly clock: Clock;
  /** The per-event path: counts, last event id, listeners, inbox. */
  private readonly receiver: EventReceiver;
  /** What every attempt reads of this connection. */
  private readonly attemptHost: AttemptHost;
  // Made on first use (see the getter).
  private logInstance: Log | undefined;
  private open = false;
  private status: SseStatus = 'idle';
  private disposed = false;
  private lastConnectedAt: number | null = null;
  /** The latest attempt: what connect() reports when it did not open. */
  private lastAttempt: StreamAttempt | undefined = undefined;
  /** Why the last attempt failed: what connect() rejects with once the session ends without a stream. */
  private lastFailure: Error | undefined;
  /** `lastError` of the machine's context as last seen (a new 'connect timeout' is a new failure). */
  private seenError: string | null = null;

  constructor(options: SSEConnectionOptions) {
    super();
    const resolved = validateOptions('SSEConnection', options, sseSpec, { accept: sseAccept });
    orderedOrRaised(resolved, options, 'retryDelay', 'maxRetryDelay', 'SSEConnection');
    this.options = resolved;
    checkTransportSecurity({ url: resolved.url, securityLevel: resolved.securityLevel, encryption: resolved.encryption, rejectUnauthorized: true, owner: 'SSEConnection' });
    // fetch refuses user-info in a URL: it becomes `basicAuth`.
    const { url: targetUrl, authorization } = splitCredentials(resolved.url);
    this.basicAuth = authorization;
    this.clock = options.clock ?? systemClock;
    this.name = resolved.name;
    this.url = redactUrl(resolved.url);
    this.receiver = new EventReceiver({
      parse: resolved.parse,
      inboxSize: resolved.inboxSize,
      clock: this.clock,
      callbackFailed: (callback, error) => this.callbackFailed(callback, error),
      // Only when someone listens (checked first: a full inbox nobody reads is common) and no handler got the event.
      dropped: (m) => {
        if (this.eventsInstance !== undefined && !this.receiver.handled(m.event)) {
          this.eventsInstance.emit('message_dropped', `event dropped (inbox full)`, 'warning', { event: m.event, id: m.id });
        }
      },
    });
    this.attemptHost = makeAttemptHost(this, targetUrl);
    this.host = new MachineHost(connectionMachine, this, { clock: this.clock, owners, inspect: checkInspect('SSEConnection', options.inspect) });
  }

  /** @internal The machine's input (made for each actor: a root, or a child after attachTo). */
  machineInput(): SseInput {
    return sseMachineInput(this.options, this.url);
  }

  /** @internal Status and connect() waiters follow the machine's snapshots. */
  onMachineSnapshot(snapshot: SnapshotFrom<typeof sseMachine>): void {
    this.onSnapshot(snapshot);
  }

  /** @internal An error thrown inside the actor. */
  onMachineError(error: unknown): void {
    this.log.error('actor error', error);
  }

  /** @internal Its parent stopped the machine (its stream actor closed the stream): not open; connect() waits end. */
  onMachineStopped(): void {
    const wasOpen = this.open;
    this.open = false;
    if (wasOpen) this.eventsInstance?.health(ConnectionHealth.UNKNOWN);
    const stopped = new StatewireError('SSEConnection: its machine was stopped by its parent');
    this.receiver.interrupt(stopped);
    this.settleOpenWaiters(stopped);
  }

  /**
   * The connection's statechart, made on first use. After {@link SSEConnection.attachTo}
   * it is the new child: read it again rather than keeping it.
   */
  get actor(): Actor<typeof sseMachine> {
    // A spawned child is an Actor as much as a root is (XState makes both with createActor).
    return this.host.actor as Actor<typeof sseMachine>;
  }

  /**
   * Runs this connection's machine as the child `name` of `parent`, so
   * `parent.system.get(name)` finds it and stopping the parent stops it and
   * closes its stream. The parent takes `statewire.adopt` (`adoptChild` from
   * `statewire/machines`). XState cannot move a running actor: an open stream is
   * closed and re-opened under the parent, resuming with `Last-Event-ID`;
   * listeners registered here keep working. Returns the new actor.
   *
   * @example
   * ```ts
   * const sse = new SSEConnection({ url: 'http://127.0.0.1:8000/events' });
   * sse.attachTo(parent, 'prices');
   * parent.system.get('prices') === sse.actor; // true
   * ```
   */
  attachTo(parent: AnyActorRef, name: string): AnyActorRef {
    return this.moveSession(this.host, 'attachTo', this.disposed, () => ((this.open = false), this.host.adopt(parent, name)));
  }

  /**
   * Undoes {@link SSEConnection.attachTo}: the machine runs as a root actor of
   * its own again; an open stream re-opens, resuming with `Last-Event-ID`.
   * Returns the new actor.
   *
   * @example
   * ```ts
   * sse.detach(); // sse.actor is a root again
   * ```
   */
  detach(): AnyActorRef {
    return this.moveSession(this.host, 'detach', this.disposed, () => ((this.open = false), this.host.detach()));
  }

  /** @internal The `stream` actor's work: one attempt, stopped when the machine leaves `stream`. */
  runStream(sendBack: (event: SseEvent) => void): () => void {
    const attempt = new StreamAttempt(this.attemptHost, sendBack);
    this.lastAttempt = attempt;
    void attempt.open();
    return () => attempt.stop();
  }

  /** The class name a contained callback's error starts with (see `PersistentConnection.callbackFailed`). */
  protected override get ownerName(): string {
    return 'SSEConnection';
  }

  private readonly redact = (text: string): string => this.log.redactor.text(text);

  /** @internal What the machine emits: open, ended, reconnecting, errors. */
  onMachineEvent(event: EventObject): void {
    onMachineEvent(this, event as SseEmitted);
  }

  /** Status, health and `isConnected()` follow the machine. */
  private onSnapshot(snapshot: SnapshotFrom<typeof sseMachine>): void {
    if (this.open && !snapshot.matches({ session: { stream: 'open' } })) this.open = false;
    const { lastError } = snapshot.context;
    if (lastError !== this.seenError) {
      this.seenError = lastError;
      if (lastError === CONNECT_TIMEOUT) this.lastFailure = timeoutError(this.lastAttempt, this.url, this.options.timeout, this.redact);
    }
    // A session that ended without a stream (a final answer, or no attempt left) rejects connect() with the last failure.
    if (this.awaitingOpen && snapshot.matches('error')) this.settleOpenWaiters(this.lastFailure ?? new StatewireError('SSEConnection failed to connect'));
    const status = sseStatusOf(snapshot);
    if (status === this.status) return;
    // The session ended without a stream: a waiting receive() hears why now (a 204 and spent attempts: see lifecycle.ts).
    if (status === 'error') this.receiver.interrupt(this.lastFailure ?? new StatewireError('SSEConnection failed to connect'));
    this.status = status;
    this.eventsInstance?.health(healthOfStatus(status));
  }

  /** What `console.log(connection)` and `util.inspect` show: a short summary, secrets redacted. */
  [inspectCustom](): string {
    return inspectSummary('SSEConnection', { name: this.name, url: this.url, status: this.status, health: this.health });
  }

  /** What `JSON.stringify(connection)` gives (a structured logger, say): the same summary, secrets redacted. */
  toJSON(): { type: 'SSEConnection'; name: string; url: string; status: SseStatus; health: ConnectionHealth } {
    return { type: 'SSEConnection', name: this.name, url: this.url, status: this.status, health: this.health };
  }

  /** The log, its redactor primed with this connection's secrets (made on first use). */
  protected get log(): Log {
    return (this.logInstance ??= makeLog(this));
  }

  protected get health(): ConnectionHealth {
    // The machine's `idle` is both "stream open" and "no session": without a stream nothing is known.
    if (this.status === 'idle' && !this.open) return ConnectionHealth.UNKNOWN;
    return healthOfStatus(this.status);
  }

  protected get monitoring(): boolean {
    return this.options.monitoring;
  }

  protected get openSince(): number | null {
    return this.open ? this.lastConnectedAt : null;
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
    const opened = this.waitForOpen();
    // Not running (stopped by its parent): a root of its own opens; running: unless a session is under way.
    const host = this.host;
    if (host.waitingFor !== undefined ? !host.holds('CONNECT') : !host.running || !this.actor.getSnapshot().matches('session')) this.startSession();
    return opened;
  }

  /**
   * Drops the current stream (or the attempt under way, or the wait before the
   * next one) and opens a new stream at once, without waiting out any backoff.
   * The request sends `Last-Event-ID` of the last event seen, as every reconnect
   * does. Resolves once the new stream is open; like `connect()`, it makes at most
   * `retryCount + 1` attempts and rejects with the last attempt's error (or at
   * once on a final answer such as 401 or 204), and `disconnect()` rejects it. On
   * a connection that is not connected it opens the stream as `connect()` does.
   * Rejects with a StatewireError when the connection was disposed.
   *
   * @example
   * ```ts
   * token = await refreshToken();
   * await sse.reconnect(); // a new stream with the new headers, resumed after the last event id
   * ```
   */
  reconnect(): Promise<void> {
    if (this.disposed) return Promise.reject(new StatewireError('SSEConnection.reconnect(): the connection was disposed'));
    const opened = this.waitForOpen();
    // A new session: its stream actor is a new attempt, and it counts attempts as connect() does.
    if (this.actor.getSnapshot().matches('session')) this.actor.send({ type: 'DISCONNECT' });
    this.open = false;
    this.startSession();
    return opened;
  }

  private startSession(): void {
    this.lastFailure = undefined;
    this.host.send({ type: 'CONNECT', at: this.clock.now() } as EventObject);
  }

  /** SSE is one-way: nothing is sent; resolves false (seed 000). */
  async send(_message?: unknown): Promise<boolean> {
    return false;
  }

  /**
   * The next event (any name). Rejects with TimeoutError after `timeout` ms,
   * and at once when the stream ends for good while it waits (`disconnect()`,
   * a 204 or another final answer, no attempt left). Events already received are read first.
   */
  receive(timeout?: number): Promise<SSEMessage> {
    if (this.disposed) return Promise.reject(new StatewireError('SSEConnection was disposed'));
    return this.receiver.inbox.receive(timeout);
  }

  /** Events of one name: `message` for unnamed events, or the server's `event:` name. */
  on(event: string, handler: SSEHandler): this {
    if (typeof handler !== 'function') throw new TypeError(`SSEConnection.on('${event}'): expected a function`);
    this.receiver.listeners.add(event, handler, false);
    return this;
  }

  /**
   * Like `on`, for one event only: `handler` runs for the next event of that
   * name, then is removed (also when it throws). `off(event, handler)` with the
   * same handler removes it before it ran. A handler already added for that name
   * (by `on` or `once`) is not added twice, as with `addEventListener`.
   *
   * @example
   * ```ts
   * sse.once('snapshot', (event) => render(event.data)); // the first snapshot only
   * ```
   */
  once(event: string, handler: SSEHandler): this {
    if (typeof handler !== 'function') throw new TypeError(`SSEConnection.once('${event}'): expected a function`);
    this.receiver.listeners.add(event, handler, true);
    return this;
  }

  /** Removes a handler added by `on`, or by `once` while it has not run. */
  off(event: string, handler: SSEHandler): this {
    this.receiver.listeners.remove(event, handler);
    return this;
  }

  isConnected(): boolean {
    return this.open;
  }

  /**
   * `EventSource.readyState`: `SSEConnection.CONNECTING` (0) while a stream is
   * being opened or the connection waits to reconnect, `OPEN` (1) while it is
   * open, `CLOSED` (2) when fresh, disconnected, given up (`error`, 204) or disposed.
   *
   * @example
   * ```ts
   * if (sse.readyState === SSEConnection.OPEN) console.log('streaming');
   * ```
   */
  get readyState(): 0 | 1 | 2 {
    return readyStateOf(this.actor.getSnapshot());
  }

  /**
   * Whether the stream is open and alive: open, and something (an event or a
   * comment) arrived within `idleTimeout`. No request is made: a second stream
   * would cost the server a connection.
   */
  async healthCheck(): Promise<StreamHealth> {
    const health = streamHealth(this.statsSource());
    this.metrics.recordRequest(0, health.isHealthy);
    return health;
  }

  getStats(): SSEStats {
    return statsOf(this.statsSource());
  }

  private statsSource(): StatsSource {
    const { context } = this.actor.getSnapshot();
    const { connectedAt } = context;
    const { open, status, lastConnectedAt, receiver, url } = this;
    const now = this.clock.now();
    // The loop's count, as its minUptime rule shows it now.
    const attempts = attemptsShown(context, open && connectedAt !== null ? now - connectedAt : null);
    return { open, status, attempts, connectedAt, lastConnectedAt, idleTimeout: this.options.idleTimeout, url, receiver, now };
  }

  /** Closes the stream (no reconnect). A later connect() opens it again, resuming from the last event id. */
  async disconnect(): Promise<void> {
    const disconnected = new StatewireError('SSEConnection was disconnected');
    this.receiver.interrupt(disconnected);
    this.actor.send({ type: 'DISCONNECT' });
    this.open = false;
    this.settleOpenWaiters(disconnected);
  }

  /**
   * The same as `disconnect()`, under `EventSource`'s name: closes the stream, no
   * reconnect; a later `connect()` opens it again.
   *
   * @example
   * ```ts
   * sse.close(); // as source.close() on an EventSource
   * ```
   */
  close(): Promise<void> {
    return this.disconnect();
  }

  /** Closes for good: no stream, timer or listener is left behind. Events not yet received are reported. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.open = false;
    // Events a handler took were seen: only the ones nobody saw (no handler, no receive()) are worth a warning.
    const unread = this.receiver.unseen;
    if (unread > 0) this.eventsInstance?.emit('disposed', `${unread} received events were never read`, 'warning', { unread });
    this.settleOpenWaiters(new StatewireError('SSEConnection was disposed'));
    this.receiver.close(new StatewireError('SSEConnection was disposed'));
    if (this.host.running) this.actor.send({ type: 'DISCONNECT' });
    this.host.stop();
  }
}
