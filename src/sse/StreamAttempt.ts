import type { SseEndReason, SseEvent } from '../../machines/sse.js';
import type { Clock } from '../runtime/clock.js';
import type { EventSeverity } from '../runtime/ConnectionEvents.js';
import type { AttemptProgress, ConnectPhase } from '../runtime/connectFailure.js';
import type { Log } from '../runtime/createLog.js';
import { ConfigError, StatewireError } from '../errors.js';
import type { EventReceiver } from './EventReceiver.js';
import { openEventStream, type EventStream, type StreamHandlers, type StreamOptions } from './transports/openEventStream.js';

/** What a {@link StreamAttempt} needs from its connection: one object per connection, made once. */
export interface AttemptHost {
  readonly clock: Clock;
  /** Where the stream's events and activity go. */
  readonly receiver: EventReceiver;
  /** The URL requested (without user-info). */
  readonly targetUrl: string;
  /** The stream options that stay the same for every attempt. */
  readonly request: Omit<StreamOptions, 'headers' | 'lastEventId'>;
  /** No event or comment for this long (ms) ends the stream; 0: never. */
  readonly idleTimeout: number;
  /** The caller's verdict per HTTP status, when given. */
  readonly shouldReconnect: ((status: number) => boolean) | undefined;
  /** The connection's log, redacting its secrets. */
  readonly log: Log;
  /** The headers of the next attempt (a `headers` function is called now). */
  headers(): Promise<Record<string, string>>;
  /** Tells the connection's `onEvent` subscribers, when there are any. */
  notify(eventType: string, message: string, severity: EventSeverity, data?: unknown): void;
  /** A callback of the caller's threw (see `PersistentConnection.callbackFailed`). */
  callbackFailed(callback: string, error: unknown): void;
}

/**
 * One attempt's stream, run by the machine's `stream` actor: it computes the
 * headers, opens the stream (sending `Last-Event-ID`), reports the lifecycle to
 * the machine (`OPENED`, `RETRY_SET`, `STREAM_ENDED`, `STREAM_FAILED`), hands
 * events straight to the receiver, and watches for a stall. An object rather
 * than closures: every open stream keeps one. It is also the connection's
 * record of how far the latest attempt got (`AttemptProgress`).
 *
 * @example
 * ```ts
 * const attempt = new StreamAttempt(host, sendBack);
 * void attempt.open();
 * // leaving the machine's `stream` state:
 * attempt.stop();
 * ```
 */
export class StreamAttempt implements StreamHandlers, AttemptProgress {
  stopped = false;
  stream: EventStream | undefined = undefined;
  phase: ConnectPhase = 'headers';
  failure: unknown = undefined;
  error: StatewireError | undefined = undefined;
  /** One timer for the idle check, re-armed lazily: activity only records a time. */
  private idleTimer: unknown = undefined;
  private lastActivity = 0;
  /** The host's receiver, kept here: the per-event path reads one field less. */
  private readonly receiver: EventReceiver;

  constructor(
    private readonly host: AttemptHost,
    private readonly sendBack: (event: SseEvent) => void,
  ) {
    this.receiver = host.receiver;
  }

  async open(): Promise<void> {
    const host = this.host;
    let headers: Record<string, string>;
    try {
      headers = await host.headers();
    } catch (error) {
      // No request was made: the headers function failed, or its headers were refused (a ConfigError).
      this.failure = error;
      if (this.stopped) return;
      const refused = error instanceof ConfigError;
      if (!refused) host.callbackFailed('headers', error);
      const why = refused ? '' : 'the headers function failed: ';
      return this.sendBack({ type: 'STREAM_FAILED', reason: host.log.redactor.text(`could not open: ${why}${(error as Error)?.message ?? error}`) });
    }
    try {
      if (this.stopped) return;
      // No hook tells when TCP connects: from here on the request is on its way.
      this.phase = 'handshake';
      const stream = await openEventStream(host.targetUrl, { ...host.request, headers, lastEventId: this.receiver.lastEventId }, this);
      this.stream = stream;
      if (this.stopped) stream.close();
    } catch (error) {
      if (!this.stopped) this.sendBack({ type: 'STREAM_FAILED', reason: host.log.redactor.text(`could not open: ${(error as Error)?.message ?? error}`) });
    }
  }

