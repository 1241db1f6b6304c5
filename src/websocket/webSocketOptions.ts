import type { WebSocketConnection } from './WebSocketConnection.js';
import type { Activity } from '../../machines/websocket.js';
import type { Clock } from '../runtime/clock.js';
import type { Inspect } from '../runtime/inspection.js';
import type { Logger } from '../config/ConnectionConfig.js';
import { SecurityLevel } from '../config/enums.js';
import { bool, fn, list, methods, ms, num, oneOf, optional, PLAUSIBLE_DELAY_MS, PLAUSIBLE_TIMEOUT_MS, record, type Rule, shape, str, url } from '../config/validate.js';
import { CONNECTION_CONFIG_FIELDS, connectionDefaults } from '../config/connectionDefaults.js';
import { ConfigError } from '../errors.js';
import { headerRecord, subprotocolList } from '../security/headerSyntax.js';
import type { MessageParse } from './decodeMessage.js';
import { parseRule } from '../runtime/parseRule.js';
import type { OverflowPolicy } from './OutboundQueue.js';

/** Options of `WebSocketConnection`: seed 000's and seed 004's names together. Durations in ms. */
export interface WebSocketConnectionOptions {
  /**
   * `ws:`/`wss:` URL, or a (sync or async) function called before every attempt (fresh tokens).
   * A function's result passes the same checks as a URL given here (protocol, `securityLevel`,
   * `encryption`) before anything is dialled; a refused one fails the attempt with the same `ConfigError`.
   */
  url: string | (() => string | Promise<string>);
  name?: string;
  /** How long one opening (attempt) may take (seed 000). @default 5000 */
  timeout?: number;
  /**
   * Retries of one `connect()` (seed 000): it makes at most `retryCount + 1`
   * attempts, then rejects and the connection ends in `error`. Reconnects after
   * a link that opened follow `maxReconnectAttempts`.
   * @default 3 (`Infinity` on `GuruConnection`, which connects as it is built)
   */
  retryCount?: number;
  /** false: one attempt, no reconnect. Default true. */
  autoReconnect?: boolean;
  /** Seed 004: base reconnect delay. Default 2000. */
  reconnectDelay?: number;
  maxReconnectDelay?: number;
  /** Attempts after a link that opened dropped (seed 004, partysocket: no limit). @default Infinity */
  maxReconnectAttempts?: number;
  minUptime?: number;
  /** Default 30000; 0 turns the heartbeat off. */
  pingInterval?: number;
  pongTimeout?: number;
  /**
   * Browsers cannot send ping frames: the app-level ping message to send instead
   * (objects as JSON). A browser connection runs a heartbeat only with `ping` and
   * `isPong` both set; in Node ping frames are used and this is not needed.
   */
  ping?: unknown;
  /** Recognises the app-level pong among incoming messages (not delivered as messages). */
  isPong?: (message: unknown) => boolean;
  /** Polled while waiting; default: the URL with http(s) and path /health; false: none. Held to the same security rules as `url`. */
  healthUrl?: string | false;
  /** Default 5000 (seed 004). */
  healthInterval?: number;
  maxQueuedMessages?: number;
  maxQueuedBytes?: number;
  overflow?: OverflowPolicy;
  /** Queue binary frames while down. Default false. */
  queueBinary?: boolean;
  /** At-least-once delivery: keep each message until an incoming one acknowledges its id. */
  delivery?: {
    messageId: (message: unknown) => unknown;
    ackId: (incoming: unknown) => unknown;
    /**
     * No acknowledgement within this (ms) while open: the link is treated as dead and
     * reconnected (checked at most once per `ackTimeout`, so found within twice that;
     * not timed while disconnected). Default 30000.
     */
    ackTimeout?: number;
  };
  /**
   * Runs after every (re)open, before the queue is flushed (re-authentication).
   * `send()` on the connection it receives writes at once, ahead of the queue.
   *
   * @example
   * ```ts
   * onOpen: (conn) => { conn.send({ type: 'auth', token }); }
   * ```
   */
  onOpen?: (connection: WebSocketConnection) => void | Promise<void>;
  /** false makes a close terminal (no reconnect). Default: reconnect on every close but 1000. */
  shouldReconnect?: (close: { code: number; reason: string }) => boolean;
  /**
   * Maps an incoming message to an activity (speaking / idle …). Without it, the
   * server's next data message after a user message ends `thinking` (→ `idle`).
   */
  activityFromMessage?: (message: unknown) => Activity | undefined;
  /** Which sent messages count as the user's (→ thinking). Default: `type` 'message' or 'user_message'. */
  isUserMessage?: (message: unknown) => boolean;
  /** How text frames are decoded. Default 'auto' (JSON when it looks like JSON). */
  parse?: MessageParse;
  /** Node only: handshake headers. Names must be tokens and values free of CR, LF and other control characters (refused at construction). */
  headers?: Record<string, string>;
  sensitiveHeaders?: string[];
  /** Subprotocols offered; each an RFC 6455 token (no space or comma), none twice (refused at construction). */
  protocols?: string[];
  /** Largest accepted message (Node), bytes. Default 16 MiB. */
  maxPayload?: number;
  /** Unread messages kept for `receive()`. Default 1000. */
  inboxSize?: number;
  securityLevel?: SecurityLevel;
  encryption?: boolean;
  enableLogging?: boolean;
  logger?: Logger;
  monitoring?: boolean;
  clock?: Clock;
  /**
   * An XState inspection observer (e.g. `createBrowserInspector().inspect` from
   * `@statelyai/inspect`): sees this client's actor and its children, redacted.
   * Ignored once the client runs as a parent's child (the parent's system is inspected).
   *
   * @default undefined
   */
  inspect?: Inspect;
}

