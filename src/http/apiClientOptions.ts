import type { Snapshot } from 'xstate';
import { breakerOptionRules } from '../breaker/CircuitBreaker.js';
import { rateLimiterOptionRules } from '../rateLimiter/RateLimiter.js';
import type { Clock } from '../runtime/clock.js';
import type { Inspect } from '../runtime/inspection.js';
import type { Logger } from '../config/ConnectionConfig.js';
import { bool, list, methods, num, oneOf, optional, PLAUSIBLE_DELAY_MS, PLAUSIBLE_TIMEOUT_MS, record, shape, str, url, type Rule } from '../config/validate.js';
import { SecurityLevel } from '../config/enums.js';
import type { HttpResponse } from './RequestPipeline.js';
import type { QueryParams } from './buildUrl.js';
import type { StandardSchemaV1 } from '../security/StandardSchemaV1.js';
import type { TransportChoice } from './transports/createHttpTransport.js';
import type { SharedOptions } from '../rateLimiter/SharedLimits.js';

/** Options of {@link ApiClient}: seed 004's, plus transport and safety limits. Durations in ms. */
export interface ApiClientOptions extends SharedOptions {
  baseURL: string;
  /** Per-attempt timeout. Default 12000. */
  timeout?: number;
  /**
   * Whole-call limit including retries and waits; 0 for none. Each attempt's
   * timeout is clamped to what is left, so the call settles by then (a
   * `TimeoutError` when time runs out in an attempt).
   * @default 0
   */
  deadline?: number;
  /** Retries after the first attempt. Default 2. */
  retries?: number;
  /** First retry delay; doubles per retry, capped at `maxRetryDelay`, plus jitter. Default 500. */
  retryDelay?: number;
  /** Cap on any retry wait, including a server's Retry-After. Default 30000. */
  maxRetryDelay?: number;
  /** Default 408, 429, 500, 502, 503, 504. */
  retryStatusCodes?: number[];
  /** Methods retried without an Idempotency-Key. Default GET, HEAD, OPTIONS, PUT, DELETE. */
  retryMethods?: string[];
  circuitBreaker?: boolean;
  circuitBreakerOptions?: {
    threshold?: number;
    timeout?: number;
    volumeThreshold?: number;
    halfOpenMaxCalls?: number;
    windowMs?: number;
    /** From `client.circuitBreaker.actor.getPersistedSnapshot()`. */
    snapshot?: Snapshot<unknown>;
  };
  rateLimiter?: boolean;
  rateLimiterOptions?: { limits?: Record<string, { tokensPerSecond?: number; burstCapacity?: number }> };
  /** Sent with every request. */
  headers?: Record<string, string>;
  /** More header names whose values are secret. */
  sensitiveHeaders?: string[];
  enableLogging?: boolean;
  logger?: Logger;
  /** `'auto'` (undici in Node, fetch elsewhere), `'undici'`, `'fetch'`, or your own. */
  transport?: TransportChoice;
  /** Sockets per origin (undici). Default 64. */
  connections?: number;
  keepAlive?: number;
  compression?: boolean;
  /** Largest response body read, in bytes. Default 50 MiB. */
  maxResponseBytes?: number;
  securityLevel?: SecurityLevel;
  encryption?: boolean;
  rejectUnauthorized?: boolean;
  /**
   * Redirects followed per attempt (in Node, by statewire itself on either
   * transport); past it the call rejects with an `ApiError` naming the chain's
   * length. `0` follows none: a 3xx rejects as an `ApiError` with its `location`.
   * In a browser, fetch follows redirects itself (up to its own limit of 20);
   * `0` maps to `redirect: 'error'` there.
   *
   * @default 10
   */
  maxRedirects?: number;
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

/** Per-call options of seed 004 (`rateCategory`, `headers`, `timeout`, `signal`, `retries`) and `params`. */
export interface RequestOptions {
  /** Checks the request body before anything is sent (zod, valibot, any Standard Schema). */
  requestSchema?: StandardSchemaV1;
  /** Checks (and may transform) the parsed response body. */
  responseSchema?: StandardSchemaV1;
  rateCategory?: string;
  headers?: Record<string, string>;
  timeout?: number;
  signal?: AbortSignal;
  retries?: number;
  /** Query parameters; an array value repeats the name (`{ a: [1, 2] }` → `a=1&a=2`). */
  params?: QueryParams;
  /**
   * Resolve `{ status, headers, data }` instead of the data: the final response's
   * status (after redirects, of the last attempt after retries) and headers (a plain
   * object, lower-case names, repeated headers joined with `, `, as got's
   * `response.headers`), with `data` what the call would resolve to otherwise. Response
   * interceptors do not run for a raw call. A status of 400 or more still rejects
   * with `ApiError`.
   *
   * @default false
   * @example
   * ```ts
   * const { status, headers, data } = await client.get<User[]>('/users', { raw: true });
   * const next = headers['link'];
   * ```
   */
  raw?: boolean;
}

/** What a request interceptor sees and returns (it may change anything). */
export interface RequestConfig extends RequestOptions {
  method: string;
  url: string;
  baseURL: string;
  headers: Record<string, string>;
  data?: unknown;
}

/** What a response interceptor receives. */
export interface ApiResponse<T = unknown> extends HttpResponse<T> {
  config: RequestConfig;
}

export type RequestInterceptor = (config: RequestConfig) => RequestConfig | Promise<RequestConfig>;
export type ResponseInterceptor = (response: ApiResponse<any>) => unknown;

const IDEMPOTENT = ['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE'];
const MB = 1024 * 1024;
const ms = (max: number, d: number, min = 0, plausibleMin?: number) =>
  num({ min, max, unit: 'ms', default: d, ...(plausibleMin === undefined ? {} : { plausible: { min: plausibleMin } }) });

/** The option rules `new ApiClient(options)` validates against. */
export const apiClientSpec = {
  baseURL: url({ protocols: ['http', 'https'] }),
  timeout: ms(3_600_000, 12_000, 0, PLAUSIBLE_TIMEOUT_MS),
  deadline: ms(86_400_000, 0, 0, PLAUSIBLE_TIMEOUT_MS),
  retries: num({ integer: true, min: 0, max: 100, default: 2 }),
  retryDelay: ms(600_000, 500, 0, PLAUSIBLE_DELAY_MS),
  maxRetryDelay: ms(3_600_000, 30_000),
  retryStatusCodes: list(num({ integer: true, min: 100, max: 599 }), { default: [408, 429, 500, 502, 503, 504] }),
  retryMethods: list(str({ nonEmpty: true }), { default: IDEMPOTENT }),
  circuitBreaker: bool({ default: true }),
  circuitBreakerOptions: shape({
    threshold: breakerOptionRules.threshold,
    timeout: breakerOptionRules.timeout,
    volumeThreshold: breakerOptionRules.volumeThreshold,
    halfOpenMaxCalls: breakerOptionRules.halfOpenMaxCalls,
    // Optional here (the breaker applies its default), with the breaker's range.
    windowMs: optional(num({ min: 10, max: 86_400_000, unit: 'ms' })),
    snapshot: optional({ check: (v) => v } as Rule<Snapshot<unknown>>),
  }),
  rateLimiter: bool({ default: false }),
  rateLimiterOptions: shape(rateLimiterOptionRules),
  headers: record(str(), { default: {} }),
  sensitiveHeaders: list(str({ nonEmpty: true }), { default: [] }),
  enableLogging: bool({ default: false }),
  logger: optional(methods<Logger>(['debug', 'info', 'warn', 'error'])),
  connections: num({ integer: true, min: 1, max: 10_000, default: 64 }),
  keepAlive: ms(3_600_000, 30_000),
  compression: bool({ default: true }),
  maxResponseBytes: num({ integer: true, min: 1, max: 2 ** 32, default: 50 * MB }),
  securityLevel: oneOf(Object.values(SecurityLevel), { default: SecurityLevel.STANDARD }),
  encryption: bool({ default: false }),
  rejectUnauthorized: bool({ default: true }),
  maxRedirects: num({ integer: true, min: 0, max: 1000, default: 10 }),
};

/** What `ApiClient.request()` takes: a config whose `url` may also be a `URL`. */
export type CallInit = Partial<Omit<RequestConfig, 'url'>> & { url: string | URL };
