/**
 * One option-validation helper for every constructor in statewire: options are
 * checked at construction and refused with a {@link ConfigError} that names the
 * owner, the option path and the value it got.
 *
 * @module
 */
import { ConfigError } from '../errors.js';
import type { Logger } from './ConnectionConfig.js';

/**
 * Checks one option and returns its resolved value; throws {@link ConfigError}.
 *
 * @example
 * ```ts
 * const even: Rule<number> = {
 *   check(v, option) {
 *     if (typeof v !== 'number' || v % 2 !== 0) throw new ConfigError(option, v, 'expected an even number');
 *     return v;
 *   },
 * };
 * ```
 */
export type Rule<T> = { check(value: unknown, option: string): T };

/**
 * A map of option names to rules.
 *
 * @example const spec = { timeout: num({ min: 0, default: 30_000, unit: 'ms' }) } satisfies Spec;
 */
export type Spec = Record<string, Rule<unknown>>;

/**
 * The object {@link validateOptions} returns for a spec.
 *
 * @example type R = Resolved<{ timeout: Rule<number> }>; // { timeout: number }
 */
export type Resolved<S extends Spec> = { [K in keyof S]: S[K] extends Rule<infer T> ? T : never };

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Settings of {@link validateOptions}. */
export interface ValidateSettings {
  /**
   * Keys besides the spec's that the caller reads itself (`clock`, `transport`)
   * or accepts and ignores (seed 000's `ConnectionConfig` fields); `'any'` lets
   * every key through (environment variables). Any other key with a defined
   * value is refused with a "did you mean" hint.
   */
  accept?: readonly string[] | 'any';
  /** Where unit warnings go when the options carry no `logger`. Default: `console`. */
  logger?: Pick<Logger, 'warn'>;
}

/** Warnings of the validation in progress (rules run synchronously, so one slot suffices). */
let pendingWarnings: Array<{ option: string; message: string }> | undefined;
/** Warnings already written (owner + option): each is written once per process. */
const warned = new Set<string>();

/**
 * Records a warning about an accepted value (a likely unit mistake); it is
 * written once, through the logger, when the validation in progress ends.
 *
 * @example
 * ```ts
 * const rule: Rule<number> = { check: (v, option) => { if (v === 1) warnOption(option, 'is 1'); return v as number; } };
 * ```
 */
export function warnOption(option: string, message: string): void {
  pendingWarnings?.push({ option, message });
}

/** Edit distance (insert, delete, substitute, swap neighbours), case-insensitive. */
function distance(a: string, b: string): number {
  a = a.toLowerCase();
  b = b.toLowerCase();
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The known key closest to `key`, when it is close enough to be a misspelling.
 *
 * @example closestKey('timout', ['timeout', 'retryCount']); // 'timeout'
 */
export function closestKey(key: string, known: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const k of known) {
    const dist = distance(key, k);
    if (dist < bestDistance) [best, bestDistance] = [k, dist];
  }
  return best !== undefined && bestDistance <= Math.max(1, Math.min(3, Math.floor(key.length / 3))) ? best : undefined;
}

function resolveSpec<S extends Spec>(spec: S, input: Record<string, unknown>, prefix: string, accept: readonly string[] | 'any' = []): Resolved<S> {
  if (accept !== 'any') {
    for (const key of Object.keys(input)) {
      if (Object.hasOwn(spec, key) || accept.includes(key) || input[key] === undefined) continue;
      const guess = closestKey(key, [...Object.keys(spec), ...accept]);
      // A string under an unknown (perhaps misspelt) key may be a credential: never shown.
      const redactValue = typeof input[key] === 'string';
      throw new ConfigError(prefix + key, input[key], 'unknown option', guess === undefined ? { redactValue } : { hint: `did you mean "${prefix + guess}"?`, redactValue });
    }
  }
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(spec)) out[key] = spec[key]!.check(input[key], prefix + key);
  // Keyed stores past a dozen properties leave V8 a dictionary-mode object (slow
  // reads on hot paths, ~1.5 KB for 36 options); a spread copy has fast properties.
  return { ...out } as Resolved<S>;
}

