/**
 * Security as users see it: seed 000's `ConnectionSecurity` (authorization
 * headers), seed 004's `InputValidator`, and the Standard Schema types that
 * `requestSchema` / `responseSchema` take. Redaction and the security-level
 * checks run inside every connection and stay out of the package entry.
 *
 * @example
 * ```ts
 * import { ConnectionSecurity, InputValidator } from './security/index.js';
 * const headers = new ConnectionSecurity().createAuthorizationHeaders('token', 'api-key');
 * new InputValidator().validateString(input, { maxLength: 10_000, noXss: true });
 * ```
 *
 * @module
 */
export { ConnectionSecurity } from './ConnectionSecurity.js';
export { InputValidator } from './InputValidator.js';
export type { StringRules } from './InputValidator.js';
export type { StandardSchemaV1, StandardSchemaIssue, StandardSchemaResult, StandardSchemaOutput } from './StandardSchemaV1.js';
