/**
 * A local, structural copy of the Standard Schema v1 interface
 * (https://standardschema.dev), so users need nothing installed: zod,
 * valibot, arktype and others all satisfy it.
 *
 * @module
 */

/**
 * Any Standard Schema v1 validator.
 *
 * @example
 * ```ts
 * const even: StandardSchemaV1<number> = {
 *   '~standard': {
 *     version: 1,
 *     vendor: 'example',
 *     validate: (v) => (typeof v === 'number' && v % 2 === 0 ? { value: v } : { issues: [{ message: 'expected an even number' }] }),
 *   },
 * };
 * ```
 */
export interface StandardSchemaV1<Input = unknown, Output = Input> {
  readonly '~standard': {
    readonly version: 1;
    readonly vendor: string;
    readonly validate: (value: unknown) => StandardSchemaResult<Output> | Promise<StandardSchemaResult<Output>>;
    readonly types?: { readonly input: Input; readonly output: Output } | undefined;
  };
}

/**
 * One problem a schema found; `path` locates it inside the value.
 *
 * @example
 * ```ts
 * const issue: StandardSchemaIssue = { message: 'Required', path: ['user', { key: 'name' }] };
 * ```
 */
export interface StandardSchemaIssue {
  readonly message: string;
  readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined;
}

/**
 * What `validate` returns: the (possibly transformed) value, or the issues.
 *
 * @example
 * ```ts
 * const ok: StandardSchemaResult<number> = { value: 2 };
 * const bad: StandardSchemaResult<number> = { issues: [{ message: 'expected a number' }] };
 * ```
 */
export type StandardSchemaResult<Output> =
  | { readonly value: Output; readonly issues?: undefined }
  | { readonly issues: ReadonlyArray<StandardSchemaIssue> };

/**
 * The type a schema outputs.
 *
 * @example
 * ```ts
 * type User = StandardSchemaOutput<typeof userSchema>;
 * ```
 */
export type StandardSchemaOutput<S extends StandardSchemaV1> = NonNullable<S['~standard']['types']>['output'];
