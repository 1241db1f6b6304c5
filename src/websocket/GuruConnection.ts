import type { AnyActorRef } from 'xstate';
import { ConfigError } from '../errors.js';
import { WebSocketConnection } from './WebSocketConnection.js';
import type { WebSocketConnectionOptions } from './webSocketOptions.js';

/** Seed 004's options (with their defaults); every `WebSocketConnection` option is accepted too. */
export interface GuruConnectionOptions extends Omit<WebSocketConnectionOptions, 'url'> {
  url: string | (() => string | Promise<string>);
  /** Base reconnect delay (ms). @default 2000 */
  reconnectDelay?: number;
  /** Ping interval (ms). @default 30000 */
  pingInterval?: number;
  /** Health check polling interval while down (ms). @default 5000 */
  healthInterval?: number;
  /** @default Infinity */
  maxReconnectAttempts?: number;
  /** @default false */
  enableLogging?: boolean;
  /** Retries of the first connection before it gives up. @default Infinity (seed 004: follow `maxReconnectAttempts`) */
  retryCount?: number;
  /**
   * Joins `parent` as its child `name` before connecting, so the first socket is
   * already the child's (an Endpoint's `websocket`). Without it the connection is
   * a root actor, and a later `attachTo` re-opens its socket.
   * @default undefined
   */
  attachTo?: { parent: AnyActorRef; name: string };
}

/**
 * Seed 004's GuruConnection: a `WebSocketConnection` that connects as it is
 * built. Failures arrive as `error` / `close` / `max_reconnect_attempts` events.
 *
 * @example
 * ```ts
 * const connection = new GuruConnection({ url: 'ws://localhost:8000/ws', reconnectDelay: 2000 });
 * connection.on('open', () => console.log('Connected'));
 * connection.on('message', (data) => console.log('Message:', data));
 * connection.send({ type: 'message', content: 'Hello' });
 * connection.dispose();
 * ```
 */
export class GuruConnection extends WebSocketConnection {
  /** The name errors show: `GuruConnection: invalid option …`. */
  static readonly ownerName = 'GuruConnection';

  constructor(options: GuruConnectionOptions) {
    const { attachTo, ...rest } = options;
    // Seed 004 has no retryCount: a backend down at start is retried as after a drop (maxReconnectAttempts).
    super({ name: 'guru', ...rest, retryCount: rest.retryCount ?? Infinity });
    if (attachTo !== undefined) this.attachTo(attachTo.parent, attachTo.name);
    // Errors are reported through events; the promise must not become an unhandled rejection.
    this.connect().catch(() => {});
  }

  /** Turns logging on or off at run time (seed 004's `endpoint.connection.enableLogging = true`). */
  get enableLogging(): boolean {
    return this.log.enabled;
  }
  set enableLogging(value: boolean) {
    if (typeof value !== 'boolean') throw new ConfigError('enableLogging', value, 'expected a boolean', { owner: GuruConnection.ownerName });
    this.log.enabled = value;
  }

  /** Seed 004 troubleshooting: reconnect now if the backend is back (skips the rest of the wait). */
  _startHealthCheck(): void {
    this.actor.send({ type: 'RETRY_NOW' });
  }
}
