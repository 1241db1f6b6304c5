/**
 * Validation through any Standard Schema v1 validator (zod, valibot, …).
 *
 * @module
 */
import { ConfigError, ValidationError } from '../errors.js';
import type { StandardSchemaIssue, StandardSchemaOutput, StandardSchemaResult, StandardSchemaV1 } from './StandardSchemaV1.js';

const MAX_ISSUES = 10;
const MAX_MESSAGE = 200;

/** `user.items[0]["odd key"]` from an issue path. */
function formatPath(path: StandardSchemaIssue['path']): string {
  let out = '';
  for (const segment of path ?? []) {
    const key = typeof segment === 'object' && segment !== null ? segment.key : segment;
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'symbol') out += `[${String(key)}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(key)) out += out === '' ? key : `.${key}`;
    else out += `[${JSON.stringify(key)}]`;
  }
  return out;
}

/** One bounded message listing the issues; schema messages could be long or echo input, so each is cut. */
function formatIssues(issues: ReadonlyArray<StandardSchemaIssue>): string {
  const shown = issues.slice(0, MAX_ISSUES).map((issue) => {
    const raw = String(issue.message);
    const message = raw.length > MAX_MESSAGE ? `${raw.slice(0, MAX_MESSAGE)}…` : raw;
    const path = formatPath(issue.path);
    return path === '' ? message : `${path}: ${message}`;
  });
  const more = issues.length > MAX_ISSUES ? ` (and ${issues.length - MAX_ISSUES} more)` : '';
  return `Validation failed: ${shown.join('; ')}${more}`;
}

function standardOf(schema: unknown, owner: string): StandardSchemaV1['~standard'] {
  const props = typeof schema === 'object' || typeof schema === 'function' ? (schema as Partial<StandardSchemaV1> | null)?.['~standard'] : undefined;
  if (props === undefined || props === null || typeof props.validate !== 'function') {
    throw new ConfigError('schema', schema, 'expected a Standard Schema v1 validator (an object with ["~standard"].validate)', { owner });
  }
  return props;
}

function unwrap<T>(result: StandardSchemaResult<T>): T {
  // The spec says a falsy `issues` means success.
  if (result.issues) throw new ValidationError('schema', formatIssues(result.issues), { cause: result.issues });
  return (result as { value: T }).value;
}

/**
 * Validates `value` with a Standard Schema v1 validator and resolves the
 * schema's output (which may be transformed). Works with sync and async
 * schemas.
 *
 * @throws {ValidationError} rule `'schema'`, message listing each issue's path
 *   and message (at most 10), with the issues array as `cause`.
 * @throws {ConfigError} when `schema` is not a Standard Schema.
 *
 * @example
 * ```ts
 * import { z } from 'zod';
 * const user = await validateWith(z.object({ name: z.string() }), input); // { name: string }
 * ```
 */
export async function validateWith<S extends StandardSchemaV1>(schema: S, value: unknown): Promise<StandardSchemaOutput<S>> {
  const props = standardOf(schema, 'validateWith');
  return unwrap(await props.validate(value)) as StandardSchemaOutput<S>;
}

/**
 * {@link validateWith} for schemas that validate synchronously (no async
 * refinements), for hot paths and constructors.
 *
 * @throws {ValidationError} as {@link validateWith}.
 * @throws {ConfigError} when `schema` is not a Standard Schema or answers with a Promise.
 *
 * @example
 * ```ts
 * const port = validateWithSync(z.number().int().min(1), options.port);
 * ```
 */
export function validateWithSync<S extends StandardSchemaV1>(schema: S, value: unknown): StandardSchemaOutput<S> {
  const props = standardOf(schema, 'validateWithSync');
  const result = props.validate(value);
  if (typeof (result as Partial<PromiseLike<unknown>>).then === 'function') {
    Promise.resolve(result).catch(() => {}); // nobody awaits it; avoid an unhandled rejection
    throw new ConfigError('schema', schema, 'expected a schema that validates synchronously (use validateWith)', { owner: 'validateWithSync' });
  }
  return unwrap(result as StandardSchemaResult<unknown>) as StandardSchemaOutput<S>;
}
