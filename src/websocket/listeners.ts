import { PersistentConnection } from '../runtime/PersistentConnection.js';
import type { WebSocketEventMap, WebSocketListener } from './webSocketEvents.js';

type Listener = ((...args: any[]) => void) & { listener?: Listener };

/** The registered handler that stands for `handler`: itself, or the `once` wrapper made for it. */
function indexOfHandler(list: readonly Listener[], handler: Listener): number {
  for (let i = 0; i < list.length; i++) if (list[i] === handler || list[i]!.listener === handler) return i;
  return -1;
}

/**
 * The typed `on` / `off` / `once` of `WebSocketConnection` and `GuruConnection`
 * (seed 004's events, {@link WebSocketEventMap}) and the `emit` they hear from.
 * A base class rather than a helper object: no extra object per connection, and
 * the `message` handlers sit in a field of their own so the per-message path does
 * no lookup. Each handler array is replaced, never changed, so an emit in
 * progress is unaffected by a handler that subscribes or unsubscribes.
 *
 * @example
 * ```ts
 * ws.on('open', () => console.log('up')).once('message', (first) => console.log(first));
 * ```
 */
export abstract class WebSocketListeners extends PersistentConnection {
  /** Per event, its handlers. No prototype: an event named `__proto__` is just a name. */
  private listeners: Record<string, Listener[]> | undefined = undefined;
  /** The `message` handlers, kept apart so the per-message path does no lookup. */
  protected messageListeners: Listener[] | undefined = undefined;

  /**
   * Seed 004 events: open, close, message, statusChange, error, max_reconnect_attempts, reconnecting,
   * message_dropped, disposed ({@link WebSocketEventMap}: each name with its listener's arguments).
   * A handler already registered for the event is not added twice.
   *
   * @example
   * ```ts
   * ws.on('message', (data) => console.log(data));
   * ```
   */
  on<E extends keyof WebSocketEventMap>(event: E, handler: WebSocketListener<E>): this {
    const listeners = (this.listeners ??= Object.create(null) as Record<string, Listener[]>);
    const current = listeners[event] ?? [];
    if (indexOfHandler(current, handler) !== -1) return this;
    this.setHandlers(event, [...current, handler]);
    return this;
  }

  /**
   * Like {@link on}, but the handler runs at most once, then is removed.
   * `off(event, handler)` with the same handler removes it before it ran.
   *
   * @example
   * ```ts
   * ws.once('open', () => console.log('first open'));
   * const reply = new Promise((resolve) => ws.once('message', resolve));
   * ```
   */
  once<E extends keyof WebSocketEventMap>(event: E, handler: WebSocketListener<E>): this {
    const current = this.listeners?.[event];
    if (current !== undefined && indexOfHandler(current, handler) !== -1) return this;
    // Made once per subscription, not per message; `listener` lets off() find it by the original.
    const wrapper: Listener = (...args: unknown[]) => {
      this.off(event, handler);
      (handler as Listener)(...args);
    };
    wrapper.listener = handler;
    return this.on(event, wrapper as WebSocketListener<E>);
  }

  /**
   * Removes a handler added with {@link on} or {@link once} (the original handler, not a wrapper).
   *
   * @example
   * ```ts
   * const log = (data: unknown) => console.log(data);
   * ws.on('message', log);
   * ws.off('message', log);
   * ```
   */
  off<E extends keyof WebSocketEventMap>(event: E, handler: WebSocketListener<E>): this {
    const current = this.listeners?.[event];
    if (current === undefined) return this;
    const index = indexOfHandler(current, handler);
    if (index === -1) return this;
    this.setHandlers(event, current.filter((_, i) => i !== index));
    return this;
  }

  private setHandlers(event: string, next: Listener[]): void {
    this.listeners![event] = next;
    if (event === 'message') this.messageListeners = next.length > 0 ? next : undefined;
  }

  /** Whether `event` has a handler now. */
  protected listens(event: keyof WebSocketEventMap): boolean {
    return (this.listeners?.[event]?.length ?? 0) > 0;
  }

  /** Calls every handler of `event`; one that throws is reported (an `error` event) and the others still run. */
  protected emit<E extends keyof WebSocketEventMap>(event: E, ...args: WebSocketEventMap[E]): void {
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

  /** Drops every handler (dispose). */
  protected removeAllListeners(): void {
    this.listeners = undefined;
    this.messageListeners = undefined;
  }
}
