import type { StandardSchemaV1 as SpecSchema } from '@standard-schema/spec';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { ConfigError, ValidationError } from '../../src/errors.js';
import { validateWith, validateWithSync } from '../../src/security/validateWith.js';
import type { StandardSchemaIssue, StandardSchemaV1 } from '../../src/security/StandardSchemaV1.js';

interface User {
  name: string;
}

/** A hand-written Standard Schema: `{ name: string }`, trimmed; sync or async. */
function userSchema(async: boolean): StandardSchemaV1<unknown, User> {
  const check = (v: unknown) => {
    if (typeof v !== 'object' || v === null) return { issues: [{ message: 'expected an object' }] };
    const name = (v as { name?: unknown }).name;
    if (typeof name !== 'string') return { issues: [{ message: 'expected a string', path: [{ key: 'name' }] }] };
    return { value: { name: name.trim() } };
  };
  return { '~standard': { version: 1, vendor: 'hand', validate: (v) => (async ? Promise.resolve(check(v)) : check(v)) } };
}

/** Rejects everything with the given issues. */
const failing = (issues: StandardSchemaIssue[]): StandardSchemaV1 => ({
  '~standard': { version: 1, vendor: 'hand', validate: () => ({ issues }) },
});

describe('validateWith', () => {
  it.each([false, true])('resolves the (transformed) output of a schema (async=%s)', async (async) => {
    const user = await validateWith(userSchema(async), { name: '  ada ' });
    expectTypeOf(user).toEqualTypeOf<User>();
    expect(user).toEqual({ name: 'ada' });
  });

  it.each([false, true])('rejects with ValidationError("schema") naming the path (async=%s)', async (async) => {
    const error = await validateWith(userSchema(async), { name: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ rule: 'schema', message: 'Validation failed: name: expected a string' });
    expect((error as ValidationError).cause).toEqual([{ message: 'expected a string', path: [{ key: 'name' }] }]);
  });

  it('formats every kind of path segment', async () => {
    const schema = failing([
      { message: 'a', path: ['items', 0, { key: 'odd key' }] },
      { message: 'b', path: [Symbol('s')] },
      { message: 'c' },
    ]);
    await expect(validateWith(schema, null)).rejects.toThrow('Validation failed: items[0]["odd key"]: a; [Symbol(s)]: b; c');
  });

  it('bounds the message: at most 10 issues, each cut to 200 characters', async () => {
    const issues = Array.from({ length: 12 }, (_, i) => ({ message: `${i}:${'x'.repeat(500)}` }));
    const error = (await validateWith(failing(issues), null).catch((e: unknown) => e)) as ValidationError;
    expect(error.message).toContain('(and 2 more)');
    expect(error.message).not.toContain('x'.repeat(201));
  });

  it('refuses something that is not a Standard Schema', async () => {
    await expect(validateWith({} as never, 1)).rejects.toBeInstanceOf(ConfigError);
  });

  it('accepts schemas typed with @standard-schema/spec', async () => {
    const spec: SpecSchema<unknown, string> = { '~standard': { version: 1, vendor: 'spec', validate: (v) => ({ value: String(v) }) } };
    await expect(validateWith(spec, 5)).resolves.toBe('5');
  });
});

describe('validateWithSync', () => {
  it('returns the output or throws ValidationError', () => {
    expect(validateWithSync(userSchema(false), { name: 'bo ' })).toEqual({ name: 'bo' });
    expect(() => validateWithSync(userSchema(false), 1)).toThrow(ValidationError);
  });

  it('refuses a schema that answers with a promise', () => {
    expect(() => validateWithSync(userSchema(true), { name: 'x' })).toThrow(ConfigError);
  });
});