/** Writes each pending warning once per process, through the options' logger when they have one. */
function flushWarnings(
  owner: string,
  warnings: ReadonlyArray<{ option: string; message: string }>,
  resolved: Record<string, unknown>,
  fallback: Pick<Logger, 'warn'> | undefined,
): void {
  const logger = resolved.logger as Partial<Logger> | undefined;
  const sink: Pick<Logger, 'warn'> = typeof logger?.warn === 'function' ? (logger as Logger) : (fallback ?? console);
  for (const w of warnings) {
    const key = `${owner}\u0000${w.option}`;
    if (warned.has(key)) continue;
    warned.add(key);
    sink.warn(`[statewire] ${owner}: option "${w.option}" ${w.message}`);
  }
}

/**
 * Validates a user's options object against `spec` and returns the resolved,
 * typed options (defaults applied). A key that is neither in `spec` nor in
 * `settings.accept` is refused with a "did you mean" hint; a value that looks
 * like a unit mistake is accepted and warned about once, through the options'
 * `logger` (else `settings.logger`, else `console`).
 *
 * @example
 * ```ts
 * const o = validateOptions('ApiClient', userOptions, {
 *   baseURL: url({ protocols: ['http', 'https'] }),
 *   timeout: num({ min: 0, default: 30_000, unit: 'ms' }),
 * }, { accept: ['transport', 'clock'] });
 * o.timeout; // number
 * ```
 */
export function validateOptions<S extends Spec>(owner: string, input: unknown, spec: S, settings: ValidateSettings = {}): Resolved<S> {
  const outer = pendingWarnings;
  const warnings: Array<{ option: string; message: string }> = [];
  pendingWarnings = warnings;
  let resolved: Resolved<S>;
  try {
    const options = input === undefined ? {} : input;
    if (!isObject(options)) throw new ConfigError('(options)', options, 'expected an object');
    resolved = resolveSpec(spec, options, '', settings.accept);
  } catch (e) {
    // Rules throw without an owner; add it here so every rule stays owner-agnostic.
    if (e instanceof ConfigError && e.owner === undefined) {
      const { option, value, reason, hint, cause, redactValue } = e;
      throw new ConfigError(option, value, reason, { owner, hint, redactValue, ...(cause === undefined ? {} : { cause }) });
    }
    throw e;
  } finally {
    pendingWarnings = outer;
  }
  if (warnings.length > 0) flushWarnings(owner, warnings, resolved as Record<string, unknown>, settings.logger);
  return resolved;
}

/** Common builder option: the value used when the option is `undefined`. */
type WithDefault<T> = { default?: T };

/** Builds a rule that applies the default, then `check`. */
function rule<T>(opts: WithDefault<T> | undefined, check: (value: unknown, option: string) => T): Rule<T> {
  return {
    check: (value, option) => (value === undefined && opts?.default !== undefined ? opts.default : check(value, option)),
  };
}

/**
 * Lets `undefined` through as `undefined`; anything else must pass `inner`.
 *
 * @example const spec = { maxRetries: optional(num({ integer: true, min: 0 })) }; // number | undefined
 */
export function optional<T>(inner: Rule<T>): Rule<T | undefined> {
  return { check: (value, option) => (value === undefined ? undefined : inner.check(value, option)) };
}

/** Options of {@link num}. */
export interface NumOptions extends WithDefault<number> {
  min?: number;
  max?: number;
  integer?: boolean;
  /** Accept `+Infinity` (e.g. "unlimited"), bypassing `max` and `integer`. */
  allowInfinity?: boolean;
  /** Unit of the option; out-of-range values get a "did you mean" hint for the other unit. */
  unit?: 'ms' | 's';
  /**
   * Values accepted but unlikely in this unit (`timeout: 12` meant 12 s): a
   * value > 0 below `min` or above `max` is warned about once, never refused.
   */
  plausible?: { min?: number; max?: number };
}

