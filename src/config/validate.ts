/**
 * One option-validation helper for every constructor in statewire: options are
 * checked at construction and refused with a {@link ConfigError} that names the
 * owner, the option path and the value it got.
 *
 * @module
 */
import { ConfigError } from '../errors.js';
import type { Logger } from './ConnectionConfig.js';
import { isObject, swapPendingWarnings, type PendingWarning, type Resolved, type Spec, type Rule } from './rule.js';

export { optional, warnOption, type Resolved, type Rule, type Spec } from './rule.js';
export { ms, num, ordered, orderedOrRaised, PLAUSIBLE_DELAY_MS, PLAUSIBLE_TIMEOUT_MS, type NumOptions } from './numberRules.js';
export { bool, fn, list, methods, oneOf, record, str, url } from './valueRules.js';

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

/** Warnings already written (owner + option): each is written once per process. */
const warned = new Set<string>();

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
  warnings: readonly PendingWarning[],
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
  const warnings: PendingWarning[] = [];
  const outer = swapPendingWarnings(warnings);
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
    swapPendingWarnings(outer);
  }
  if (warnings.length > 0) flushWarnings(owner, warnings, resolved as Record<string, unknown>, settings.logger);
  return resolved;
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
