/**
 * Security: credential redaction, authentication headers, security-level
 * transport rules and input validation.
 *
 * @example
 * ```ts
 * import { Redactor, ConnectionSecurity, checkTransportSecurity, InputValidator } from './security/index.js';
 * ```
 *
 * @module
 */
export {
  REDACTED,
  DEFAULT_SENSITIVE_HEADERS,
  looksSecretName,
  isSensitiveHeader,
  isSecretParam,
  redactHeaders,
  redactUrl,
  redactText,
} from './redact.js';
export type { HeadersInput } from './redact.js';
export { Redactor, CIRCULAR, TRUNCATED } from './Redactor.js';
export type { RedactorOptions } from './Redactor.js';
export { ConnectionSecurity } from './ConnectionSecurity.js';
export { checkTransportSecurity, isLoopbackHost } from './securityPolicy.js';
export { SECURITY_LEVEL_RULES } from './securityLevelRules.js';
export type { TransportSecurity, TransportSecurityOptions } from './securityPolicy.js';
export { InputValidator } from './InputValidator.js';
export type { StringRules } from './InputValidator.js';
export { validateWith, validateWithSync } from './validateWith.js';
export type { StandardSchemaV1, StandardSchemaIssue, StandardSchemaResult, StandardSchemaOutput } from './StandardSchemaV1.js';
