import { ConfigError } from '../errors.js';
import type { ConnectionConfig, Logger } from './ConnectionConfig.js';
import { ConnectionType, SecurityLevel } from './enums.js';
import { bool, list, num, oneOf, optional, PLAUSIBLE_DELAY_MS, PLAUSIBLE_TIMEOUT_MS, record, str, url, validateOptions, type Rule } from './validate.js';
import { connectionDefaults } from './connectionDefaults.js';

/**
 * The fields {@link ConnectionConfigManager.get} always fills in.
 *
 * @example
 * ```ts
 * const key: DefaultedField = 'timeout';
 * ```
 */
export type DefaultedField =
  | 'name'
  | 'connectionType'
  | 'timeout'
  | 'retryCount'
  | 'retryDelay'
  | 'backoffMultiplier'
  | 'maxConnections'
  | 'keepAlive'
  | 'compression'
  | 'encryption'
  | 'securityLevel'
  | 'healthCheckInterval'
  | 'healthCheckTimeout'
  | 'autoReconnect'
  | 'autoRetry'
  | 'circuitBreaker'
  | 'circuitBreakerThreshold'
  | 'circuitBreakerTimeout'
  | 'rateLimit'
  | 'rateLimitRequests'
  | 'rateLimitWindow'
  | 'auditLogging'
  | 'monitoring';

/**
 * What {@link ConnectionConfigManager.get} returns: a {@link ConnectionConfig}
 * with every default filled in, and `url` only when the environment
 * (`VITE_HTTP_URL`, …) or `set()` gave one. Without it the caller supplies the
 * URL, as the seed does with `{ ...config, url }`.
 *
 * @example
 * ```ts
 * const defaults: ConnectionDefaults = configManager.get('http');
 * const config: ConnectionConfig = { ...defaults, url: defaults.url ?? 'https://api.example.com' };
 * ```
 */
export interface ConnectionDefaults
  extends Omit<ConnectionConfig, 'url' | DefaultedField>, Required<Pick<ConnectionConfig, DefaultedField>> {
  url?: string;
}

/**
 * Options of {@link ConnectionConfigManager}.
 *
 * @example
 * ```ts
 * const options: ConnectionConfigManagerOptions = { env: { VITE_CONNECTION_TIMEOUT: '8000' } };
 * ```
 */
export interface ConnectionConfigManagerOptions {
  /**
   * Variables to read instead of the environment. Default: `import.meta.env`
   * under Vite, else `process.env` in Node, else none (a browser without Vite).
   */
  env?: Record<string, string | undefined>;
}

const OWNER = 'ConnectionConfigManager';
const TYPES = Object.values(ConnectionType);
const MAX_MS = 3_600_000;
const ms = (min: number, plausibleMin?: number) => num({ min, max: MAX_MS, unit: 'ms', ...(plausibleMin === undefined ? {} : { plausible: { min: plausibleMin } }) });
const count = (min: number) => num({ integer: true, min });
const URL_PROTOCOLS: Readonly<Record<ConnectionType, readonly string[]>> = {
  http: ['http', 'https'],
  websocket: ['ws', 'wss'],
  sse: ['http', 'https'],
};

const loggerRule: Rule<Logger> = {
  check(value, option) {
    const l = value as Partial<Record<keyof Logger, unknown>> | null;
    const methods = ['debug', 'info', 'warn', 'error'] as const;
    if (typeof l !== 'object' || l === null || !methods.every((m) => typeof l[m] === 'function')) {
      throw new ConfigError(option, value, 'expected a logger with debug, info, warn and error methods');
    }
    return value as Logger;
  },
};

