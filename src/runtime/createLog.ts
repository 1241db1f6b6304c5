import type { Logger } from '../config/ConnectionConfig.js';
import { Redactor } from '../security/Redactor.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3, silent: 4 };

/** A client's log: silent unless enabled, and every line passes the redactor. */
export interface Log {
  enabled: boolean;
  debug(message: string, detail?: unknown): void;
  info(message: string, detail?: unknown): void;
  warn(message: string, detail?: unknown): void;
  error(message: string, detail?: unknown): void;
  /** An audit line (connect, disconnect, authentication): written when auditing is on, whatever the level. */
  audit(message: string, detail?: unknown): void;
  /** Learns secret values (sensitive headers, URL credentials) so no line ever shows them. */
  remember(headers: Record<string, string> | undefined, url?: string): void;
  /** The redactor, for scrubbing events and errors before they leave. */
  readonly redactor: Redactor;
}

/**
 * Creates a client's log over a console-like `logger` (console when none is
 * given). Lines carry the client's name; secrets it has seen are `[REDACTED]`.
 *
 * @example
 * ```ts
 * const log = createLog({ enabled: true, prefix: 'ApiClient' });
 * log.remember({ Authorization: 'Bearer s3cr3t-token' });
 * log.warn('sent Bearer s3cr3t-token'); // "[ApiClient] sent [REDACTED]"
 * ```
 */
export function createLog(options: {
  enabled: boolean;
  /** Lowest level written. Default 'info' ('debug' when enabled through `debug: true`). */
  level?: LogLevel;
  audit?: boolean;
  logger?: Logger;
  sensitiveHeaders?: string[];
  prefix: string;
}): Log {
  const redactor = new Redactor({ sensitiveHeaders: options.sensitiveHeaders });
  const min = RANK[options.level ?? 'info'];
  const line = (level: keyof Logger, message: string, detail?: unknown) => {
    const sink = options.logger ?? console;
    const text = `[${options.prefix}] ${redactor.text(message)}`;
    // A logger that throws must not take the connection (or, from a timer, the process) down with it.
    try {
      if (detail === undefined) sink[level](text);
      else sink[level](text, redactor.value(detail instanceof Error ? { name: detail.name, message: detail.message } : detail));
    } catch {
      // Nowhere left to report it: the logger is the report channel.
    }
  };
  const write = (level: keyof Logger) => (message: string, detail?: unknown) => {
    if (log.enabled && RANK[level] >= min) line(level, message, detail);
  };
  const log: Log = {
    enabled: options.enabled,
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    audit: (message, detail) => {
      if (options.audit) line('info', `audit: ${message}`, detail);
    },
    remember(headers, url) {
      if (headers) redactor.rememberHeaders(headers);
      if (url) redactor.rememberUrl(url);
    },
    redactor,
  };
  return log;
}
