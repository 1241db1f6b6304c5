import type { Logger } from '../config/ConnectionConfig.js';
import { Redactor } from '../security/Redactor.js';

/** A client's log: silent unless enabled, and every line passes the redactor. */
export interface Log {
  enabled: boolean;
  debug(message: string, detail?: unknown): void;
  info(message: string, detail?: unknown): void;
  warn(message: string, detail?: unknown): void;
  error(message: string, detail?: unknown): void;
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
  logger?: Logger;
  sensitiveHeaders?: string[];
  prefix: string;
}): Log {
  const redactor = new Redactor({ sensitiveHeaders: options.sensitiveHeaders });
  const write = (level: keyof Logger) => (message: string, detail?: unknown) => {
    if (!log.enabled) return;
    const sink = options.logger ?? console;
    const line = `[${options.prefix}] ${redactor.text(message)}`;
    if (detail === undefined) sink[level](line);
    else sink[level](line, redactor.value(detail instanceof Error ? { name: detail.name, message: detail.message } : detail));
  };
  const log: Log = {
    enabled: options.enabled,
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    remember(headers, url) {
      if (headers) redactor.rememberHeaders(headers);
      if (url) redactor.rememberUrl(url);
    },
    redactor,
  };
  return log;
}
