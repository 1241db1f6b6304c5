/**
 * Typed errors thrown by statewire.
 *
 * Every class carries a boolean flag (`isApiError`, `isTimeoutError`, …) so
 * plain-JavaScript callers can branch with `if (error.isApiError)`, and
 * `instanceof` is answered from that flag so it also works when the ESM and
 * CJS builds are both loaded and an error crosses between them.
 *
 * @module
 */
import { isSecretOption, showValue, STATUS_TEXT, urlForMessage } from './runtime/errorText.js';

type Flag =
  | 'isStatewireError'
  | 'isConfigError'
  | 'isApiError'
  | 'isTimeoutError'
  | 'isCircuitBreakerError'
  | 'isRateLimitError'
  | 'isValidationError'
  | 'isNetworkError';

/**
 * Shared `instanceof` logic: the base class `cls` itself matches any object
 * whose `flag` is `true` (so an error from another copy of the module
 * matches), while a user subclass of `cls` keeps ordinary prototype-chain
 * semantics.
 */
function hasBrand(self: Function, cls: Function, flag: Flag, x: unknown): boolean {
  if (self === cls) {
    return typeof x === 'object' && x !== null && (x as Partial<Record<Flag, unknown>>)[flag] === true;
  }
  return Function.prototype[Symbol.hasInstance].call(self, x);
}

/**
 * Base class of every error statewire throws.
 *
 * @example
 * ```ts
 * try { await client.get('/users'); }
 * catch (e) { if (e instanceof StatewireError) console.warn(e.name, e.message); }
 * ```
 */
export class StatewireError extends Error {
  override name = 'StatewireError';
  readonly isStatewireError = true as const;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
  }

  static override [Symbol.hasInstance](x: unknown): boolean {
    return hasBrand(this, StatewireError, 'isStatewireError', x);
  }
}

/**
 * True when `x` is an error thrown by statewire (from any copy of the module).
 *
 * @example
 * ```ts
 * catch (e) { if (isStatewireError(e)) report(e.name); else throw e; }
 * ```
 */
export function isStatewireError(x: unknown): x is StatewireError {
  return x instanceof StatewireError;
}

/** Extra context for a {@link ConfigError}. */
export interface ConfigErrorOptions extends ErrorOptions {
  /** Class or function that refused the option, e.g. `'ApiClient'`; prefixes the message. */
  owner?: string;
  /** Short suggestion appended in parentheses, e.g. `'did you mean 5?'`. */
  hint?: string;
  /**
   * Redact the value whatever the option's name (e.g. the string value of an
   * unknown key, which may be a misspelt credential). The hint is kept: pass
   * this only with a hint that does not derive from the value.
   */
  redactValue?: boolean;
}

/**
 * An option was refused at construction: wrong type, out of range, or in the
 * wrong unit. The value is shown safely in the message (strings truncated,
 * objects summarised) and redacted entirely when the option name looks secret.
 *
 * @example
 * ```ts
 * throw new ConfigError('timeout', -5, 'expected a finite number >= 0', { owner: 'ApiClient' });
 * // ApiClient: invalid option "timeout": expected a finite number >= 0, got -5
 * ```
 */
export class ConfigError extends StatewireError {
  override name = 'ConfigError';
  readonly isConfigError = true as const;
  /** Plain (dotted) option path, e.g. `circuitBreakerOptions.threshold`. */
  readonly option: string;
  /** The refused value, or `'[REDACTED]'` for secret-looking options. */
  readonly value: unknown;
  /** What was expected, without the value. */
  readonly reason: string;
  readonly owner: string | undefined;
  /** Suggestion shown in the message; always undefined for secret-looking options. */
  readonly hint: string | undefined;
  /** Whether the value was redacted (a secret-looking option, or asked for). */
  readonly redactValue: boolean;

  constructor(option: string, value: unknown, reason: string, options: ConfigErrorOptions = {}) {
    const secret = isSecretOption(option);
    const { owner, hint, redactValue = false, ...errorOptions } = options;
    const head = owner === undefined ? 'Invalid option' : `${owner}: invalid option`;
    // A hint such as "did you mean 5?" would leak a secret value, so drop it.
    const tail = hint !== undefined && !secret ? ` (${hint})` : '';
    const hidden = secret || redactValue;
    const shown = hidden ? '[REDACTED]' : showValue(value);
    super(`${head} "${option}": ${reason}, got ${shown}${tail}`, errorOptions);
    this.option = option;
    this.value = hidden ? '[REDACTED]' : value;
    this.reason = reason;
    this.owner = owner;
    this.hint = secret ? undefined : hint;
    this.redactValue = hidden;
  }

