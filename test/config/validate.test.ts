import { describe, it, expect, expectTypeOf } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import {
  bool,
  fn,
  list,
  ms,
  num,
  PLAUSIBLE_DELAY_MS,
  PLAUSIBLE_TIMEOUT_MS,
  oneOf,
  optional,
  ordered,
  record,
  shape,
  str,
  url,
  validateOptions,
  type Rule,
} from '../../src/config/validate.js';

/** Runs `rule` as the single option "opt" of owner "T" and returns the ConfigError it throws. */
function refusal(rule: Rule<unknown>, value: unknown): ConfigError {
  try {
    validateOptions('T', { opt: value }, { opt: rule });
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error(`expected ${String(value)} to be refused`);
}

const accept = <T>(rule: Rule<T>, value: unknown): T => validateOptions('T', { opt: value }, { opt: rule }).opt;

describe('validateOptions', () => {
  it('resolves with inferred types and defaults', () => {
    const resolved = validateOptions('ApiClient', { timeout: 100 }, {
      timeout: num({ min: 0, unit: 'ms' }),
      retries: num({ integer: true, min: 0, default: 3 }),
      name: optional(str()),
    });
    const x: number = resolved.timeout;
    expect(x).toBe(100);
    expect(resolved).toEqual({ timeout: 100, retries: 3, name: undefined });
    expectTypeOf(resolved.retries).toEqualTypeOf<number>();
    expectTypeOf(resolved.name).toEqualTypeOf<string | undefined>();
  });

  it('treats undefined as {}, and lets through keys the caller accepts (or every key with accept: "any")', () => {
    expect(validateOptions('A', undefined, { a: bool({ default: false }) })).toEqual({ a: false });
    expect(validateOptions('A', { a: true, clock: {}, retryCount: 3 }, { a: bool() }, { accept: ['clock', 'retryCount'] })).toEqual({ a: true });
    expect(validateOptions('A', { a: true, PATH: '/bin' }, { a: bool() }, { accept: 'any' })).toEqual({ a: true });
    // A key given as undefined (a spread of optional fields) is no mistake.
    expect(validateOptions('A', { a: true, extra: undefined }, { a: bool() })).toEqual({ a: true });
  });

  it('refuses any other key, with a did-you-mean when one is close, nested keys too', () => {
    const spec = { timeout: optional(num()), retryCount: optional(num()), circuitBreakerOptions: shape({ threshold: optional(num()) }) };
    expect(() => validateOptions('SSEConnection', { timout: 5000 }, spec)).toThrow(
      'SSEConnection: invalid option "timout": unknown option, got 5000 (did you mean "timeout"?)',
    );
    expect(() => validateOptions('A', { RetryCuont: 1 }, spec)).toThrow('(did you mean "retryCount"?)');
    expect(() => validateOptions('A', { circuitBreakerOptions: { treshold: 5 } }, spec)).toThrow(
      'A: invalid option "circuitBreakerOptions.treshold": unknown option, got 5 (did you mean "circuitBreakerOptions.threshold"?)',
    );
    // Accepted keys are suggested too; nothing close: no hint.
    expect(() => validateOptions('A', { clok: 1 }, spec, { accept: ['clock'] })).toThrow('(did you mean "clock"?)');
    let error: unknown;
    try {
      validateOptions('A', { zzz: 1 }, spec);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ option: 'zzz', hint: undefined, reason: 'unknown option' });
  });

  it('warns once through the options\' logger about a value that looks like the other unit, and accepts it', () => {
    const warnings: string[] = [];
    const logger = { debug() {}, info() {}, error() {}, warn: (m: string) => warnings.push(m) };
    const spec = { timeout: ms(1, 3_600_000, 5000, PLAUSIBLE_TIMEOUT_MS), retryDelay: ms(0, 60_000, 1000, PLAUSIBLE_DELAY_MS), logger: optional({ check: (v: unknown) => v }) };
    expect(validateOptions('Unit1', { timeout: 12, logger }, spec).timeout).toBe(12);
    expect(warnings).toEqual(['[statewire] Unit1: option "timeout" is 12 ms: accepted, but it looks like seconds (12 seconds would be 12000)']);
    validateOptions('Unit1', { timeout: 12, logger }, spec);
    expect(warnings).toHaveLength(1); // once
    validateOptions('Unit1', { timeout: 100, retryDelay: 0, logger }, spec);
    expect(warnings).toHaveLength(1); // plausible values (and 0) say nothing
    validateOptions('Unit1', { retryDelay: 0.5, logger }, spec);
    expect(warnings.at(-1)).toMatch(/"retryDelay" is 0\.5 ms: .*looks like seconds \(0\.5 seconds would be 500\)/);
    // Without a logger in the options: settings.logger (else console).
    const fallback: string[] = [];
    validateOptions('Unit2', { timeout: 30 }, spec, { logger: { warn: (m: string) => fallback.push(m) } });
    expect(fallback).toHaveLength(1);
  });

  it('refuses a non-object options argument', () => {
    for (const input of [null, 5, 'x', []]) {
      expect(() => validateOptions('A', input, {})).toThrow(ConfigError);
    }
    expect(() => validateOptions('A', 5, {})).toThrow('A: invalid option "(options)": expected an object, got 5');
  });

  it('prefixes the owner but keeps the plain option path', () => {
    const err = refusal(num({ min: 0 }), -5);
    expect(err.message).toBe('T: invalid option "opt": expected a finite number >= 0, got -5');
    expect(err.option).toBe('opt');
    expect(err.owner).toBe('T');
    expect(err.value).toBe(-5);
  });

  it('lets non-config errors from custom rules through unchanged', () => {
    const boom = new RangeError('boom');
    const rule: Rule<never> = { check: () => { throw boom; } };
    expect(() => validateOptions('A', {}, { x: rule })).toThrow(boom);
  });

  it('redacts secret-looking options', () => {
    const secret = (() => {
      try {
        validateOptions('Auth', { apiToken: 42 }, { apiToken: str() });
      } catch (e) {
        return e as ConfigError;
      }
      throw new Error('not refused');
    })();
    expect(secret).toBeInstanceOf(ConfigError);
    expect(secret.message).toBe('Auth: invalid option "apiToken": expected a string, got [REDACTED]');
    expect(secret.value).toBe('[REDACTED]');
  });
});

