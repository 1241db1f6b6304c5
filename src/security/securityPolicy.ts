/**
 * What each {@link SecurityLevel} enforces, checked when a connection is
 * constructed and for every URL it dials later (see `dialUrl.ts`).
 *
 * @module
 */
import { ConfigError } from '../errors.js';
import { SecurityLevel } from '../config/enums.js';
import { redactUrl } from './redact.js';

const IPV4_LOOPBACK = /^127(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;
// IPv4-mapped loopback as written (::ffff:127.0.0.1) and as WHATWG URL normalises it (::ffff:7f00:1).
const MAPPED_LOOPBACK = /^::ffff:(?:127\.|7f[0-9a-f]{2}:)/;

/**
 * True for hosts that never leave the machine: `localhost`, `*.localhost`,
 * `127.0.0.0/8` and `::1` (with or without brackets, and IPv4-mapped).
 *
 * @example
 * ```ts
 * isLoopbackHost('127.0.0.1'); // true
 * isLoopbackHost('[::1]'); // true
 * isLoopbackHost('api.example.com'); // false
 * ```
 */
export function isLoopbackHost(hostname: string): boolean {
  let h = hostname.trim().toLowerCase();
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  if (h.endsWith('.')) h = h.slice(0, -1); // "localhost." is the same host
  return (
    h === 'localhost' ||
    h.endsWith('.localhost') ||
    IPV4_LOOPBACK.test(h) ||
    h === '::1' ||
    h === '0:0:0:0:0:0:0:1' ||
    MAPPED_LOOPBACK.test(h)
  );
}

/**
 * Input of {@link checkTransportSecurity}: the connection's own options.
 *
 * @example
 * ```ts
 * const o: TransportSecurityOptions = { url: config.url, securityLevel: config.securityLevel, encryption: config.encryption, owner: 'SSEConnection' };
 * ```
 */
export interface TransportSecurityOptions {
  /** Absolute URL (`http:`, `https:`, `ws:`, `wss:`); in a browser a relative one resolves against the page. */
  url: string | URL;
  /** Default `'standard'`; matched case-insensitively. */
  securityLevel?: SecurityLevel | undefined;
  /** Require TLS except to loopback. Default `true` (the seed's default). */
  encryption?: boolean | undefined;
  /** `false` turns off certificate verification. Default `undefined` (verify). */
  rejectUnauthorized?: boolean | undefined;
  /** Class that checks, e.g. `'HTTPConnection'`; prefixes the error message. */
  owner?: string | undefined;
  /** The option a refused URL is named as, e.g. `'healthUrl'`. Default `'url'`. */
  option?: string | undefined;
}

/**
 * What {@link checkTransportSecurity} resolved.
 *
 * @example
 * ```ts
 * const { secure, loopback }: TransportSecurity = checkTransportSecurity({ url: 'wss://h/ws' }); // true, false
 * ```
 */
export interface TransportSecurity {
  securityLevel: SecurityLevel;
  encryption: boolean;
  /** The URL uses TLS (`https:` / `wss:`). */
  secure: boolean;
  /** The URL's host is a loopback host. */
  loopback: boolean;
}

const LEVELS = Object.values(SecurityLevel);

/**
 * Enforces the transport rules of the connection's {@link SecurityLevel}
 * (listed in `SECURITY_LEVEL_RULES`, securityLevelRules.ts) and returns what it resolved.
 * URLs in messages are redacted.
 *
 * @throws {ConfigError} naming `url` (plain transport refused),
 *   `rejectUnauthorized` (unverified TLS refused), `securityLevel` (unknown
 *   level) or `encryption` (not a boolean).
 *
 * @example
 * ```ts
 * checkTransportSecurity({ url: 'http://api.example.com', owner: 'HTTPConnection' });
 * // throws ConfigError: HTTPConnection: invalid option "url": expected an https: or wss: URL …
 * checkTransportSecurity({ url: 'http://localhost:8080', securityLevel: 'maximum' }).loopback; // true
 * ```
 */
export function checkTransportSecurity(options: TransportSecurityOptions): TransportSecurity {
  const { url, securityLevel, encryption = true, rejectUnauthorized, owner, option: urlOption = 'url' } = options;
  const err = (option: string, value: unknown, reason: string) =>
    new ConfigError(option, value, reason, owner === undefined ? {} : { owner });

  const level = securityLevel === undefined ? 'standard' : LEVELS.find((l) => typeof securityLevel === 'string' && l === securityLevel.toLowerCase());
  if (level === undefined) throw err('securityLevel', securityLevel, `expected one of ${LEVELS.map((l) => JSON.stringify(l)).join(', ')}`);
  if (typeof encryption !== 'boolean') throw err('encryption', encryption, 'expected a boolean');
  if (rejectUnauthorized !== undefined && typeof rejectUnauthorized !== 'boolean') {
    throw err('rejectUnauthorized', rejectUnauthorized, 'expected a boolean');
  }

  const shownUrl = redactUrl(String(url));
  let parsed: URL;
  try {
    parsed = new URL(String(url), (globalThis as { location?: { href?: string } }).location?.href);
  } catch {
    throw err(urlOption, shownUrl, 'expected an absolute URL');
  }
  const plain = parsed.protocol === 'http:' || parsed.protocol === 'ws:';
  const secure = parsed.protocol === 'https:' || parsed.protocol === 'wss:';
  const loopback = isLoopbackHost(parsed.hostname);

  if (plain && !loopback && encryption) {
    throw err(urlOption, shownUrl, 'expected an https: or wss: URL because encryption is on (plain http:/ws: is allowed only to loopback hosts)');
  }
  if (plain && !loopback && level === 'maximum') {
    throw err(urlOption, shownUrl, 'expected an https: or wss: URL at securityLevel "maximum" (plain http:/ws: is allowed only to loopback hosts)');
  }
  if (rejectUnauthorized === false && level === 'maximum') {
    throw err('rejectUnauthorized', false, 'expected true or undefined at securityLevel "maximum" (TLS certificate verification cannot be turned off)');
  }
  if (rejectUnauthorized === false && level === 'enhanced' && !loopback) {
    throw err('rejectUnauthorized', false, 'expected true or undefined at securityLevel "enhanced" (TLS certificate verification can be turned off only for loopback hosts)');
  }
  return { securityLevel: level, encryption, secure, loopback };
}