/** The rule of every field, with the URL protocols of `type`; used by `set()` and for env values. */
function fieldRules(type: ConnectionType) {
  return {
    name: str({ nonEmpty: true }),
    url: url({ protocols: URL_PROTOCOLS[type] }),
    connectionType: oneOf(TYPES),
    timeout: ms(1, PLAUSIBLE_TIMEOUT_MS),
    retryCount: count(0),
    retryDelay: ms(0, PLAUSIBLE_DELAY_MS),
    backoffMultiplier: num({ min: 1, max: 100 }),
    maxConnections: count(1),
    keepAlive: ms(0), // 0 disables keep-alive
    compression: bool(),
    encryption: bool(),
    securityLevel: oneOf(Object.values(SecurityLevel)),
    healthCheckInterval: ms(1, PLAUSIBLE_TIMEOUT_MS),
    healthCheckTimeout: ms(1, PLAUSIBLE_TIMEOUT_MS),
    healthPath: str({ nonEmpty: true }),
    autoReconnect: bool(),
    autoRetry: bool(),
    circuitBreaker: bool(),
    circuitBreakerThreshold: count(1),
    circuitBreakerTimeout: ms(1, PLAUSIBLE_TIMEOUT_MS),
    rateLimit: bool(),
    rateLimitRequests: count(1),
    rateLimitWindow: ms(1),
    auditLogging: bool(),
    monitoring: bool(),
    customHeaders: record(str()),
    sensitiveHeaders: list(str()),
    debug: bool(),
    logLevel: oneOf(['debug', 'info', 'warn', 'error', 'silent']),
    enableLogging: bool(),
    logger: loggerRule,
    rejectUnauthorized: bool(),
    maxResponseBytes: count(1),
  } satisfies { [K in keyof ConnectionConfig]?: Rule<ConnectionConfig[K]> };
}

type Field = keyof ReturnType<typeof fieldRules>;

/** Seed 000's defaults for `type` from the one table the constructors use too, in a fresh object. */
function seedDefaults(type: ConnectionType): ConnectionDefaults {
  const d = connectionDefaults[type];
  const fields: ConnectionDefaults = {
    name: d.name,
    connectionType: type,
    timeout: d.timeout,
    retryCount: d.retryCount,
    retryDelay: d.retryDelay,
    backoffMultiplier: d.backoffMultiplier,
    maxConnections: d.maxConnections,
    keepAlive: d.keepAlive,
    compression: d.compression,
    encryption: d.encryption,
    securityLevel: d.securityLevel,
    healthCheckInterval: d.healthCheckInterval,
    healthCheckTimeout: d.healthCheckTimeout,
    autoReconnect: d.autoReconnect,
    autoRetry: d.autoRetry,
    circuitBreaker: d.circuitBreaker,
    circuitBreakerThreshold: d.circuitBreakerThreshold,
    circuitBreakerTimeout: d.circuitBreakerTimeout,
    rateLimit: d.rateLimit,
    rateLimitRequests: d.rateLimitRequests,
    rateLimitWindow: d.rateLimitWindow,
    auditLogging: d.auditLogging,
    monitoring: d.monitoring,
  };
  return fields;
}

/** An env value as text; blank (e.g. `VITE_X=` in a .env file) counts as unset. */
function text(value: unknown): unknown {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') return value; // an injected env may hold real numbers/booleans
  const t = value.trim();
  return t === '' ? undefined : t;
}

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
const TRUE = new Set(['true', '1', 'yes']);
const FALSE = new Set(['false', '0', 'no']);

/** A numeric variable: decimal text becomes a number for `inner`; other text fails `inner` as is. */
function envNumber(inner: Rule<number>): Rule<number | undefined> {
  return {
    check(value, option) {
      const t = text(value);
      if (t === undefined) return undefined;
      return inner.check(typeof t === 'string' && DECIMAL.test(t) ? Number(t) : t, option);
    },
  };
}

/** A boolean variable: true/false/1/0/yes/no in any case. */
const envBoolean: Rule<boolean | undefined> = {
  check(value, option) {
    const t = text(value);
    if (t === undefined || typeof t === 'boolean') return t;
    const s = String(t).toLowerCase();
    if (TRUE.has(s)) return true;
    if (FALSE.has(s)) return false;
    throw new ConfigError(option, value, 'expected true, false, 1, 0, yes or no');
  },
};

/** A string variable checked by `inner` (URLs, the security level). */
function envText<T>(inner: Rule<T>): Rule<T | undefined> {
  return { check: (value, option) => optional(inner).check(text(value), option) };
}