  static override [Symbol.hasInstance](x: unknown): boolean {
    return hasBrand(this, ConfigError, 'isConfigError', x);
  }
}

/** Request context attached to an {@link ApiError}. */
export interface ApiErrorDetails {
  url?: string;
  method?: string;
  /** Server-requested wait in milliseconds (parsed from `Retry-After`). */
  retryAfter?: number;
  /** Why a response that arrived is still an error (malformed JSON, too large). */
  reason?: string;
  /** For a redirect that was not followed: where it pointed (resolved, redacted). */
  location?: string;
}

/**
 * The server answered with a non-success HTTP status.
 *
 * @example
 * ```ts
 * const err = new ApiError(503, { error: 'busy' }, { url: '/users', method: 'GET', retryAfter: 2000 });
 * err.message; // 'HTTP 503 Service Unavailable for GET /users'
 * ```
 */
export class ApiError extends StatewireError {
  override name = 'ApiError';
  readonly isApiError = true as const;
  readonly status: number;
  readonly body: unknown;
  readonly url: string | undefined;
  readonly method: string | undefined;
  /** Milliseconds the server asked us to wait, if it said. */
  readonly retryAfter: number | undefined;
  /** Where a redirect that was not followed pointed (`maxRedirects: 0`, too many redirects). */
  readonly location: string | undefined;

  constructor(status: number, body: unknown, details: ApiErrorDetails = {}, options?: ErrorOptions) {
    const text = STATUS_TEXT[status];
    const target = details.url === undefined ? '' : urlForMessage(details.url);
    const where = target === '' ? '' : ` for ${details.method === undefined ? '' : `${details.method} `}${target}`;
    const why = details.reason === undefined ? '' : `: ${details.reason}`;
    super(`HTTP ${status}${text === undefined ? '' : ` ${text}`}${where}${why}`, options);
    this.status = status;
    this.body = body;
    this.url = details.url;
    this.method = details.method;
    this.retryAfter = details.retryAfter;
    this.location = details.location;
  }

  static override [Symbol.hasInstance](x: unknown): boolean {
    return hasBrand(this, ApiError, 'isApiError', x);
  }
}

/**
 * A request did not complete within its timeout.
 *
 * @example
 * ```ts
 * new TimeoutError('/users', 5000).message; // 'Request to /users timed out after 5000 ms'
 * ```
 */
export class TimeoutError extends StatewireError {
  override name = 'TimeoutError';
  readonly isTimeoutError = true as const;
  readonly url: string | undefined;
  /** The timeout that elapsed, in milliseconds. */
  readonly timeout: number;
  /**
   * Which step of opening a connection was still unfinished, e.g. `'handshake'`
   * (TCP connected, the server never answered the upgrade / sent no response
   * headers) or `'url'` (the `url` provider never settled); undefined for requests.
   */
  readonly phase: string | undefined;

  constructor(url: string | undefined, timeout: number, options?: ErrorOptions & { phase?: string; detail?: string }) {
    const target = url === undefined ? 'Request' : `Request to ${urlForMessage(url)}`;
    const { phase, detail, ...errorOptions } = options ?? {};
    const where = phase === undefined ? '' : ` in the ${phase} phase`;
    super(`${target} timed out after ${timeout} ms${where}${detail === undefined ? '' : ` (${detail})`}`, errorOptions);
    this.url = url;
    this.timeout = timeout;
    this.phase = phase;
  }

  static override [Symbol.hasInstance](x: unknown): boolean {
    return hasBrand(this, TimeoutError, 'isTimeoutError', x);
  }
}

/**
 * The circuit breaker refused the call without attempting it.
 *
 * @example
 * ```ts
 * new CircuitBreakerError('OPEN', Date.parse('2030-01-01T00:00:00Z')).message;
 * // 'Circuit breaker is open (OPEN); next attempt allowed at 2030-01-01T00:00:00.000Z'
 * ```
 */
export class CircuitBreakerError extends StatewireError {
  override name = 'CircuitBreakerError';
  readonly isCircuitBreakerError = true as const;
  readonly state: 'OPEN' | 'HALF_OPEN';
  /** Epoch ms after which a call may be tried again; `null` when isolated until reset. */
  readonly nextAttempt: number | null;

