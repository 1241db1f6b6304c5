/**
 * What every option rule is built from: the {@link Rule} type, the spec types,
 * the default-applying builder and the slot where rules leave unit warnings
 * for `validateOptions`. Re-exported by `validate.ts`.
 *
 * @module
 */

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

/** True for a plain (non-array) object. */
export const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** A unit warning recorded while a validation runs. */
export type PendingWarning = { option: string; message: string };

/** Warnings of the validation in progress (rules run synchronously, so one slot suffices). */
let pendingWarnings: PendingWarning[] | undefined;

/** Makes `next` the warning slot of the validation in progress; returns the previous one, to put back. */
export function swapPendingWarnings(next: PendingWarning[] | undefined): PendingWarning[] | undefined {
  const outer = pendingWarnings;
  pendingWarnings = next;
  return outer;
}

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

/** Common builder option: the value used when the option is `undefined`. */
export type WithDefault<T> = { default?: T };

/** Builds a rule that applies the default, then `check`. */
export function rule<T>(opts: WithDefault<T> | undefined, check: (value: unknown, option: string) => T): Rule<T> {
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
