import type { Clock } from '../clock.js';
import type { ConnectionHealth } from '../config/enums.js';
import type { Log } from '../http/createLog.js';

export type EventSeverity = 'debug' | 'info' | 'warning' | 'error' | 'critical';

/** Seed 000's event: what `onEvent` handlers receive. Redacted before it leaves. */
export interface ConnectionEvent {
  eventType: string;
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
  private readonly handlers = new Set<(event: ConnectionEvent) => void>();
  private readonly healthHandlers = new Set<(health: ConnectionHealth) => void>();
  private lastHealth: ConnectionHealth | undefined;

  constructor(
    private readonly name: string,
    private readonly clock: Clock,
    private readonly log: Log,
  ) {}

  onEvent(handler: (event: ConnectionEvent) => void): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  onHealthChange(handler: (health: ConnectionHealth) => void): () => void {
    this.healthHandlers.add(handler);
    return () => this.healthHandlers.delete(handler);
  }

  emit(eventType: string, message: string, severity: EventSeverity, data?: unknown): ConnectionEvent {
    const redactor = this.log.redactor;
    const event: ConnectionEvent = {
      eventType,
      message: redactor.text(message),
      severity,
      timestamp: this.clock.now(),
      connectionName: this.name,
      ...(data === undefined ? {} : { data: redactor.value(data) }),
    };
    for (const handler of [...this.handlers]) this.call(handler, event);
    return event;
  }

  /** Tells health handlers, once per change. */
  health(health: ConnectionHealth): void {
    if (health === this.lastHealth) return;
    this.lastHealth = health;
    for (const handler of [...this.healthHandlers]) this.call(handler, health);
  }

  get currentHealth(): ConnectionHealth | undefined {
    return this.lastHealth;
  }

  private call<T>(handler: (value: T) => void, value: T): void {
    try {
      handler(value);
    } catch (error) {
      this.log.error(`an event handler threw`, error);
    }
  }
}
