import type { Clock } from '../clock.js';
import type { Logger } from '../config/ConnectionConfig.js';
import { SecurityLevel } from '../config/enums.js';
import { bool, fn, list, methods, ms, num, oneOf, optional, type Rule, str, url } from '../config/validate.js';
import { ConfigError } from '../errors.js';
import { headerRecord } from '../security/headerSyntax.js';
import type { MessageParse } from '../messages/parseText.js';
import { parseRule } from '../messages/parseRule.js';

/** Headers, or a function that computes them before every (re)connect (a refreshed token). */
export type SSEHeaders = Record<string, string> | (() => Record<string, string> | Promise<Record<string, string>>);

/**
 * Options of `SSEConnection`: seed 000's `ConnectionConfig` (extra keys are
 * ignored, so a config from `ConnectionConfigManager` fits) plus the SSE ones.
 * Durations in ms.
 *
 * @example
 * ```ts
 * const options: SSEConnectionOptions = { url: 'http://127.0.0.1:8000/events', headers: () => ({ Authorization: `Bearer ${token()}` }) };
 * ```
 */
export interface SSEConnectionOptions {
  url: string;
  name?: string;
  /** How long the server may take to answer the request. Default 10000. */
  timeout?: number;
  /** Seed 000: reconnect attempts after the first; given, it caps the attempts at retryCount + 1. */
  retryCount?: number;
  /** First reconnect delay. Default 1000 (seed 000). The server's `retry:` replaces it. */
  retryDelay?: number;
  /** Growth of the delay per attempt. Default 2 (seed 000). */
  backoffMultiplier?: number;
  /** No wait exceeds this, the server's `retry:` included. Default 30000. */
  maxRetryDelay?: number;
  /** Default Infinity: a stream keeps coming back unless `retryCount` or this says otherwise. */
  maxReconnectAttempts?: number;
  /** false: one attempt, no reconnect. Default true. */
  autoReconnect?: boolean;
  /** A stream that stayed open this long starts the next wait from scratch. Default 5000. */
  minUptime?: number;
  /**
   * Headers of every request; a function is called before every (re)connect. Names must be
   * tokens and values free of CR, LF and other control characters: refused at construction,
   * or (a function's result) before the request, with a `ConfigError` naming the header.
   */
  headers?: SSEHeaders;
  /** Seed 000's static headers (merged under `headers`). */
  customHeaders?: Record<string, string>;
  /** Header names to redact besides the built-in ones. */
  sensitiveHeaders?: string[];
  /** Send cookies cross-origin (browsers). Default false. */
  withCredentials?: boolean;
  /** No byte (event or comment) within this → the stream is dead: reconnect. 0 turns it off. Default 45000. */
  idleTimeout?: number;
  /** Largest event (bytes) accepted; a larger one is reported and the stream reconnects. Default 1 MiB. */
  maxEventBytes?: number;
  /** Whether a non-200 answer may be retried; it decides every status (204 always stops). Default: all but 401 and 403. */
  shouldReconnect?: (status: number) => boolean;
  /** How event data is decoded. Default `'auto'`: JSON when it looks like JSON, else the string. */
  parse?: MessageParse;
  /** Events kept for `receive()`. Default 1000. */
  inboxSize?: number;
  /** A fetch to use instead of the global one. */
  fetch?: typeof fetch;
  securityLevel?: SecurityLevel;
  encryption?: boolean;
  enableLogging?: boolean;
  logger?: Logger;
  monitoring?: boolean;
  clock?: Clock;
}

const MB = 1024 * 1024;
const headersRule: Rule<SSEHeaders | undefined> = {
  check: (value, option) => {
    if (value === undefined || typeof value === 'function') return value as SSEHeaders | undefined;
    if (typeof value !== 'object' || value === null) throw new ConfigError(option, value, 'expected an object of header strings or a function returning one');
    return headerRecord().check(value, option);
  },
};

export const sseSpec = {
  url: url({ protocols: ['http', 'https'] }),
  name: str({ default: 'sse' }),
  timeout: ms(1, 3_600_000, 10_000),
  retryCount: num({ integer: true, min: 0, max: 1_000_000, default: 3 }),
  retryDelay: ms(0, 3_600_000, 1_000),
  backoffMultiplier: num({ min: 1, max: 100, default: 2 }),
  maxRetryDelay: ms(0, 86_400_000, 30_000),
  maxReconnectAttempts: num({ integer: true, min: 1, max: 1e9, allowInfinity: true, default: Infinity }),
  autoReconnect: bool({ default: true }),
  minUptime: ms(0, 3_600_000, 5_000),
  headers: headersRule,
  customHeaders: { check: (value, option) => (value === undefined ? {} : headerRecord().check(value, option)) } as Rule<Record<string, string>>,
  sensitiveHeaders: list(str({ nonEmpty: true }), { default: [] }),
  withCredentials: bool({ default: false }),
  idleTimeout: ms(0, 86_400_000, 45_000),
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