/** Seed 000's variables and the field each sets; the rule's option name is the variable. */
function envSpec() {
  const r = fieldRules('http');
  return {
    VITE_CONNECTION_TIMEOUT: envNumber(r.timeout),
    VITE_CONNECTION_RETRY_COUNT: envNumber(r.retryCount),
    VITE_CONNECTION_RETRY_DELAY: envNumber(r.retryDelay),
    VITE_CONNECTION_BACKOFF_MULTIPLIER: envNumber(r.backoffMultiplier),
    VITE_CONNECTION_MAX_POOL_SIZE: envNumber(r.maxConnections),
    VITE_CONNECTION_KEEP_ALIVE: envNumber(r.keepAlive),
    VITE_CONNECTION_COMPRESSION: envBoolean,
    VITE_CONNECTION_ENCRYPTION: envBoolean,
    VITE_CONNECTION_SECURITY_LEVEL: envText(r.securityLevel),
    VITE_CONNECTION_HEALTH_CHECK_INTERVAL: envNumber(r.healthCheckInterval),
    VITE_CONNECTION_AUTO_RECONNECT: envBoolean,
    VITE_CONNECTION_CIRCUIT_BREAKER: envBoolean,
    VITE_CONNECTION_CIRCUIT_BREAKER_THRESHOLD: envNumber(r.circuitBreakerThreshold),
    VITE_CONNECTION_CIRCUIT_BREAKER_TIMEOUT: envNumber(r.circuitBreakerTimeout),
    VITE_HTTP_URL: envText(r.url),
    VITE_WEBSOCKET_URL: envText(fieldRules('websocket').url),
    VITE_SSE_URL: envText(fieldRules('sse').url),
  };
}

/** Field set by each `VITE_CONNECTION_*` variable (shared by every type). */
const COMMON_VARS = {
  VITE_CONNECTION_TIMEOUT: 'timeout',
  VITE_CONNECTION_RETRY_COUNT: 'retryCount',
  VITE_CONNECTION_RETRY_DELAY: 'retryDelay',
  VITE_CONNECTION_BACKOFF_MULTIPLIER: 'backoffMultiplier',
  VITE_CONNECTION_MAX_POOL_SIZE: 'maxConnections',
  VITE_CONNECTION_KEEP_ALIVE: 'keepAlive',
  VITE_CONNECTION_COMPRESSION: 'compression',
  VITE_CONNECTION_ENCRYPTION: 'encryption',
  VITE_CONNECTION_SECURITY_LEVEL: 'securityLevel',
  VITE_CONNECTION_HEALTH_CHECK_INTERVAL: 'healthCheckInterval',
  VITE_CONNECTION_AUTO_RECONNECT: 'autoReconnect',
  VITE_CONNECTION_CIRCUIT_BREAKER: 'circuitBreaker',
  VITE_CONNECTION_CIRCUIT_BREAKER_THRESHOLD: 'circuitBreakerThreshold',
  VITE_CONNECTION_CIRCUIT_BREAKER_TIMEOUT: 'circuitBreakerTimeout',
} as const satisfies Record<string, DefaultedField>;

const URL_VARS = { http: 'VITE_HTTP_URL', websocket: 'VITE_WEBSOCKET_URL', sse: 'VITE_SSE_URL' } as const;

