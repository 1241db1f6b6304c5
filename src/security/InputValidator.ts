/**
 * Seed 004's input validator: string rules plus any Standard Schema.
 *
 * @module
 */
import { ConfigError, ValidationError } from '../errors.js';
import type { StandardSchemaOutput, StandardSchemaV1 } from './StandardSchemaV1.js';
import { findSqlInjection, findXss, type TripwireHit } from './tripwires.js';
import { validateWith } from './validateWith.js';

/**
 * Rules of {@link InputValidator.validateString}; each is off unless given.
 *
 * @example
 * ```ts
 * const username: StringRules = { name: 'username', minLength: 3, maxLength: 32, pattern: /^[\w.-]+$/ };
 * ```
 */
export interface StringRules {
  /** Most UTF-16 code units allowed (as HTML `maxlength` counts). */
  maxLength?: number;
  /** Fewest UTF-16 code units required. */
  minLength?: number;
  /** Refuse input that looks like an XSS payload. */
  noXss?: boolean;
  /** Refuse input that looks like an SQL-injection payload. */
  noSqlInjection?: boolean;
  /** The input must match (tested with `lastIndex` reset, so `g`/`y` flags are harmless). */
  pattern?: RegExp;
  /** `true`: `''` is valid whatever the other rules say; `false`: empty or whitespace-only is refused. */
  allowEmpty?: boolean;
  /** Names the input in messages, e.g. `'username'`. Default `'input'`. */
  name?: string;
}

const OWNER = 'InputValidator';
const EXCERPT = 40;

/** At most 40 characters around the hit, quoted, so a long (possibly secret) input is never echoed whole. */
function excerpt(hit: TripwireHit): string {
  const start = Math.max(0, Math.min(hit.index - 10, hit.text.length - EXCERPT));
  const cut = hit.text.slice(start, start + EXCERPT);
  return `${start > 0 ? '…' : ''}${JSON.stringify(cut).slice(1, -1)}${start + EXCERPT < hit.text.length ? '…' : ''}`;
}

function checkLength(option: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !(Number.isInteger(value) || value === Infinity) || value < 0) {
    throw new ConfigError(option, value, 'expected an integer >= 0', { owner: OWNER });
  }
  return value;
}

/**
 * Validates user input before it is sent. The XSS and SQL checks are a
 * tripwire for the usual payloads, NOT a substitute for encoding output for
 * its context (HTML, attribute, URL) and using parameterised queries: they
 * miss novel payloads and may flag harmless text such as `online = yes`.
 *
 * @example
 * ```ts
 * const validator = new InputValidator();
 * try {
 *   validator.validateString(userInput, { maxLength: 10000, noXss: true, noSqlInjection: true });
 *   await client.post('/api/message', { content: userInput });
 * } catch (error) {
 *   console.error('Validation failed:', (error as Error).message);
 * }
 * ```
 */
export class InputValidator {
  readonly #defaults: StringRules;

  /**
   * @param defaults rules applied to every {@link validateString} call, each overridable per call.
   *
   * @example
   * ```ts
   * const strict = new InputValidator({ noXss: true, noSqlInjection: true, maxLength: 10_000 });
   * ```
   */
  constructor(defaults: StringRules = {}) {
    this.#defaults = { ...defaults };
  }

  /**
   * Returns `input` unchanged when it passes every rule given.
   *
   * @throws {ValidationError} with `rule` set to the failed rule: `'type'`,
   *   `'allowEmpty'`, `'maxLength'`, `'minLength'`, `'noXss'`,
   *   `'noSqlInjection'` or `'pattern'`. Messages quote at most a 40-character
   *   excerpt of the input.
   * @throws {ConfigError} when a rule itself is invalid (e.g. `maxLength: -1`).
   *
   * @example
   * ```ts
   * new InputValidator().validateString('hello', { maxLength: 10 }); // 'hello'
   * new InputValidator().validateString('<script>', { noXss: true }); // throws ValidationError, rule 'noXss'
   * ```
   */
  validateString(input: unknown, rules: StringRules = {}): string {
    const r = { ...this.#defaults, ...rules };
    const maxLength = checkLength('maxLength', r.maxLength);
    const minLength = checkLength('minLength', r.minLength);
    if (r.pattern !== undefined && !(r.pattern instanceof RegExp)) throw new ConfigError('pattern', r.pattern, 'expected a RegExp', { owner: OWNER });
    const label = r.name ?? 'input';

    if (typeof input !== 'string') {
      throw new ValidationError('type', `${label} must be a string, got ${input === null ? 'null' : typeof input}`);
    }
    if (input === '' && r.allowEmpty === true) return input;
    if (r.allowEmpty === false && input.trim() === '') throw new ValidationError('allowEmpty', `${label} must not be empty`);
    // Length first: it bounds the work of the pattern checks below.
    if (maxLength !== undefined && input.length > maxLength) {
      throw new ValidationError('maxLength', `${label} must be at most ${maxLength} characters, got ${input.length}`);
    }
    if (minLength !== undefined && input.length < minLength) {
      throw new ValidationError('minLength', `${label} must be at least ${minLength} characters, got ${input.length}`);
    }
    if (r.noXss === true) {
      const hit = findXss(input);
      if (hit !== null) throw new ValidationError('noXss', `${label} looks like an XSS payload near "${excerpt(hit)}"`);
    }
    if (r.noSqlInjection === true) {
      const hit = findSqlInjection(input);
      if (hit !== null) throw new ValidationError('noSqlInjection', `${label} looks like an SQL injection near "${excerpt(hit)}"`);
    }
    if (r.pattern !== undefined) {
      r.pattern.lastIndex = 0;
      const ok = r.pattern.test(input);
      r.pattern.lastIndex = 0;
      if (!ok) throw new ValidationError('pattern', `${label} does not match the required pattern`);
    }
    return input;
  }

  /**
   * Validates `value` with any Standard Schema v1 validator (zod, valibot, …);
   * the same check as ApiClient's `requestSchema` and `responseSchema`.
   *
   * @throws {ValidationError} rule `'schema'`, listing each issue's path and message.
   *
   * @example
   * ```ts
   * const message = await validator.validate(z.object({ content: z.string().max(10_000) }), body);
   * ```
   */
  validate<S extends StandardSchemaV1>(schema: S, value: unknown): Promise<StandardSchemaOutput<S>> {
    return validateWith(schema, value);
  }
}
