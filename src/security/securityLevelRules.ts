/**
 * The rules of each security level as sentences. Kept apart from
 * `securityPolicy.ts` so the check that every client runs does not carry this
 * text into a browser bundle that never shows it.
 *
 * @module
 */
import type { SecurityLevel } from '../config/enums.js';

/**
 * The rules of each level, one sentence each, for the README and for error
 * hints. `basic` and `standard` differ only in name today.
 *
 * @example
 * ```ts
 * for (const rule of SECURITY_LEVEL_RULES.maximum) console.log(`- ${rule}`);
 * ```
 */
export const SECURITY_LEVEL_RULES: Readonly<Record<SecurityLevel, readonly string[]>> = (() => {
  const always = [
    'Credentials (Authorization, Cookie, API keys, URL passwords and secret query parameters) are redacted from errors, events, logs, statistics and inspector snapshots.',
    'With `encryption: true` (the default), plain `http:`/`ws:` URLs are refused except to loopback hosts (localhost, 127.0.0.0/8, ::1).',
  ];
  const noInsecureTls = 'Turning off TLS certificate verification (`rejectUnauthorized: false`) is refused except to loopback hosts.';
  return Object.freeze({
    basic: Object.freeze([...always]),
    standard: Object.freeze([...always]),
    enhanced: Object.freeze([...always, noInsecureTls]),
    maximum: Object.freeze([
      ...always,
      'Plain `http:`/`ws:` URLs are refused except to loopback hosts, even with `encryption: false`.',
      'Turning off TLS certificate verification (`rejectUnauthorized: false`) is refused, even to loopback hosts.',
    ]),
  });
})();