/** `import.meta.env` when a bundler (Vite) provides it. */
function viteEnv(): Record<string, unknown> | undefined {
  // Written literally because Vite (and vitest) rewrite the text `import.meta.env`.
  // The CJS build replaces import.meta with {}; inside try, esbuild does not warn about that.
  try {
    // @ts-ignore -- ImportMeta has no `env` without vite/client types (expect-error would break with them)
    const env: unknown = import.meta.env;
    return typeof env === 'object' && env !== null ? (env as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Where variables come from when no `env` is given; typeof guards keep browsers working. */
export function defaultEnv(): Record<string, unknown> {
  const vite = viteEnv();
  if (vite !== undefined) return vite;
  if (typeof process !== 'undefined' && typeof process.env === 'object' && process.env !== null) return process.env;
  return {};
}

const envOption: Rule<Record<string, unknown> | undefined> = {
  check(value, option) {
    if (value === undefined) return undefined;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new ConfigError(option, value, 'expected an object of variables');
    }
    return value as Record<string, unknown>;
  },
};

/** Fresh copy; arrays and header maps are copied so callers cannot edit the stored defaults. */
function copy(c: ConnectionDefaults): ConnectionDefaults {
  const out = { ...c };
  if (c.customHeaders !== undefined) out.customHeaders = { ...c.customHeaders };
  if (c.sensitiveHeaders !== undefined) out.sensitiveHeaders = [...c.sensitiveHeaders];
  return out;
}

/**
 * Seed 000's `ConnectionConfigManager`: per-type connection defaults (HTTP,
 * WebSocket, SSE) merged with the `VITE_CONNECTION_*` and `VITE_*_URL`
 * environment variables. The environment is read and validated once, in the
 * constructor, so a bad variable fails at start-up with a {@link ConfigError}
 * naming the variable. Precedence: seed defaults < environment < `set()`.
 *
 * @example
 * ```ts
 * const configManager = new ConnectionConfigManager();
 * const config = configManager.get('http');
 * const httpConn = new HTTPConnection({ ...config, url: 'https://api.example.com', timeout: 5000 });
 * ```
 */
export class ConnectionConfigManager {
  private readonly configs: Record<ConnectionType, ConnectionDefaults>;

  constructor(options: ConnectionConfigManagerOptions = {}) {
    const o = validateOptions(OWNER, options, { env: envOption });
    // The environment holds every variable of the process: only statewire's are read.
    const vars = validateOptions(OWNER, o.env ?? defaultEnv(), envSpec(), { accept: 'any' });
    const common: Partial<ConnectionDefaults> = {};
    for (const [name, field] of Object.entries(COMMON_VARS)) {
      const value = vars[name as keyof typeof COMMON_VARS];
      if (value !== undefined) Object.assign(common, { [field]: value });
    }
    const build = (type: ConnectionType): ConnectionDefaults => {
      const envUrl = vars[URL_VARS[type]];
      return { ...seedDefaults(type), ...common, ...(envUrl === undefined ? {} : { url: envUrl }) };
    };
    this.configs = { http: build('http'), websocket: build('websocket'), sse: build('sse') };
  }

  /**
   * The configuration of `type`, in a fresh object the caller may change.
   * `url` is present only when the environment or `set()` supplied it.
   *
   * @example
   * ```ts
   * const ws = configManager.get(ConnectionType.WEBSOCKET);
   * ws.timeout; // 5000 unless VITE_CONNECTION_TIMEOUT says otherwise
   * ```
   */
  get(type: ConnectionType): ConnectionDefaults {
    return copy(this.configs[checkType(type)]);
  }

  /**
   * Overrides fields of `type`'s configuration (each validated; `undefined`
   * leaves a field as it was; a key that is no field of `ConnectionConfig` is
   * refused with a "did you mean") and returns the result.
   *
   * @example
   * ```ts
   * configManager.set('http', { timeout: 10_000, url: 'https://api.example.com' });
   * configManager.get('http').timeout; // 10000
   * ```
   */
  set(type: ConnectionType, overrides: Partial<ConnectionConfig>): ConnectionDefaults {
    const t = checkType(type);
    const rules = fieldRules(t);
    const spec = Object.fromEntries(Object.entries(rules).map(([k, rule]) => [k, optional(rule as Rule<unknown>)]));
    const checked = validateOptions(OWNER, overrides, spec) as Partial<Record<Field, unknown>>;
    if (checked.connectionType !== undefined && checked.connectionType !== t) {
      throw new ConfigError('connectionType', checked.connectionType, `expected ${JSON.stringify(t)} (the type being set)`, {
        owner: OWNER,
      });
    }
    const defined = Object.fromEntries(Object.entries(checked).filter(([, v]) => v !== undefined));
    this.configs[t] = copy({ ...this.configs[t], ...defined });
    return copy(this.configs[t]);
  }

  /**
   * Every type's configuration, keyed by type, each a fresh object.
   *
   * @example
   * ```ts
   * for (const [type, config] of Object.entries(configManager.getAll())) console.log(type, config.timeout);
   * ```
   */
  getAll(): Record<ConnectionType, ConnectionDefaults> {
    return { http: this.get('http'), websocket: this.get('websocket'), sse: this.get('sse') };
  }
}

/** Refuses a type outside the enum (plain-JS callers); matches case-insensitively. */
function checkType(type: unknown): ConnectionType {
  return validateOptions(OWNER, { type }, { type: oneOf(TYPES) }).type;
}