describe('num', () => {
  it('accepts numbers in range', () => {
    expect(accept(num({ min: 0, max: 10 }), 0)).toBe(0);
    expect(accept(num({ min: 0, max: 10 }), 10)).toBe(10);
    expect(accept(num(), -1.5)).toBe(-1.5);
  });

  it('refuses non-numbers, NaN and infinities', () => {
    for (const v of ['5', null, undefined, Number.NaN, Infinity, -Infinity, 5n]) {
      expect(refusal(num(), v).reason).toBe('expected a finite number');
    }
  });

  it('accepts +Infinity only with allowInfinity', () => {
    const rule = num({ integer: true, min: 0, max: 10, allowInfinity: true });
    expect(accept(rule, Infinity)).toBe(Infinity);
    expect(refusal(rule, -Infinity).reason).toBe('expected an integer between 0 and 10 (or Infinity)');
  });

  it('refuses out-of-range and non-integer values', () => {
    expect(refusal(num({ integer: true, min: 1 }), 0).message).toBe('T: invalid option "opt": expected an integer >= 1, got 0');
    expect(refusal(num({ integer: true }), 1.5).reason).toBe('expected an integer');
    expect(refusal(num({ max: 3 }), 4).reason).toBe('expected a finite number <= 3');
  });

  it('uses the default only for undefined', () => {
    expect(accept(num({ default: 7 }), undefined)).toBe(7);
    expect(() => accept(num({ default: 7 }), null)).toThrow(ConfigError);
  });

  it('names the unit and suggests seconds for a value given in ms', () => {
    const err = refusal(num({ min: 0, max: 3600, unit: 's' }), 5000);
    expect(err.message).toBe('T: invalid option "opt": expected a number of seconds between 0 and 3600, got 5000 (did you mean 5?)');
    expect(err.hint).toBe('did you mean 5?');
  });

  it('suggests milliseconds for a value given in seconds', () => {
    const err = refusal(num({ min: 1, unit: 'ms' }), 0.5);
    expect(err.message).toBe('T: invalid option "opt": expected a number of milliseconds >= 1, got 0.5 (did you mean 500?)');
    expect(refusal(num({ integer: true, min: 0, unit: 'ms' }), 0.3).hint).toBe('did you mean 300?');
  });

  it('gives no hint when the converted value would not fit either', () => {
    const err = refusal(num({ min: 0, max: 10, unit: 's' }), 1e9);
    expect(err.reason).toBe('expected a number of seconds between 0 and 10');
    expect(err.hint).toBeUndefined();
    expect(err.message.endsWith('got 1000000000')).toBe(true);
    expect(refusal(num({ integer: true, unit: 'ms' }), 'x').reason).toBe('expected a whole number of milliseconds');
  });
});

