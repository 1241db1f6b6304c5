/**
 * Rules for booleans, strings, enumerations, functions, URLs, records, lists
 * and method-bearing objects. Re-exported by `validate.ts`.
 *
 * @module
 */
import { ConfigError } from '../errors.js';
import { isObject, rule, type Rule, type WithDefault } from './rule.js';

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
