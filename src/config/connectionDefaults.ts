/**
 * The one table of defaults per connection type. `ConnectionConfigManager.get(type)`
 * and the constructors of `HTTPConnection`, `WebSocketConnection` and
 * `SSEConnection` both read it, so a connection made either way behaves alike.
 *
 * @module
 */
import type { ConnectionConfig } from './ConnectionConfig.js';
import { SecurityLevel } from './enums.js';

/**
 * Every field of {@link ConnectionConfig}. Seed 000 spreads one config into every
 * connection class, so each of them accepts all of these keys (and ignores the
 * ones it has no use for); any other unknown key is refused.
 *
 * @example
 * ```ts
 * CONNECTION_CONFIG_FIELDS.includes('retryCount'); // true
 * ```
 */
export const CONNECTION_CONFIG_FIELDS = [
  'name', 'url', 'connectionType', 'timeout', 'retryCount', 'retryDelay', 'backoffMultiplier', 'maxConnections',
  'keepAlive', 'compression', 'encryption', 'securityLevel', 'healthCheckInterval', 'healthCheckTimeout', 'healthPath',
  'autoReconnect', 'autoRetry', 'circuitBreaker', 'circuitBreakerThreshold', 'circuitBreakerTimeout', 'rateLimit',
  'rateLimitRequests', 'rateLimitWindow', 'auditLogging', 'monitoring', 'customHeaders', 'sensitiveHeaders', 'debug',
  'logLevel', 'enableLogging', 'logger', 'rejectUnauthorized', 'maxResponseBytes',
] as const satisfies ReadonlyArray<keyof ConnectionConfig>;

// Compile-time check that the list names every field of ConnectionConfig.
type MissingField = Exclude<keyof ConnectionConfig, (typeof CONNECTION_CONFIG_FIELDS)[number]>;
const everyField: [MissingField] extends [never] ? true : MissingField = true;
void everyField;

/** The seed-000 defaults every type shares. */
const common = {
  /** Per-attempt timeout: a request, or the opening of a socket / stream (seed 000's `VITE_CONNECTION_TIMEOUT`). */
  timeout: 5000,
  /** Retries after the first attempt: of a request, or of one `connect()` before it rejects. */
  retryCount: 3,
  /** First retry delay. */
  retryDelay: 1000,
  /** Growth of the retry delay per attempt. */
  backoffMultiplier: 2,
  maxConnections: 10,
  keepAlive: 30_000,
  compression: true,
  encryption: true,
  securityLevel: SecurityLevel.STANDARD,
  healthCheckInterval: 30_000,
  healthCheckTimeout: 5000,
  autoRetry: true,
  circuitBreaker: true,
  circuitBreakerThreshold: 5,
  circuitBreakerTimeout: 60_000,
  rateLimit: false,
  rateLimitRequests: 100,
  rateLimitWindow: 60_000,
  auditLogging: false,
  monitoring: true,
  enableLogging: false,
} as const;

/**
 * Defaults per connection type: seed 000's `ConnectionConfig` defaults, then the
 * options only that type has. Durations in ms.
 *
 * | option | http | websocket | sse |
 * |---|---|---|---|
 * | `timeout` (one attempt) | 5000 | 5000 | 5000 |
 * | `retryCount` (retries of a request / of one `connect()`) | 3 | 3 | 3 |
 * | `retryDelay` / `reconnectDelay` (first wait) | 1000 | 2000 | 1000 |
 * | `maxReconnectAttempts` (after a drop) | – | Infinity | Infinity |
 * | `maxRetryDelay` / `maxReconnectDelay` | 30000 | 30000 | 30000 |
 * | `autoReconnect` | false | true | true |
 * | `minUptime` | – | 5000 | 5000 |
 * | `pingInterval` / `pongTimeout` | – | 30000 / 10000 | – |
 * | `idleTimeout` | – | – | 45000 |
 *
 * @example
 * ```ts
 * connectionDefaults.sse.timeout; // 5000, for new SSEConnection(...) and configManager.get('sse') alike
 * ```
 */
export const connectionDefaults = {
  http: {
    ...common,
    name: 'http',
    /** A request/response client has no socket to bring back. */
    autoReconnect: false,
    healthPath: '/health',
    maxRetryDelay: 30_000,
    maxResponseBytes: 50 * 1024 * 1024,
    rejectUnauthorized: true,
  },
  websocket: {
    ...common,
    name: 'websocket',
    autoReconnect: true,
    /** Seed 004's base reconnect delay. */
    reconnectDelay: 2000,
    maxReconnectDelay: 30_000,
    /** Reconnects after a drop (seed 004, partysocket): no limit. */
    maxReconnectAttempts: Infinity,
    minUptime: 5000,
    pingInterval: 30_000,
    pongTimeout: 10_000,
    healthInterval: 5000,
  },
  sse: {
    ...common,
    name: 'sse',
    autoReconnect: true,
    maxRetryDelay: 30_000,
    /** Reconnects after a drop (as eventsource): no limit. */
    maxReconnectAttempts: Infinity,
    minUptime: 5000,
    idleTimeout: 45_000,
  },
} as const;