  constructor(state: 'OPEN' | 'HALF_OPEN', nextAttempt: number | null, options?: ErrorOptions) {
    // Guard toISOString, which throws on an invalid date.
    const when =
      nextAttempt === null
        ? 'it is isolated; no attempt is allowed until it is reset'
        : Number.isFinite(nextAttempt)
          ? `next attempt allowed at ${new Date(nextAttempt).toISOString()}`
          : `next attempt time is unknown (${nextAttempt})`;
    super(`Circuit breaker is open (${state}); ${when}`, options);
    this.state = state;
    this.nextAttempt = nextAttempt;
  }

  static override [Symbol.hasInstance](x: unknown): boolean {
    return hasBrand(this, CircuitBreakerError, 'isCircuitBreakerError', x);
  }
}

/**
 * The call was refused before it was sent: by the local token bucket
 * (`reason: 'client'`) or by a pause a server asked for (`reason: 'server'`).
 *
 * @example
 * ```ts
 * new RateLimitError(1500, 'api').message; // 'Rate limit exceeded for "api"; retry after 1500 ms'
 * new RateLimitError(1000, 'api', { reason: 'server' }).reason; // 'server'
 * ```
 */
export class RateLimitError extends StatewireError {
  override name = 'RateLimitError';
  readonly isRateLimitError = true as const;
  /** Milliseconds until a call in this category may succeed. */
  readonly retryAfter: number;
  readonly category: string;
  /**
   * Who imposed the wait: `'client'` for the local token bucket, `'server'` for
   * a pause a server asked for (a 429/503 with `Retry-After`).
   * @default 'client'
   */
  readonly reason: 'client' | 'server';

  constructor(retryAfter: number, category: string, options?: ErrorOptions & { reason?: 'client' | 'server' }) {
    const reason = options?.reason ?? 'client';
    super(
      reason === 'server'
        ? `Server asked callers of ${JSON.stringify(category)} to pause; retry after ${retryAfter} ms`
        : `Rate limit exceeded for ${JSON.stringify(category)}; retry after ${retryAfter} ms`,
      options,
    );
    this.retryAfter = retryAfter;
    this.category = category;
    this.reason = reason;
  }

  static override [Symbol.hasInstance](x: unknown): boolean {
    return hasBrand(this, RateLimitError, 'isRateLimitError', x);
  }
}

/**
 * Input refused by a validation rule (used by the input validator).
 *
 * @example
 * ```ts
 * throw new ValidationError('maxLength', 'username must be at most 32 characters');
 * ```
 */
export class ValidationError extends StatewireError {
  override name = 'ValidationError';
  readonly isValidationError = true as const;
  /** Name of the rule that failed. */
  readonly rule: string;

  constructor(rule: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.rule = rule;
  }

  static override [Symbol.hasInstance](x: unknown): boolean {
    return hasBrand(this, ValidationError, 'isValidationError', x);
  }
}

/**
 * The request never got an answer from the server: refused, reset, DNS, TLS.
 * `code` is the system or undici code (`ECONNREFUSED`, `UND_ERR_SOCKET`, …).
 * `reachedServer` is false only when the request provably never left (refused
 * connection), which makes it safe to retry whatever the method.
 *
 * @example
 * ```ts
 * catch (e) { if (e instanceof NetworkError && e.code === 'ECONNREFUSED') console.warn('server down'); }
 * ```
 */
export class NetworkError extends StatewireError {
  override name = 'NetworkError';
  readonly isNetworkError = true as const;
  readonly code: string;
  readonly url: string | undefined;
  readonly reachedServer: boolean;

  /** `detail` (already redacted) is appended to the message: what failed, e.g. a url provider's own error message. */
  constructor(code: string, url: string | undefined, reachedServer: boolean, options?: ErrorOptions & { detail?: string }) {
    const { detail, ...errorOptions } = options ?? {};
    const why = detail === undefined ? '' : `: ${detail}`;
    super(`${code}: request to ${url === undefined ? 'the server' : urlForMessage(url)} failed${reachedServer ? '' : ' (never reached the server)'}${why}`, errorOptions);
    this.code = code;
    this.url = url;
    this.reachedServer = reachedServer;
  }

  static override [Symbol.hasInstance](x: unknown): boolean {
    return hasBrand(this, NetworkError, 'isNetworkError', x);
  }
}
