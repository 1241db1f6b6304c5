/**
 * Rules for numbers and durations (with unit hints and unit warnings) and the
 * cross-field order checks. Re-exported by `validate.ts`.
 *
 * @module
 */
import { ConfigError } from '../errors.js';
import { rule, warnOption, type Rule, type WithDefault } from './rule.js';

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