describe('bool', () => {
  it('accepts booleans only', () => {
    expect(accept(bool(), false)).toBe(false);
    expect(accept(bool({ default: true }), undefined)).toBe(true);
    expect(refusal(bool(), 'true').reason).toBe('expected a boolean');
    expect(refusal(bool(), 1).reason).toBe('expected a boolean');
  });
});

describe('str', () => {
  it('accepts strings and applies nonEmpty', () => {
    expect(accept(str(), '')).toBe('');
    expect(accept(str({ nonEmpty: true }), 'a')).toBe('a');
    expect(accept(str({ default: 'd' }), undefined)).toBe('d');
    expect(refusal(str({ nonEmpty: true }), '  ').reason).toBe('expected a non-empty string');
    expect(refusal(str(), 5).reason).toBe('expected a string');
  });
});

describe('oneOf', () => {
  const strategy = oneOf(['exponential', 'linear', 'fixed'], { default: 'exponential' });

  it('accepts listed values, case-insensitively, returning the canonical one', () => {
    expect(accept(strategy, 'linear')).toBe('linear');
    expect(accept(strategy, 'LINEAR')).toBe('linear');
    expect(accept(strategy, undefined)).toBe('exponential');
    expect(accept(oneOf([1, 2]), 2)).toBe(2);
  });

  it('infers the literal union', () => {
    expectTypeOf(accept(strategy, 'fixed')).toEqualTypeOf<'exponential' | 'linear' | 'fixed'>();
  });

  it('refuses other values, listing the allowed ones', () => {
    expect(refusal(strategy, 'random').reason).toBe('expected one of "exponential", "linear", "fixed"');
    expect(() => accept(oneOf([1, 2]), '1')).toThrow(ConfigError);
  });
});

describe('fn', () => {
  it('accepts functions only', () => {
    const f = (e: Error) => e.message;
    expect(accept(fn<(e: Error) => string>(), f)).toBe(f);
    expect(accept(fn({ default: f }), undefined)).toBe(f);
    expect(refusal(fn(), 'x').reason).toBe('expected a function');
  });
});

describe('url', () => {
  it('accepts absolute URLs and returns them as given', () => {
    expect(accept(url(), 'https://api.test/v1')).toBe('https://api.test/v1');
    expect(accept(url({ protocols: ['ws', 'wss:'] }), 'WSS://rt.test')).toBe('WSS://rt.test');
  });

  it('refuses unparsable or relative URLs and non-strings', () => {
    expect(refusal(url(), '/users').reason).toBe('expected an absolute URL');
    expect(refusal(url(), 'not a url').reason).toBe('expected an absolute URL');
    expect(refusal(url(), 42).reason).toBe('expected an absolute URL');
  });

  it('refuses a wrong protocol, naming the allowed ones', () => {
    expect(refusal(url({ protocols: ['ws', 'wss'] }), 'http://rt.test').reason).toBe('expected a URL with protocol ws: or wss:');
  });
});