/**
 * A finite number, optionally an integer within `[min, max]`.
 *
 * @example num({ min: 0, max: 3600, unit: 's', default: 30 }); // refuses 5000 with "(did you mean 5?)"
 */
export function num(opts: NumOptions = {}): Rule<number> {
  const { min, max, integer = false, allowInfinity = false, unit, plausible } = opts;
  const unitName = unit === 's' ? 'seconds' : 'milliseconds';
  const noun = unit === undefined ? (integer ? 'an integer' : 'a finite number') : `a ${integer ? 'whole ' : ''}number of ${unitName}`;
  const range =
    min !== undefined && max !== undefined ? ` between ${min} and ${max}` : min !== undefined ? ` >= ${min}` : max !== undefined ? ` <= ${max}` : '';
  const reason = `expected ${noun}${range}${allowInfinity ? ' (or Infinity)' : ''}`;
  const fits = (v: number) =>
    Number.isFinite(v) && (!integer || Number.isInteger(v)) && (min === undefined || v >= min) && (max === undefined || v <= max);
  return rule(opts, (value, option) => {
    if (typeof value !== 'number') throw new ConfigError(option, value, reason);
    if (fits(value)) {
      if (plausible !== undefined) warnImplausible(value, option, plausible, unit);
      return value;
    }
    if (allowInfinity && value === Infinity) return value;
    // A value off by a factor of 1000 was most likely given in the other unit.
    const other = unit === 's' ? value / 1000 : value * 1000;
    const guess = Number(other.toPrecision(12));
    const hint = unit !== undefined && Number.isFinite(value) && fits(guess) ? `did you mean ${guess}?` : undefined;
    throw new ConfigError(option, value, reason, hint === undefined ? {} : { hint });
  });
}

/** Warns (once, via {@link warnOption}) about a value that fits but looks like the other unit. */
function warnImplausible(value: number, option: string, plausible: { min?: number; max?: number }, unit: 'ms' | 's' | undefined): void {
  const name = unit === 's' ? 'seconds' : unit === 'ms' ? 'ms' : '';
  const tooSmall = plausible.min !== undefined && value > 0 && value < plausible.min;
  const tooLarge = plausible.max !== undefined && value > plausible.max;
  if (!tooSmall && !tooLarge) return;
  const guess = unit === 'ms' && tooSmall ? ` (${value} seconds would be ${Number((value * 1000).toPrecision(12))})` : unit === 's' && tooLarge ? ` (${value} ms would be ${Number((value / 1000).toPrecision(12))})` : '';
  const other = unit === 'ms' ? 'seconds' : 'milliseconds';
  warnOption(option, `is ${value}${name ? ` ${name}` : ''}: accepted, but it looks like ${other}${guess}`);
}

/**
 * A duration in milliseconds within `[min, max]`, `d` when not given; a value in
 * seconds by mistake gets a "did you mean" hint when out of range, and a warning
 * (once) when below `plausibleMin` (e.g. `timeout: 12`).
 *
 * @example ms(1, 3_600_000, 10_000, 100); // a timeout: 1 ms to 1 h, 10 s when not given, a warning below 100 ms
 */
export function ms(min: number, max: number, d: number, plausibleMin?: number): Rule<number> {
  return num({ min, max, unit: 'ms', default: d, ...(plausibleMin === undefined ? {} : { plausible: { min: plausibleMin } }) });
}

/** Below this many ms a timeout or an interval most likely was given in seconds (`timeout: 12`). */
export const PLAUSIBLE_TIMEOUT_MS = 50;
/** Below this many ms a delay most likely was given in seconds (`retryDelay: 0.5`). */
export const PLAUSIBLE_DELAY_MS = 1;

/**
 * A boolean (no truthy coercion).
 *
 * @example bool({ default: true });
 */
