import type { Clock } from '../runtime/clock.js';
import type { Inspect } from '../runtime/inspection.js';
import type { Logger } from '../config/ConnectionConfig.js';
import { SecurityLevel } from '../config/enums.js';
import { bool, fn, list, methods, ms, num, oneOf, optional, PLAUSIBLE_DELAY_MS, PLAUSIBLE_TIMEOUT_MS, record, type Resolved, type Rule, str, url } from '../config/validate.js';
import type { SseInput } from '../../machines/sse.js';
import { CONNECTION_CONFIG_FIELDS, connectionDefaults } from '../config/connectionDefaults.js';
import { ConfigError } from '../errors.js';
import { headerRecord } from '../security/headerSyntax.js';
import type { MessageParse } from '../runtime/parseText.js';
import { parseRule } from '../runtime/parseRule.js';

/** Headers, or a function that computes them before every (re)connect (a refreshed token). */
export type SSEHeaders = Record<string, string> | (() => Record<string, string> | Promise<Record<string, string>>);

/**
 * Options of `SSEConnection`: seed 000's `ConnectionConfig` plus the SSE ones.
 * Every `ConnectionConfig` field is accepted (a config from
 * `ConnectionConfigManager.get('sse')` fits, with the same defaults: both read
 * `connectionDefaults.sse`); any other unknown key is refused with a "did you
 * mean". Durations in ms.
 *
 * @example
 * ```ts
 * const options: SSEConnectionOptions = { url: 'http://127.0.0.1:8000/events', headers: () => ({ Authorization: `Bearer ${token()}` }) };
 * ```
 */
