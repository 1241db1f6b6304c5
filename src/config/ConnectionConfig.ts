import type { ConnectionType, SecurityLevel } from './enums.js';

/**
 * Seed 000's `ConnectionConfig`: one shape for HTTP, WebSocket and SSE
 * connections. Durations are milliseconds. Every field is validated by the
 * connection that receives it.
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
  /** Per-attempt timeout (ms). Default 5000. */
  timeout?: number;
  /** Retries after the first attempt. Default 3. */
  retryCount?: number;
  /** First retry delay (ms). Default 1000. */
  retryDelay?: number;
  /** Growth of the retry delay per attempt. Default 2. */
  backoffMultiplier?: number;
  /** Sockets kept per origin. Default 10. */
  maxConnections?: number;
  /** Keep-alive of idle sockets (ms); 0 disables keep-alive. Default 30000. */
  keepAlive?: number;
  /** Ask for compressed responses and decode them. Default true. */
  compression?: boolean;
  /** Require TLS (https/wss) except to loopback. Default true. */
  encryption?: boolean;
  securityLevel?: SecurityLevel;
  /** Interval of automatic health checks (ms). Default 30000. */
  healthCheckInterval?: number;
  /** Timeout of one health check (ms). Default 5000. */
  healthCheckTimeout?: number;
  /** Path requested by `healthCheck()`; any 2xx is healthy. Default `/health`. */
  healthPath?: string;
  autoReconnect?: boolean;
  autoRetry?: boolean;
  circuitBreaker?: boolean;
  circuitBreakerThreshold?: number;
  /** OPEN → HALF_OPEN after this long (ms). Default 60000. */
  circuitBreakerTimeout?: number;
  rateLimit?: boolean;
  /** Requests allowed per `rateLimitWindow`. Default 100. */
  rateLimitRequests?: number;
  /** Window of `rateLimitRequests` (ms). Default 60000. */
  rateLimitWindow?: number;
  /** Send connect, disconnect and authentication events to the logger. */
  auditLogging?: boolean;
  /** Collect metrics (`getMetrics()`); false turns them off. Default true. */
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
  /** Largest response body read (bytes). Default 50 MiB. */
  maxResponseBytes?: number;
}

/** The console-like logger statewire writes to (pino, console, winston fit). */
export interface Logger {
  debug(...args: unknown[]): void;
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
}
