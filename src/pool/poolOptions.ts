import type { Clock } from '../runtime/clock.js';
import { checkInspect, type Inspect } from '../runtime/inspection.js';
import { ConnectionType } from '../config/enums.js';
import { bool, fn, num, oneOf, optional, str, validateOptions } from '../config/validate.js';
import { ConfigError } from '../errors.js';

/**
 * Options of {@link ConnectionPool} (seed 000's `poolConfig`). Every time is in
 * **seconds**, as in the seed.
 *
 * @example
 * ```ts
 * const poolConfig: ConnectionPoolOptions = { maxSize: 8, minSize: 1, maxIdleTime: 60, acquireTimeout: 5 };
 * ```
 */
export interface ConnectionPoolOptions<T = unknown> {
  /** Most connections the pool holds, those being created included. @default 10 */
  maxSize?: number;
  /** Connections made by `start()` and kept through idle eviction. @default 0 */
  minSize?: number;
  /** Seconds an idle connection may stay unused before eviction (down to `minSize`). @default 300 */
  maxIdleTime?: number;
  /** Seconds `acquire()` waits for a connection before it resolves `null`. @default 10 */
  acquireTimeout?: number;
  /** Seconds a release (or destroy) that must close a connection may take. @default 5 */
  releaseTimeout?: number;
  /** Seconds between health checks of the idle connections (> 0). @default 60 */
  healthCheckInterval?: number;
  /** Seconds between idle-eviction rounds (> 0). @default 120 */
  cleanupInterval?: number;
  /** Seconds one create (factory + connect) may take before it counts as failed. @default 30 */
  createTimeout?: number;
  /** Seconds one health check may take before the connection counts as unhealthy. @default 5 */
  healthCheckTimeout?: number;
  /** Seconds before the first retry of a failed create; doubles per failure, jittered. @default 1 */
  createRetryDelay?: number;
  /** Seconds the wait between failed creates never exceeds. @default 30 */
  maxCreateRetryDelay?: number;
  /** Most `acquire()` calls waiting at once; one more resolves `null` at once (`pool_full`). @default Infinity */
  maxWaitingClients?: number;
  /** Seconds a lease may last before a `lease_expired` event; 0 turns the watch off. @default 0 */
  maxLeaseTime?: number;
  /** With `maxLeaseTime`: destroy (and replace) a connection whose lease expired. @default false */
  reclaimExpiredLeases?: boolean;
  /** Validate a connection before handing it out (a dead one is replaced, never returned). @default true */
  validateOnBorrow?: boolean;
  /** Whether a connection is usable. @default `isConnected()` when the connection has it, else always true */
  validate?: (connection: T) => boolean | Promise<boolean>;
  /** How a connection is closed. @default `dispose()`, else `close()`, else `disconnect()`, when it has one */
  destroy?: (connection: T) => void | Promise<void>;
  /** Seconds `stop()` waits for leased connections to come back before force-closing them. @default 30 */
  drainTimeout?: number;
  /** The pool's actor name (its slots are `<name>.slot0` …). @default 'pool' */
  name?: string;
  /** Whose `ConnectionConfigManager` defaults the factory gets when no `connectionConfig` is given. @default 'websocket' */
  connectionType?: ConnectionType;
  /** Time source for every pool timer (tests pass a `SimulatedClock`). @default systemClock */
  clock?: Clock;
  /**
   * An XState inspection observer (`startInspector()`'s `inspect` from
   * `statewire/inspect`, `createBrowserInspector().inspect` from
   * `@statelyai/inspect`): sees the pool, its slots and their connections, redacted.
   * @default undefined
   */
  inspect?: Inspect;
}

const seconds = (d: number, min = 0) => num({ min, max: 31_536_000, unit: 's', default: d });
const positiveSeconds = (d: number) => num({ min: 0.001, max: 31_536_000, unit: 's', default: d });