export interface SSEConnectionOptions {
  url: string;
  /** @default 'sse' */
  name?: string;
  /** How long the server may take to answer one attempt's request. @default 5000 */
  timeout?: number;
  /**
   * Retries of one `connect()` (seed 000): it makes at most `retryCount + 1`
   * attempts, then rejects and the connection ends in `error`. Reconnects after
   * a stream that opened follow `maxReconnectAttempts`. `Infinity`: `connect()`
   * keeps trying (bounded by `maxReconnectAttempts`).
   * @default 3
   */
  retryCount?: number;
  /** First reconnect delay; the server's `retry:` replaces it. Must not exceed `maxRetryDelay`. @default 1000 */
  retryDelay?: number;
  /** Growth of the delay per attempt. @default 2 */
  backoffMultiplier?: number;
  /** No wait exceeds this, the server's `retry:` included. @default 30000 */
  maxRetryDelay?: number;
  /** Attempts after a stream that opened dropped (as eventsource: no limit). @default Infinity */
  maxReconnectAttempts?: number;
  /** false: one attempt, no reconnect. @default true */
  autoReconnect?: boolean;
  /** A stream that stayed open this long starts the next wait from scratch. @default 5000 */
  minUptime?: number;
  /**
   * Headers of every request; a function is called before every (re)connect (it may throw: the
   * attempt fails and is reported). Names must be tokens and values free of CR, LF and other
   * control characters: refused at construction, or (a function's result) before the request,
   * with a `ConfigError` naming the header.
   */
  headers?: SSEHeaders;
  /** Seed 000's static headers (merged under `headers`). @default {} */
  customHeaders?: Record<string, string>;
  /** Header names to redact besides the built-in ones. @default [] */
  sensitiveHeaders?: string[];
  /** Send cookies cross-origin (browsers). @default false */
  withCredentials?: boolean;
  /** No byte (event or comment) within this → the stream is dead: reconnect. 0 turns it off. @default 45000 */
  idleTimeout?: number;
  /** Largest event (bytes) accepted; a larger one is reported and the stream reconnects. @default 1048576 (1 MiB) */
  maxEventBytes?: number;
  /**
   * Whether a non-200 answer may be retried; it decides every status (204 always
   * stops). One that throws is reported (`error`) and the status is treated as final.
   * @default all but 401 and 403
   */
  shouldReconnect?: (status: number) => boolean;
  /** How event data is decoded. `'auto'`: JSON when it looks like JSON, else the string. A function that throws is reported; the event keeps its raw data. @default 'auto' */
  parse?: MessageParse;
  /** Events kept for `receive()`. @default 1000 */
  inboxSize?: number;
  /** A fetch to use instead of the global one. One that throws synchronously is reported (`callback_error`) and the attempt fails. */
  fetch?: typeof fetch;
  /** @default SecurityLevel.STANDARD */
  securityLevel?: SecurityLevel;
  /** Require TLS except to loopback. @default true */
  encryption?: boolean;
  /** @default false */
  enableLogging?: boolean;
  logger?: Logger;
  /** @default true */
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
const D = connectionDefaults.sse;
const headersRule: Rule<SSEHeaders | undefined> = {
  check: (value, option) => {
    if (value === undefined || typeof value === 'function') return value as SSEHeaders | undefined;
    if (typeof value !== 'object' || value === null) throw new ConfigError(option, value, 'expected an object of header strings or a function returning one');
    return headerRecord().check(value, option);
  },
};

export const sseSpec = {
  url: url({ protocols: ['http', 'https'] }),
  name: str({ default: D.name }),
  timeout: ms(1, 3_600_000, D.timeout, PLAUSIBLE_TIMEOUT_MS),
  retryCount: num({ integer: true, min: 0, max: 1_000_000, allowInfinity: true, default: D.retryCount }),
  retryDelay: ms(0, 3_600_000, D.retryDelay, PLAUSIBLE_DELAY_MS),
  backoffMultiplier: num({ min: 1, max: 100, default: D.backoffMultiplier }),
  maxRetryDelay: ms(0, 86_400_000, D.maxRetryDelay, PLAUSIBLE_DELAY_MS),
  maxReconnectAttempts: num({ integer: true, min: 1, max: 1e9, allowInfinity: true, default: D.maxReconnectAttempts }),
  autoReconnect: bool({ default: D.autoReconnect }),
  minUptime: ms(0, 3_600_000, D.minUptime),
  headers: headersRule,
  customHeaders: { check: (value, option) => (value === undefined ? {} : headerRecord().check(value, option)) } as Rule<Record<string, string>>,
  sensitiveHeaders: list(str({ nonEmpty: true }), { default: [] }),
  withCredentials: bool({ default: false }),
  idleTimeout: ms(0, 86_400_000, D.idleTimeout, PLAUSIBLE_TIMEOUT_MS),
  maxEventBytes: num({ integer: true, min: 16, max: 2 ** 31, default: 1 * MB }),
  shouldReconnect: optional(fn<(status: number) => boolean>()),
  parse: parseRule,
  inboxSize: num({ integer: true, min: 1, max: 1_000_000, default: 1000 }),
  fetch: optional(fn<typeof fetch>()),
  securityLevel: oneOf(Object.values(SecurityLevel), { default: SecurityLevel.STANDARD }),
  encryption: bool({ default: true }),
  enableLogging: bool({ default: false }),
  logger: optional(methods<Logger>(['debug', 'info', 'warn', 'error'])),
  monitoring: bool({ default: true }),
};

/** Keys `SSEConnection` accepts besides its spec: every `ConnectionConfig` field (seed 000) and `clock`. */
export const sseAccept: readonly string[] = [...CONNECTION_CONFIG_FIELDS, 'clock', 'inspect'];

/** `SSEConnectionOptions` as validated, defaults filled in. */
export type SSESettings = Resolved<typeof sseSpec>;

/**
 * The SSE machine's input for a connection with `settings`, showing `url`
 * (redacted): seed 000's names mapped to the machine's, and a jitter seed drawn now.
 *
 * @example
 * ```ts
 * createActor(sseMachine, { input: sseMachineInput(settings, redactUrl(settings.url)) });
 * ```
 */
export function sseMachineInput(settings: SSESettings, url: string): SseInput {
  return {
    url,
    connectTimeout: settings.timeout,
    reconnectDelay: settings.retryDelay,
    backoffMultiplier: settings.backoffMultiplier,
    maxReconnectDelay: settings.maxRetryDelay,
    // One connect() makes retryCount + 1 attempts; reconnects after a drop follow maxReconnectAttempts.
    maxConnectAttempts: settings.autoReconnect ? settings.retryCount + 1 : 1,
    maxReconnectAttempts: settings.autoReconnect ? settings.maxReconnectAttempts : 1,
    minUptime: settings.minUptime,
    seed: (Math.random() * 2 ** 32) | 0,
  };
}