  onOpen(): void {
    if (this.stopped) return;
    this.lastActivity = this.host.clock.now();
    this.armIdle(this.host.idleTimeout);
    this.sendBack({ type: 'OPENED', at: this.lastActivity });
  }

  onEvent(type: string, data: string, lastEventId: string): void {
    if (!this.stopped) this.receiver.deliver(type, data, lastEventId);
  }

  onActivity(bytes: number): void {
    const receiver = this.receiver;
    receiver.bytesReceived += bytes;
    this.lastActivity = receiver.lastActivityAt = this.host.clock.now();
  }

  onRetry(ms: number): void {
    if (this.stopped) return;
    this.receiver.retryToReport = ms;
    this.sendBack({ type: 'RETRY_SET', ms });
  }

  onEnd(reason: 'end' | 'dropped', message?: string): void {
    if (message !== undefined) this.host.log.debug(`stream dropped: ${message}`);
    this.end(reason);
  }

  onFailure(reason: string, status?: number, error?: unknown): void {
    if (this.stopped) return;
    const host = this.host;
    // A redirect chain that failed: connect() rejects with its error (the construction-time ConfigError for a refused target).
    if (error instanceof StatewireError) this.error = error;
    // The caller's shouldReconnect decides for any status it is asked about; without one the machine's rule (401 / 403 final) holds.
    const ask = status !== undefined && status !== 204 ? host.shouldReconnect : undefined;
    const verdict = ask === undefined ? {} : { terminal: !this.reconnectAllowed(ask, status!) };
    this.sendBack({ type: 'STREAM_FAILED', reason: host.log.redactor.text(reason), ...(status === undefined ? {} : { status }), ...verdict });
  }

  onOversized(bytes: number): void {
    const { log, request } = this.host;
    log.warn(`an event passed maxEventBytes (${request.maxEventBytes}); reconnecting`);
    this.host.notify('event_too_large', `an event passed ${request.maxEventBytes} bytes`, 'warning', { bytes, maxEventBytes: request.maxEventBytes });
    this.end('oversized');
  }

  /** Leaving `stream`: close what this attempt opened. */
  stop(): void {
    this.stopped = true;
    this.clearIdle();
    this.stream?.close();
    // Kept as the connection's lastAttempt until the next one: without the closed stream.
    this.stream = undefined;
  }

  /** The caller's `shouldReconnect(status)`; one that throws is reported and the status treated as final: a broken callback never loops. */
  private reconnectAllowed(ask: (status: number) => boolean, status: number): boolean {
    try {
      return Boolean(ask(status));
    } catch (error) {
      this.host.callbackFailed('shouldReconnect', error);
      return false;
    }
  }

  private end(reason: SseEndReason): void {
    this.clearIdle();
    if (!this.stopped) this.sendBack({ type: 'STREAM_ENDED', reason, at: this.host.clock.now() });
  }

  /** Fires when nothing arrived for idleTimeout; activity in between only moves `lastActivity`. */
  private armIdle(idleTimeout: number): void {
    if (idleTimeout <= 0) return;
    const clock = this.host.clock;
    const due = this.lastActivity + idleTimeout - clock.now();
    this.idleTimer = clock.setTimeout(() => {
      this.idleTimer = undefined;
      if (this.stopped) return;
      if (clock.now() - this.lastActivity < idleTimeout) return this.armIdle(idleTimeout);
      this.host.log.warn(`no event or comment for ${idleTimeout} ms; reconnecting`);
      this.host.notify('stream_stalled', `nothing received for ${idleTimeout} ms`, 'warning', { idleTimeout });
      this.stream?.close();
      this.end('idle');
    }, Math.max(0, due));
  }

  private clearIdle(): void {
    if (this.idleTimer !== undefined) this.host.clock.clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
  }
}