export function bool(opts?: WithDefault<boolean>): Rule<boolean> {
  return rule(opts, (value, option) => {
    if (typeof value !== 'boolean') throw new ConfigError(option, value, 'expected a boolean');
    return value;
  });
}

/**
 * A string; with `nonEmpty`, whitespace-only strings are refused too.
 *
 * @example str({ nonEmpty: true }); // refuses '' and '  '
 */
export function str(opts: WithDefault<string> & { nonEmpty?: boolean } = {}): Rule<string> {
  const reason = opts.nonEmpty ? 'expected a non-empty string' : 'expected a string';
  return rule(opts, (value, option) => {
    if (typeof value !== 'string' || (opts.nonEmpty && value.trim() === '')) throw new ConfigError(option, value, reason);
    return value;
  });
}

/**
 * One of a fixed set of values; strings also match case-insensitively and
 * resolve to the canonical spelling.
 *
 * @example oneOf(['exponential', 'linear', 'fixed'], { default: 'exponential' }); // 'LINEAR' → 'linear'
 */
export function oneOf<const T extends string | number | boolean>(values: readonly T[], opts?: WithDefault<T>): Rule<T> {
  const reason = `expected one of ${values.map((v) => JSON.stringify(v)).join(', ')}`;
  return rule(opts, (value, option) => {
    const hit =
      values.find((v) => v === value) ??
      values.find((v) => typeof v === 'string' && typeof value === 'string' && v.toLowerCase() === value.toLowerCase());
    if (hit === undefined) throw new ConfigError(option, value, reason);
    return hit;
  });
}

/**
 * A function (callbacks, hooks, injected `fetch`).
 *
 * @example fn<(err: Error) => void>({ default: () => {} });
 */
export function fn<F extends (...args: never[]) => unknown = (...args: never[]) => unknown>(opts?: WithDefault<F>): Rule<F> {
  return rule(opts, (value, option) => {
    if (typeof value !== 'function') throw new ConfigError(option, value, 'expected a function');
    return value as F;
  });
}

/**
 * A refused URL as an error shows it: it may carry credentials (`user:pass@`,
 * `?token=`), and the reason is its scheme or form, so user-info, query and
 * fragment are left out. (Kept here rather than using security's `redactUrl`:
 * config stands below security, which builds on these rules.)
 */
const shownUrl = (value: string): string => value.replace(/[?#].*$/s, '').replace(/\/\/[^/@]*@/, '//[REDACTED]@');

/**
 * An absolute URL (WHATWG `URL`), optionally restricted to some protocols
 * (`'https'` or `'https:'`). Returns the string as given.
 *
 * @example url({ protocols: ['ws', 'wss'] }); // refuses 'http://host'
 */
export function url(opts: WithDefault<string> & { protocols?: readonly string[] } = {}): Rule<string> {
  const allowed = opts.protocols?.map((p) => p.toLowerCase().replace(/:$/, ''));
  return rule(opts, (value, option) => {
    let parsed: URL;
    try {
      if (typeof value !== 'string') throw new TypeError('not a string');
      parsed = new URL(value);
    } catch (cause) {
      throw new ConfigError(option, typeof value === 'string' ? shownUrl(value) : value, 'expected an absolute URL', { cause });
    }
    if (allowed !== undefined && !allowed.includes(parsed.protocol.replace(/:$/, ''))) {
      throw new ConfigError(option, shownUrl(value as string), `expected a URL with protocol ${allowed.map((p) => `${p}:`).join(' or ')}`);
    }
    return value;
  });
}

/**
 * A plain object whose every value passes `valueRule`; errors name `option.key`.
 *
 * @example record(num({ integer: true, min: 1 })); // { api: 100, auth: 5 }; bad 'api' → option "limits.api"
 */
export function record<T>(valueRule: Rule<T>, opts?: WithDefault<Record<string, T>>): Rule<Record<string, T>> {
  return rule(opts, (value, option) => {
    if (!isObject(value)) throw new ConfigError(option, value, 'expected an object');
    // fromEntries defines properties, so a "__proto__" key cannot reach the prototype.
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, valueRule.check(v, `${option}.${k}`)]));
  });
}

