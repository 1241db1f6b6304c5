import type { EndpointStatus } from '../../machines/endpoint.js';
import type { WebSocketEventMap, WebSocketListener } from '../websocket/webSocketEvents.js';
import type { GuruConnection } from '../websocket/GuruConnection.js';
import { CallbackError } from '../runtime/callUserFn.js';
import { ValidationError } from '../errors.js';

/**
 * The Endpoint's events: every `GuruConnection` event (seed 004: `message`,
 * `statusChange`, `open`, `close`, `error`, …) and `endpointStatus`, the
 * endpoint machine's summary of both children.
 *
 * @example
 * ```ts
 * endpoint.on('endpointStatus', (status) => console.log(status)); // 'connecting' | 'ready' | 'degraded' | 'down' | 'disposed'
 * ```
 */
export interface EndpointEventMap extends WebSocketEventMap {
  /** The summary changed (`ready` with both children up, `degraded` with one down, …). */
  endpointStatus: [status: EndpointStatus];
}

/** A listener for `event`. */
export type EndpointListener<E extends keyof EndpointEventMap> = { bivariant(...args: EndpointEventMap[E]): void }['bivariant'];

type Handler = (...args: unknown[]) => void;

/** The events kept by the endpoint itself. */
const ownKey = (event: string): 'endpointStatus' | 'error' | undefined => (event === 'endpointStatus' || event === 'error' ? event : undefined);

/**
 * `on` / `off` of the Endpoint: WebSocket events go straight to the
 * connection's own listeners (no relay on the message path); `endpointStatus`
 * and `error` are kept here, so the endpoint can report its own failures
 * (a handler that threw, an actor error) on the same `error` channel.
 */
export class EndpointListeners {
  private readonly own: { endpointStatus: Handler[]; error: Handler[] } = { endpointStatus: [], error: [] };

  constructor(private readonly connection: GuruConnection) {
    connection.on('error', (error) => this.emitError(error));
  }

  on<E extends keyof EndpointEventMap>(event: E, handler: EndpointListener<E>): void {
    checkListener('on', event, handler);
    const key = ownKey(event);
    if (key !== undefined) {
      const list = this.own[key];
      if (!list.includes(handler as Handler)) this.own[key] = [...list, handler as Handler];
    } else this.connection.on(event as keyof WebSocketEventMap, handler as WebSocketListener<keyof WebSocketEventMap>);
  }

  off<E extends keyof EndpointEventMap>(event: E, handler: EndpointListener<E>): void {
    const key = ownKey(event);
    if (key !== undefined) this.own[key] = this.own[key].filter((h) => h !== handler);
    else this.connection.off(event as keyof WebSocketEventMap, handler as WebSocketListener<keyof WebSocketEventMap>);
  }

  /** Tells the `endpointStatus` handlers; one that throws is reported as an `error`. */
  emitStatus(status: EndpointStatus): void {
    for (const handler of this.own.endpointStatus) {
      try {
        handler(status);
      } catch (thrown) {
        this.emitError(new CallbackError('Endpoint', "'endpointStatus' handler", thrown));
      }
    }
  }

  /** Tells the `error` handlers; one that throws is dropped here (it is the report channel itself). */
  emitError(error: Error): void {
    for (const handler of this.own.error) {
      try {
        handler(error);
      } catch {
        // Reporting an error handler's error to itself would loop.
      }
    }
  }

  clear(): void {
    this.own.endpointStatus = [];
    this.own.error = [];
  }
}

/** A handler that is not a function would fail at every event, far from the typo that made it. */
function checkListener(method: string, event: unknown, handler: unknown): void {
  if (typeof event !== 'string' || event === '') {
    throw new ValidationError('event', `Endpoint.${method}(): the event must be a name such as 'message' or 'endpointStatus', got ${typeof event}`);
  }
  if (typeof handler !== 'function') throw new ValidationError('handler', `Endpoint.${method}('${event}', handler): handler must be a function, got ${handler === null ? 'null' : typeof handler}`);
}
