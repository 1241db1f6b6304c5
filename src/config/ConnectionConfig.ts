import type { ConnectionType, SecurityLevel } from './enums.js';

/**
 * Seed 000's `ConnectionConfig`: one shape for HTTP, WebSocket and SSE
 * connections. Durations are milliseconds. Every field is validated by the
 * connection that receives it, and every seed-000 connection accepts every
 * field. The defaults per type are `connectionDefaults`, read by both
 * `ConnectionConfigManager.get(type)` and the constructors.
 *
 * @example
 * ```ts
 * const customConfig: ConnectionConfig = { name: 'api', url: 'https://api.example.com', timeout: 10000 };
 * ```
 */
export interface ConnectionConfig {
  name?: string;
  url: string;
  connectionType?: ConnectionType;
  /** Per-attempt timeout (ms): a request, or the opening of a socket / stream. @default 5000 */
  timeout?: number;
  /** Retries after the first attempt: of a request, or of one `connect()` before it rejects (reconnects after a drop follow `maxReconnectAttempts`). @default 3 */
  retryCount?: number;
  /** First retry delay (ms). @default 1000 */
  retryDelay?: number;
  /** Growth of the retry delay per attempt. @default 2 */
  backoffMultiplier?: number;
  /** Sockets kept per origin. @default 10 */
  maxConnections?: number;
  /** Keep-alive of idle sockets (ms); 0 disables keep-alive. @default 30000 */
  keepAlive?: number;
  /** Ask for compressed responses and decode them. @default true */
  compression?: boolean;
  /** Require TLS (https/wss) except to loopback. @default true */
  encryption?: boolean;
  /** @default SecurityLevel.STANDARD */
  securityLevel?: SecurityLevel;
  /** Interval of automatic health checks (ms). @default 30000 */
  healthCheckInterval?: number;
  /** Timeout of one health check (ms). @default 5000 */
  healthCheckTimeout?: number;
  /** Path requested by `healthCheck()`; any 2xx is healthy. @default `/health` */
  healthPath?: string;
  /** Reconnect a dropped socket / stream. @default true for websocket and sse, false for http */
  autoReconnect?: boolean;
  /** @default true */
  autoRetry?: boolean;
  /** @default true */
  circuitBreaker?: boolean;
  /** Failures that open the circuit. @default 5 */
  circuitBreakerThreshold?: number;
  /** OPEN → HALF_OPEN after this long (ms). @default 60000 */
  circuitBreakerTimeout?: number;
  /** @default false */
  rateLimit?: boolean;
  /** Requests allowed per `rateLimitWindow`. @default 100 */
  rateLimitRequests?: number;
  /** Window of `rateLimitRequests` (ms). @default 60000 */
  rateLimitWindow?: number;
  /** Send connect, disconnect and authentication events to the logger. @default false */
  auditLogging?: boolean;
  /** Collect metrics (`getMetrics()`); false turns them off. @default true */
  monitoring?: boolean;
  customHeaders?: Record<string, string>;
  /** Extra header names whose values are secrets (redacted everywhere). */
  sensitiveHeaders?: string[];
  debug?: boolean;
  logLevel?: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  enableLogging?: boolean;
  /** Where log lines go (console-like; pino fits). Silent by default, always redacted. */
  logger?: Logger;
  /** Refuse to verify TLS certificates (refused at MAXIMUM). */
  rejectUnauthorized?: boolean;
  /** Largest response body read (bytes). @default 50 MiB */
  maxResponseBytes?: number;
}

/** The console-like logger statewire writes to (pino, console, winston fit). */
export interface Logger {
  debug(...args: unknown[]): void;
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
}
