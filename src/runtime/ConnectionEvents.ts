import type { Clock } from './clock.js';
import type { ConnectionHealth } from '../config/enums.js';
import type { Log } from './createLog.js';

export type EventSeverity = 'debug' | 'info' | 'warning' | 'error' | 'critical';

/**
 * The `eventType`s statewire's connections emit (seed 000's names). An app's own
 * `emitEvent('custom_event')` adds its names beside them.
 *
 * @example
 * ```ts
 * const watched: ConnectionEventType[] = ['connection_failed', 'authentication_failed'];
 * ```
 */
export type ConnectionEventType =
  | 'connected'
  | 'disconnected'
  | 'disposed'
  | 'connection_lost'
  | 'connection_failed'
  | 'connection_error'
  | 'authentication_failed'
  | 'request_failed'
  | 'retry'
  | 'reconnecting'
  | 'rate_limited'
  | 'health_check_failed'
  | 'circuit_breaker_opened'
  | 'circuit_breaker_half_open'
  | 'circuit_breaker_closed'
  | 'message_dropped'
  | 'event_too_large'
  | 'stream_stalled'
  | 'stream_stopped';

/** Seed 000's event: what `onEvent` handlers receive. Redacted before it leaves. */
export interface ConnectionEvent {
  /** One of {@link ConnectionEventType}, or a name the app passed to `emitEvent`. */
  eventType: ConnectionEventType | (string & {});
  message: string;
  severity: EventSeverity;
  /** Epoch ms. */
  timestamp: number;
  connectionName: string;
  data?: unknown;
}

/**
 * The `onEvent` / `onHealthChange` / `emitEvent` surface the seed's connections
 * share. Every event is redacted (message and data) before a handler sees it, and
 * a handler that throws is logged, never allowed to break the connection.
 *
 * @example
 * ```ts
 * const events = new ConnectionEvents('api', systemClock, log);
 * events.onEvent((e) => console.log(e.eventType, e.message));
 * events.emit('connected', 'connected to http://127.0.0.1:8000', 'info');
 * ```
 */
export class ConnectionEvents {
  // Created on the first subscription: most connections are never watched this way.
  private handlers: Set<(event: ConnectionEvent) => void> | undefined;
  private healthHandlers: Set<(health: ConnectionHealth) => void> | undefined;
  private lastHealth: ConnectionHealth | undefined;

  constructor(
    private readonly name: string,
    private readonly clock: Clock,
    /** The owner's log, or a getter for one it creates lazily. */
    private readonly log: Log | (() => Log),
    /** Told about a handler that threw (`'onEvent'` or `'onHealthChange'`); default: logged only. */
    private readonly onHandlerError?: (callback: 'onEvent handler' | 'onHealthChange handler', error: unknown) => void,
  ) {}

  private get logger(): Log {
    return typeof this.log === 'function' ? this.log() : this.log;
  }

  onEvent(handler: (event: ConnectionEvent) => void): () => void {
    const handlers = (this.handlers ??= new Set());
    handlers.add(handler);
    return () => handlers.delete(handler);
  }

  onHealthChange(handler: (health: ConnectionHealth) => void): () => void {
    const handlers = (this.healthHandlers ??= new Set());
    handlers.add(handler);
    return () => handlers.delete(handler);
  }

  emit(eventType: string, message: string, severity: EventSeverity, data?: unknown): void {
    // Nobody listens: no event object, no redaction.
    if (this.handlers === undefined || this.handlers.size === 0) return;
    const redactor = this.logger.redactor;
    const event: ConnectionEvent = {
      eventType,
      message: redactor.text(message),
      severity,
      timestamp: this.clock.now(),
      connectionName: this.name,
      ...(data === undefined ? {} : { data: redactor.value(data) }),
    };
    for (const handler of [...this.handlers]) this.call(handler, event, 'onEvent handler');
  }

  /** Tells health handlers, once per change. */
  health(health: ConnectionHealth): void {
    if (health === this.lastHealth) return;
    this.lastHealth = health;
    if (this.healthHandlers !== undefined) for (const handler of [...this.healthHandlers]) this.call(handler, health, 'onHealthChange handler');
  }

  get currentHealth(): ConnectionHealth | undefined {
    return this.lastHealth;
  }

  private call<T>(handler: (value: T) => void, value: T, callback: 'onEvent handler' | 'onHealthChange handler'): void {
    try {
      handler(value);
    } catch (error) {
      if (this.onHandlerError === undefined) this.logger.error(`an event handler threw`, error);
      else this.onHandlerError(callback, error);
    }
  }
}