describe('record', () => {
  const limits = record(num({ integer: true, min: 1 }));

  it('accepts an object whose values all pass', () => {
    expect(accept(limits, { api: 100, auth: 5 })).toEqual({ api: 100, auth: 5 });
    expect(accept(record(num(), { default: { a: 1 } }), undefined)).toEqual({ a: 1 });
  });

  it('names the failing key as a dotted path', () => {
    const err = refusal(limits, { auth: 5, api: 0 });
    expect(err.option).toBe('opt.api');
    expect(err.message).toBe('T: invalid option "opt.api": expected an integer >= 1, got 0');
  });

  it('refuses non-objects and keeps "__proto__" as a plain key', () => {
    expect(refusal(limits, [1]).reason).toBe('expected an object');
    const out = accept(limits, JSON.parse('{"__proto__": 3}'));
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.keys(out)).toEqual(['__proto__']);
  });
});

describe('list', () => {
  it('accepts arrays whose items pass', () => {
    expect(accept(list(str()), ['a', 'b'])).toEqual(['a', 'b']);
    expect(accept(list(str(), { default: [] }), undefined)).toEqual([]);
  });

  it('names the failing index and refuses non-arrays', () => {
    expect(refusal(list(str()), ['a', 1]).option).toBe('opt[1]');
    expect(refusal(list(str()), 'a').reason).toBe('expected an array');
  });
});

describe('shape', () => {
  const spec = {
    circuitBreakerOptions: shape({
      threshold: num({ integer: true, min: 1, default: 5 }),
      timeout: num({ min: 0, default: 60_000, unit: 'ms' }),
    }),
  };

  it('resolves nested defaults, also when the object is omitted', () => {
    expect(validateOptions('ApiClient', { circuitBreakerOptions: { threshold: 2 } }, spec)).toEqual({
      circuitBreakerOptions: { threshold: 2, timeout: 60_000 },
    });
    const resolved = validateOptions('ApiClient', {}, spec);
    const threshold: number = resolved.circuitBreakerOptions.threshold;
    expect(threshold).toBe(5);
  });

  it('names nested options with dotted paths', () => {
    try {
      validateOptions('ApiClient', { circuitBreakerOptions: { threshold: 0 } }, spec);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as ConfigError).option).toBe('circuitBreakerOptions.threshold');
      expect((e as ConfigError).message).toMatch(/^ApiClient: invalid option "circuitBreakerOptions\.threshold"/);
    }
  });

  it('refuses a non-object', () => {
    expect(() => validateOptions('A', { circuitBreakerOptions: 5 }, spec)).toThrow('"circuitBreakerOptions": expected an object');
  });
});

describe('optional', () => {
  it('passes undefined through and checks anything else', () => {
    expect(accept(optional(num()), undefined)).toBeUndefined();
    expect(accept(optional(num()), 3)).toBe(3);
    expect(() => accept(optional(num()), null)).toThrow(ConfigError);
  });
});

describe('ordered', () => {
  it('accepts min <= max and skips missing values', () => {
    expect(() => ordered({ minSize: 1, maxSize: 1 }, 'minSize', 'maxSize')).not.toThrow();
    expect(() => ordered({ minSize: 5, maxSize: undefined }, 'minSize', 'maxSize')).not.toThrow();
  });

  it('accepts the object validateOptions resolves, and refuses a misspelt key name', () => {
    const pool = validateOptions('ConnectionPool', { minSize: 2, maxSize: 8 }, {
      minSize: num({ integer: true, min: 0 }),
      maxSize: num({ integer: true, min: 1 }),
    });
    expect(() => ordered(pool, 'minSize', 'maxSize', 'ConnectionPool')).not.toThrow();
    // @ts-expect-error -- 'maxSzie' is not an option of the spec
    expect(() => ordered(pool, 'minSize', 'maxSzie')).toThrow(/"maxSzie" is not an option/);
  });

  it('refuses min > max on the max option, naming both', () => {
    try {
      ordered({ minSize: 10, maxSize: 5 }, 'minSize', 'maxSize', 'ConnectionPool');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as ConfigError).option).toBe('maxSize');
      expect((e as ConfigError).message).toBe('ConnectionPool: invalid option "maxSize": expected a value >= "minSize" (10), got 5');
    }
  });
});
