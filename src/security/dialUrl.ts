/**
 * The check every URL passes before it is dialled, whether it was given at
 * construction or computed later (a `url` provider's result, a derived health
 * URL): the same protocol rule and the same {@link SecurityLevel} rules, with
 * the same {@link ConfigError}.
 *
 * @module
 */
import { url as urlRule } from '../config/validate.js';
import type { SecurityLevel } from '../config/enums.js';
import { ConfigError } from '../errors.js';
import { checkTransportSecurity } from './securityPolicy.js';

/** Input of {@link checkDialUrl}. */
export interface DialUrlRules {
  /** Accepted protocols without the colon, e.g. `['ws', 'wss']`. */
  protocols: readonly string[];
  securityLevel: SecurityLevel;
  encryption: boolean;
  /** Class that dials, e.g. `'WebSocketConnection'`; prefixes the error message. */
  owner: string;
  /** The option the URL comes from. Default `'url'`. */
  option?: string;
}

/**
 * Returns `url` when it may be dialled; otherwise throws the error a
 * constructor throws for the same URL (redacted).
 *
 * @throws {ConfigError} naming `rules.option` and `rules.owner`.
 *
 * @example
 * ```ts
 * const rules = { protocols: ['ws', 'wss'], securityLevel: SecurityLevel.MAXIMUM, encryption: false, owner: 'WebSocketConnection' };
 * checkDialUrl('ws://127.0.0.1:8080/ws', rules); // returned
 * checkDialUrl('ws://0.0.0.0:8080/ws', rules); // throws ConfigError: … at securityLevel "maximum" …
 * ```
 */
export function checkDialUrl(url: unknown, rules: DialUrlRules): string {
  const option = rules.option ?? 'url';
  let checked: string;
  try {
    checked = urlRule({ protocols: rules.protocols }).check(url, option);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    throw new ConfigError(error.option, error.value, error.reason, { owner: rules.owner, ...(error.cause === undefined ? {} : { cause: error.cause }) });
  }
  checkTransportSecurity({ url: checked, securityLevel: rules.securityLevel, encryption: rules.encryption, rejectUnauthorized: true, owner: rules.owner, option });
  return checked;
}