/** Validation of {@link ConnectionPoolOptions} (seed defaults, seconds). */
export const poolSpec = {
  maxSize: num({ integer: true, min: 1, max: 100_000, default: 10 }),
  minSize: num({ integer: true, min: 0, max: 100_000, default: 0 }),
  maxIdleTime: seconds(300),
  acquireTimeout: seconds(10),
  releaseTimeout: positiveSeconds(5),
  healthCheckInterval: positiveSeconds(60),
  cleanupInterval: positiveSeconds(120),
  createTimeout: positiveSeconds(30),
  healthCheckTimeout: positiveSeconds(5),
  createRetryDelay: positiveSeconds(1),
  maxCreateRetryDelay: positiveSeconds(30),
  maxWaitingClients: num({ integer: true, min: 0, max: 1e9, allowInfinity: true, default: Infinity }),
  maxLeaseTime: seconds(0),
  reclaimExpiredLeases: bool({ default: false }),
  validateOnBorrow: bool({ default: true }),
  validate: optional(fn<(c: never) => boolean | Promise<boolean>>()),
  destroy: optional(fn<(c: never) => void | Promise<void>>()),
  drainTimeout: seconds(30),
  name: str({ nonEmpty: true, default: 'pool' }),
  connectionType: oneOf(Object.values(ConnectionType), { default: ConnectionType.WEBSOCKET }),
};

/** The pool's settings, validated, every time in **milliseconds**. */
export interface PoolSettings {
  maxSize: number;
  minSize: number;
  maxIdleTime: number;
  acquireTimeout: number;
  releaseTimeout: number;
  healthCheckInterval: number;
  cleanupInterval: number;
  createTimeout: number;
  healthCheckTimeout: number;
  createRetryDelay: number;
  maxCreateRetryDelay: number;
  maxWaitingClients: number;
  maxLeaseTime: number;
  reclaimExpiredLeases: boolean;
  validateOnBorrow: boolean;
  validate: ((c: unknown) => boolean | Promise<boolean>) | undefined;
  destroy: ((c: unknown) => void | Promise<void>) | undefined;
  drainTimeout: number;
  name: string;
  connectionType: ConnectionType;
  /** Checked by `checkInspect`. */
  inspect?: Inspect;
}

const TIMES = [
  'maxIdleTime',
  'acquireTimeout',
  'releaseTimeout',
  'healthCheckInterval',
  'cleanupInterval',
  'createTimeout',
  'healthCheckTimeout',
  'createRetryDelay',
  'maxCreateRetryDelay',
  'maxLeaseTime',
  'drainTimeout',
] as const;

/**
 * Checks pool options (a `ConfigError` names the option and the value) and
 * turns the seconds into milliseconds.
 *
 * @example
 * ```ts
 * poolSettings('ConnectionPool', { maxSize: 8, acquireTimeout: 5 }).acquireTimeout; // 5000
 * ```
 */
export function poolSettings(owner: string, options: unknown): PoolSettings {
  const checked = validateOptions(owner, options, poolSpec, { accept: ['clock', 'inspect'] });
  if (checked.minSize > checked.maxSize) {
    throw new ConfigError('minSize', checked.minSize, `expected at most maxSize (${checked.maxSize})`, { owner });
  }
  if (checked.createRetryDelay > checked.maxCreateRetryDelay) {
    throw new ConfigError('createRetryDelay', checked.createRetryDelay, `expected at most maxCreateRetryDelay (${checked.maxCreateRetryDelay})`, { owner });
  }
  const settings = { ...checked } as unknown as PoolSettings;
  for (const key of TIMES) settings[key] = Math.round(checked[key] * 1000);
  const inspect = checkInspect(owner, (options as { inspect?: unknown } | undefined)?.inspect);
  if (inspect !== undefined) settings.inspect = inspect;
  return settings;
}

/**
 * Seconds → ms for a per-call time (`acquire({ timeout })`, `drain({ deadline })`), checked like the options.
 *
 * @example
 * ```ts
 * callSeconds('ConnectionPool', 'timeout', 2.5, 10_000); // 2500
 * ```
 */
export function callSeconds(owner: string, option: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !(value >= 0) || value > 31_536_000) {
    throw new ConfigError(option, value, 'expected a number of seconds between 0 and 31536000', { owner });
  }
  return Math.round(value * 1000);
}
