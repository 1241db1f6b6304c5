import type { ConnectionEvent, EventSeverity } from '../runtime/ConnectionEvents.js';
import type { Log } from '../runtime/createLog.js';
import type { Clock } from '../runtime/clock.js';
import { WebSocketConnection } from '../websocket/WebSocketConnection.js';
import type { Member } from './Member.js';

/** What a global handler receives: the connection's event, with its name under the manager. */
export interface ManagedEvent extends ConnectionEvent {
  /** The connection's name under the manager (`connectionName` is its own `name` option). */
  name: string;
}

/** `addGlobalHandler`'s handler: every event of every connection, and the manager's own (`failover`, `failback`, `health_changed`). */
export type GlobalHandler = (type: string, event: ManagedEvent) => void;

/**
 * The manager's global handlers and the subscriptions that feed them: each
 * connection's `onEvent` (and a WebSocket's `reconnecting`) is subscribed once
 * the first handler is added, and unsubscribed when the connection leaves.
 * A handler that throws is logged; the others still run.
 *
 * @example
 * ```ts
 * const handlers = new GlobalHandlers(log, clock);
 * handlers.add((type, event) => console.log(type, event.name));
 * handlers.listen(member);
 * ```
 */
export class GlobalHandlers {
  private readonly handlers: GlobalHandler[] = [];

  constructor(
    private readonly log: Log,
    private readonly clock: Clock,
  ) {}

  get active(): boolean {
    return this.handlers.length > 0;
  }

  /** Adds a handler; returns the function that removes it. */
  add(handler: GlobalHandler): () => void {
    this.handlers.push(handler);
    return () => {
      const at = this.handlers.indexOf(handler);
      if (at >= 0) this.handlers.splice(at, 1);
    };
  }

  /** Subscribes to one connection's events (once). */
  listen(member: Member): void {
    if (member.unlisten !== undefined) return;
    const { conn, name } = member;
    const off = conn.onEvent?.((event) => this.deliver({ ...event, name }));
    if (conn instanceof WebSocketConnection) {
      const reconnecting = (info: { attempt: number; delay: number }) =>
        this.emit(name, conn.name, 'reconnecting', `reconnecting in ${Math.round(info.delay)} ms (attempt ${info.attempt})`, 'info', info);
      conn.on('reconnecting', reconnecting);
      member.unlisten = () => {
        off?.();
        conn.off('reconnecting', reconnecting);
      };
    } else {
      member.unlisten = off ?? (() => {});
    }
  }

  /** Sends an event of the manager's own about connection `name`. */
  emit(name: string, connectionName: string, eventType: string, message: string, severity: EventSeverity, data?: unknown): void {
    if (!this.active) return;
    this.deliver({ eventType, message, severity, timestamp: this.clock.now(), connectionName, name, ...(data === undefined ? {} : { data }) });
  }

  private deliver(event: ManagedEvent): void {
    for (const handler of [...this.handlers]) {
      try {
        handler(event.eventType, event);
      } catch (error) {
        this.log.error(`a global handler threw on '${event.eventType}' of "${event.name}"`, error);
      }
    }
  }
}