const MB = 1024 * 1024;
const D = connectionDefaults.websocket;
const wsUrl = url({ protocols: ['ws', 'wss'] });
const urlOrProvider: Rule<WebSocketConnectionOptions['url']> = {
  check: (value, option) => {
    if (typeof value === 'function') return value as () => string;
    if (value === undefined) throw new ConfigError(option, value, 'expected a ws: or wss: URL or a function returning one');
    return wsUrl.check(value, option);
  },
};
const isUserMessage = (m: unknown) => {
  const type = (m as { type?: unknown } | null)?.type;
  return type === 'message' || type === 'user_message';
};

/** Validation of {@link WebSocketConnectionOptions}; seed defaults. */
export const webSocketSpec = {
  url: urlOrProvider,
  name: str({ default: D.name }),
  timeout: ms(1, 3_600_000, D.timeout, PLAUSIBLE_TIMEOUT_MS),
  retryCount: num({ integer: true, min: 0, max: 1_000_000, allowInfinity: true, default: D.retryCount }),
  autoReconnect: bool({ default: true }),
  reconnectDelay: ms(0, 3_600_000, D.reconnectDelay, PLAUSIBLE_DELAY_MS),
  maxReconnectDelay: ms(0, 86_400_000, D.maxReconnectDelay, PLAUSIBLE_DELAY_MS),
  maxReconnectAttempts: num({ integer: true, min: 1, max: 1e9, allowInfinity: true, default: D.maxReconnectAttempts }),
  minUptime: ms(0, 3_600_000, 5_000),
  pingInterval: ms(0, 3_600_000, D.pingInterval, PLAUSIBLE_TIMEOUT_MS),
  pongTimeout: ms(1, 3_600_000, D.pongTimeout, PLAUSIBLE_TIMEOUT_MS),
  ping: optional({ check: (v) => v } as Rule<unknown>),
  isPong: optional(fn<(m: unknown) => boolean>()),
  healthUrl: optional({ check: (v, option) => (v === false ? false : url({ protocols: ['http', 'https'] }).check(v, option)) } as Rule<string | false>),
  healthInterval: ms(10, 3_600_000, D.healthInterval, PLAUSIBLE_TIMEOUT_MS),
  maxQueuedMessages: num({ integer: true, min: 1, max: 10_000_000, allowInfinity: true, default: 1000 }),
  maxQueuedBytes: num({ min: 1, max: 2 ** 40, allowInfinity: true, default: 16 * MB }),
  overflow: oneOf(['drop-oldest', 'drop-newest', 'reject'] as const, { default: 'drop-oldest' }),
  queueBinary: bool({ default: false }),
  delivery: optional(
    shape({ messageId: fn<(m: unknown) => unknown>(), ackId: fn<(m: unknown) => unknown>(), ackTimeout: ms(1, 3_600_000, 30_000) }),
  ),
  onOpen: optional(fn<(c: WebSocketConnection) => void | Promise<void>>()),
  shouldReconnect: optional(fn<(c: { code: number; reason: string }) => boolean>()),
  activityFromMessage: optional(fn<(m: unknown) => Activity | undefined>()),
  isUserMessage: fn<(m: unknown) => boolean>({ default: isUserMessage }),
  parse: parseRule,
  headers: optional(headerRecord()),
  sensitiveHeaders: list(str({ nonEmpty: true }), { default: [] }),
  protocols: optional(subprotocolList()),
  maxPayload: num({ integer: true, min: 1, max: 2 ** 31, default: 16 * MB }),
  inboxSize: num({ integer: true, min: 1, max: 1_000_000, default: 1000 }),
  securityLevel: oneOf(Object.values(SecurityLevel), { default: SecurityLevel.STANDARD }),
  encryption: bool({ default: true }),
  enableLogging: bool({ default: false }),
  logger: optional(methods<Logger>(['debug', 'info', 'warn', 'error'])),
  monitoring: bool({ default: true }),
};

/** Keys `WebSocketConnection` accepts besides its spec: every `ConnectionConfig` field (seed 000) and `clock`. */
export const webSocketAccept: readonly string[] = [...CONNECTION_CONFIG_FIELDS, 'clock', 'inspect'];
