import { describe, expect, it } from 'vitest';
import { ConfigError, ValidationError } from '../../src/errors.js';
import { InputValidator, type StandardSchemaV1, type StringRules } from '../../src/security/index.js';

const validator = new InputValidator();

/** The ValidationError `validateString` throws. */
function failure(input: unknown, rules: StringRules, v = validator): ValidationError {
  try {
    v.validateString(input, rules);
  } catch (e) {
    if (e instanceof ValidationError) return e;
    throw e;
  }
  throw new Error(`expected ${JSON.stringify(input)} to be refused`);
}

describe('InputValidator#validateString', () => {
  it('returns valid input unchanged (seed usage)', () => {
    const message = 'Hello, how are you?';
    expect(validator.validateString(message, { maxLength: 10000, noXss: true, noSqlInjection: true })).toBe(message);
  });

  it('type: refuses non-strings', () => {
    const e = failure(42, {});
    expect(e.rule).toBe('type');
    expect(e.message).toBe('input must be a string, got number');
    expect(failure(null, {}).message).toContain('null');
  });

  it('maxLength and minLength count characters and name the rule', () => {
    expect(failure('abcdef', { maxLength: 5 }).rule).toBe('maxLength');
    expect(failure('ab', { minLength: 3 }).rule).toBe('minLength');
    expect(validator.validateString('abcde', { maxLength: 5, minLength: 5 })).toBe('abcde');
    expect(failure('abcdef', { maxLength: 5, name: 'username' }).message).toBe('username must be at most 5 characters, got 6');
  });

  it('allowEmpty: true accepts "" whatever minLength says; false refuses blank input', () => {
    expect(validator.validateString('', { allowEmpty: true, minLength: 3 })).toBe('');
    expect(failure('   ', { allowEmpty: false }).rule).toBe('allowEmpty');
    expect(failure('', { minLength: 1 }).rule).toBe('minLength');
    expect(validator.validateString('', {})).toBe('');
  });

  it('pattern: must match, and a global regex gives the same answer every time', () => {
    expect(failure('abc!', { pattern: /^[a-z]+$/ }).rule).toBe('pattern');
    const g = /^[a-z]+$/g;
    for (let i = 0; i < 3; i++) expect(validator.validateString('abc', { pattern: g })).toBe('abc');
  });

  it.each([
    '<script>alert(1)</script>',
    '< SCRIPT src=//evil>',
    '<a href="javascript:alert(1)">x</a>',
    'javascript: alert(1)',
    '<a href= javascript:void(0)>',
    'vbscript:msgbox(1)',
    '<a href="java\tscript:alert(1)">x</a>',
    '<a href="&#106;avascript:alert(1)">x</a>',
    '<img src=x onerror=alert(1)>',
    '" onmouseover="alert(1)',
    '<iframe src=//evil>',
    '<object data=x>',
    '<embed src=x>',
    'data:text/html;base64,PHNjcmlwdD4=',
    '<iframe srcdoc="<p>">',
  ])('noXss refuses %s', (input) => expect(failure(input, { noXss: true }).rule).toBe('noXss'));

  it.each(['Hello there', 'one=1, two=2', 'I love JavaScript: it is fun', 'a < b and c > d', 'meet me online'])(
    'noXss accepts %s',
    (input) => expect(validator.validateString(input, { noXss: true })).toBe(input),
  );

  it.each([
    "' OR '1'='1",
    "admin' or 1=1",
    'x" OR "a"="a',
    '1 OR 1=1',
    "') and 'x' like 'x",
    '1 UNION SELECT password FROM users',
    '1 UNION/**/ALL/**/SELECT 1',
    "x'; DROP TABLE users",
    "admin'--",
    "admin' -- ",
    "admin'/*",
    "'; exec xp_cmdshell 'dir'",
    '1 AND SLEEP(5)',
    "1' AND BENCHMARK(1000000,MD5(1))",
    "1'; WAITFOR DELAY '0:0:5'",
  ])('noSqlInjection refuses %s', (input) => expect(failure(input, { noSqlInjection: true }).rule).toBe('noSqlInjection'));

  it.each(["It's a nice day", 'Select the union of both sets', 'Tom -- the cat -- sat', "She said 'hello' -- then left", 'cats or dogs = pets'])(
    'noSqlInjection accepts %s',
    (input) => expect(validator.validateString(input, { noSqlInjection: true })).toBe(input),
  );

  it('quotes at most a 40-character excerpt, never a long input whole', () => {
    const secret = 'sk_live_' + 'A'.repeat(200);
    const e = failure(`${secret}<script>alert(1)</script>${secret}`, { noXss: true });
    expect(e.message).toContain('<script>');
    expect(e.message).not.toContain(secret);
    const quoted = /near "(.*)"$/.exec(e.message)![1]!.replace(/…/g, '');
    expect(quoted.length).toBeLessThanOrEqual(40);
  });

  it('stays fast on long adversarial input (no catastrophic backtracking)', () => {
    const inputs = [`'${' '.repeat(50_000)}x`, `"${' )'.repeat(25_000)}x`, "'".repeat(50_000), `x${'/*'.repeat(25_000)}`, `<${' '.repeat(50_000)}x`];
    const start = performance.now();
    for (const input of inputs) expect(validator.validateString(input, { noXss: true, noSqlInjection: true })).toBe(input);
    expect(performance.now() - start).toBeLessThan(1000);
  });

  it('applies constructor defaults, overridable per call', () => {
    const strict = new InputValidator({ noXss: true, maxLength: 10 });
    expect(failure('<script>', {}, strict).rule).toBe('noXss');
    expect(strict.validateString('<script>', { noXss: false })).toBe('<script>');
    expect(failure('12345678901', {}, strict).rule).toBe('maxLength');
  });

  it('refuses invalid rules with ConfigError', () => {
    expect(() => validator.validateString('x', { maxLength: -1 })).toThrow(ConfigError);
    expect(() => validator.validateString('x', { minLength: 1.5 })).toThrow(ConfigError);
    expect(() => validator.validateString('x', { pattern: '^x$' as never })).toThrow(ConfigError);
  });
});

describe('InputValidator#validate', () => {
  const positive: StandardSchemaV1<unknown, number> = {
    '~standard': {
      version: 1,
      vendor: 'test',
      validate: (v) => (typeof v === 'number' && v > 0 ? { value: v * 2 } : { issues: [{ message: 'must be positive', path: ['n'] }] }),
    },
  };

  it('resolves the schema output and rejects with rule "schema"', async () => {
    await expect(validator.validate(positive, 2)).resolves.toBe(4);
    await expect(validator.validate(positive, -1)).rejects.toMatchObject({ rule: 'schema', message: 'Validation failed: n: must be positive' });
  });
});