/**
 * An array whose every item passes `itemRule`; errors name `option[i]`.
 *
 * @example list(url({ protocols: ['https'] }), { default: [] });
 */
export function list<T>(itemRule: Rule<T>, opts?: WithDefault<T[]>): Rule<T[]> {
  return rule(opts, (value, option) => {
    if (!Array.isArray(value)) throw new ConfigError(option, value, 'expected an array');
    return value.map((item, i) => itemRule.check(item, `${option}[${i}]`));
  });
}

/**
 * A nested options object checked with its own spec; `undefined` resolves to
 * all defaults, and errors name dotted paths like `circuitBreakerOptions.threshold`.
 *
 * @example shape({ threshold: num({ integer: true, min: 1, default: 5 }) });
 */
export function shape<S extends Spec>(spec: S): Rule<Resolved<S>> {
  return {
    check: (value, option) => {
      const input = value === undefined ? {} : value;
      if (!isObject(input)) throw new ConfigError(option, input, 'expected an object');
      return resolveSpec(spec, input, `${option}.`);
    },
  };
}

/**
 * Cross-field check: refuses `resolved[hi] < resolved[lo]` (skipped when
 * either is not a number), naming both options.
 *
 * @example
 * ```ts
 * ordered(o, 'minSize', 'maxSize', 'ConnectionPool');
 * // ConnectionPool: invalid option "maxSize": expected a value >= "minSize" (10), got 5
 * ```
 */
export function ordered<R extends Record<string, unknown>>(resolved: R, lo: keyof R & string, hi: keyof R & string, owner?: string): void {
  // A name that is not an option is statewire's own bug: never let it pass silently.
  for (const name of [lo, hi]) if (!(name in resolved)) throw new TypeError(`ordered(): "${name}" is not an option of the resolved object`);
  const a = resolved[lo];
  const b = resolved[hi];
  if (typeof a === 'number' && typeof b === 'number' && a > b) {
    throw new ConfigError(hi, b, `expected a value >= "${lo}" (${a})`, owner === undefined ? {} : { owner });
  }
}

/**
 * An object with the given methods (a logger, a transport).
 *
 * @example methods(['debug', 'info', 'warn', 'error']); // console and pino pass
 */
export function methods<T>(names: readonly string[], opts?: WithDefault<T>): Rule<T> {
  return rule(opts, (value, option) => {
    const missing = names.filter((n) => typeof (value as Record<string, unknown> | null)?.[n] !== 'function');
    if (typeof value !== 'object' || value === null || missing.length > 0) {
      throw new ConfigError(option, value, `expected an object with ${names.join(', ')} methods${missing.length < names.length ? ` (missing ${missing.join(', ')})` : ''}`);
    }
    return value as T;
  });
}

/**
 * {@link ordered} for a cap and the value it caps (`retryDelay` ≤ `maxRetryDelay`):
 * refused when the caller gave both; when the cap was left to its default, it is
 * raised to the value instead (a first wait of 60 s asks for waits of 60 s).
 *
 * @example
 * ```ts
 * orderedOrRaised(o, userOptions, 'retryDelay', 'maxRetryDelay', 'SSEConnection');
 * ```
 */
export function orderedOrRaised<R extends Record<string, unknown>>(resolved: R, given: unknown, lo: keyof R & string, hi: keyof R & string, owner?: string): void {
  const a = resolved[lo];
  const b = resolved[hi];
  if ((given as Record<string, unknown> | undefined)?.[hi] === undefined && typeof a === 'number' && typeof b === 'number' && a > b) {
    (resolved as Record<string, unknown>)[hi] = a;
    return;
  }
  ordered(resolved, lo, hi, owner);
}
