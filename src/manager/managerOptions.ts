import type { InspectionEvent, Observer } from 'xstate';
import type { Logger } from '../config/ConnectionConfig.js';
import { bool, methods, ms, num, oneOf, optional, validateOptions, type Rule } from '../config/validate.js';
import { PLAUSIBLE_TIMEOUT_MS } from '../config/numberRules.js';
import { defaultEnv } from '../config/ConnectionConfigManager.js';
import { rule } from '../config/rule.js';
import { ConfigError } from '../errors.js';
import type { Clock } from '../runtime/clock.js';

/** Options of `ConnectionManager`. Durations in ms. */
export interface ConnectionManagerOptions {
  /**
   * How often each connection is health-checked while the manager runs
   * (`start()`), in ms; the checks are spread over the interval, so 10,000
   * connections are not checked in the same millisecond. 0: no automatic checks
   * (`healthCheckAll()` still works). Seed 000's `VITE_CONNECTION_HEALTH_CHECK_INTERVAL`.
   * @default 30000
   */
  healthCheckInterval?: number;
  /**
   * How many connections one bulk operation (`connectAll`, `healthCheckAll`,
   * `disconnectAll`) works on at once.
   * @default 16
   */
  concurrency?: number;
  /**
   * An XState inspection observer, as `createActor` takes (`@statelyai/inspect`'s
   * `inspect`, say): it sees the manager and every connection under it.
   * @default undefined (no inspection)
   */
  inspect?: Observer<InspectionEvent> | ((event: InspectionEvent) => void);
  /**
   * Where the manager reports what went wrong outside any promise (a global
   * handler that threw, a failed automatic health check).
   * @default console
   */
  logger?: Logger;
  /** The time source of the manager's timers (tests pass a fake one). @default systemClock */
  clock?: Clock;
}

const clockRule: Rule<Clock | undefined> = rule(undefined, (value, option) => {
  if (value === undefined) return undefined;
  const c = value as Partial<Clock> | null;
  if (typeof c !== 'object' || c === null || typeof c.now !== 'function' || typeof c.setTimeout !== 'function' || typeof c.clearTimeout !== 'function') {
    throw new ConfigError(option, value, 'expected a clock with now(), setTimeout() and clearTimeout()');
  }
  return value as Clock;
});

const inspectRule: Rule<ConnectionManagerOptions['inspect']> = rule(undefined, (value, option) => {
  if (value === undefined || typeof value === 'function') return value as ConnectionManagerOptions['inspect'];
  if (typeof value === 'object' && value !== null && typeof (value as { next?: unknown }).next === 'function') return value as ConnectionManagerOptions['inspect'];
  throw new ConfigError(option, value, 'expected an inspection observer (a function, or an object with next())');
});

export const managerSpec = {
  // 30 here is 30 ms, not 30 s (seed 000's pool takes seconds): warned once.
  healthCheckInterval: ms(0, 86_400_000, 30_000, PLAUSIBLE_TIMEOUT_MS),
  concurrency: num({ integer: true, min: 1, max: 100_000, default: 16 }),
  inspect: inspectRule,
  logger: optional(methods<Logger>(['debug', 'info', 'warn', 'error'])),
  clock: clockRule,
};

/** Seed 000's variable for the default `healthCheckInterval` (ms), read as `ConnectionConfigManager` reads it. */
const INTERVAL_VAR = 'VITE_CONNECTION_HEALTH_CHECK_INTERVAL';

function intervalFromEnv(): number | undefined {
  const raw = defaultEnv()[INTERVAL_VAR];
  if (raw === undefined || raw === '') return undefined;
  const value = typeof raw === 'number' ? raw : Number(String(raw).trim());
  if (!Number.isFinite(value)) throw new ConfigError(INTERVAL_VAR, raw, 'expected a number of ms', { owner: 'ConnectionManager' });
  return value;
}

/**
 * The options, checked: a wrong one is a ConfigError naming it and its value.
 * `healthCheckInterval` not given: `VITE_CONNECTION_HEALTH_CHECK_INTERVAL` when set, else 30000.
 */
export function managerOptions(options: unknown): ReturnType<typeof validateOptions<typeof managerSpec>> {
  const given = options ?? {};
  const interval = typeof given === 'object' && (given as { healthCheckInterval?: unknown }).healthCheckInterval === undefined ? intervalFromEnv() : undefined;
  return validateOptions('ConnectionManager', interval === undefined ? given : { ...(given as object), healthCheckInterval: interval }, managerSpec);
}

const addSpec = { fallback: rule<unknown>(undefined, (value) => value) };
const removeSpec = { dispose: bool({ default: false }) };
const disposeSpec = { connections: oneOf(['dispose', 'detach'] as const, { default: 'dispose' }) };

/** `addConnection`'s options, checked (a misspelt key is refused with a did-you-mean). */
export function addOptions<C>(options: unknown): AddConnectionOptions<C> {
  return validateOptions('ConnectionManager.addConnection', options ?? {}, addSpec) as AddConnectionOptions<C>;
}

/** `removeConnection`'s options, checked. */
export function removeOptions(options: unknown): Required<RemoveConnectionOptions> {
  return validateOptions('ConnectionManager.removeConnection', options ?? {}, removeSpec);
}

/** `dispose`'s options, checked. */
export function disposeOptions(options: unknown): { connections: 'dispose' | 'detach' } {
  return validateOptions('ConnectionManager.dispose', options ?? {}, disposeSpec);
}

/** `addConnection`'s third argument. */
export interface AddConnectionOptions<C = unknown> {
  /**
   * A backup: while this connection is down (waiting to reconnect, given up,
   * breaker open), `getConnection(name)` returns the backup and a `failover`
   * event says so; `failback` when this one is healthy again. The backup joins
   * the manager as `<name>.fallback` unless it is managed already.
   */
  fallback?: C;
}

/** `removeConnection`'s second argument. */
export interface RemoveConnectionOptions {
  /**
   * true: the connection (and its backup) is disposed. false: it goes on as a
   * root actor of its own, open if it was open, nothing queued lost.
   * @default false
   */
  dispose?: boolean;
}
