/**
 * The parts an {@link SSEConnection} makes for itself: the one object every
 * attempt reads, and the log (made on first use).
 *
 * @module
 */
import { createLog, type Log } from '../runtime/createLog.js';
import type { SSEConnection } from './SSEConnection.js';
import type { AttemptHost } from './StreamAttempt.js';
import { streamRedirectRules } from './transports/streamRedirects.js';
import { attemptHeaders, reportingFetch } from './attemptRequest.js';

/**
 * The one object every attempt of a connection reads (made once: attempts only keep a reference).
 *
 * @example this.attemptHost = makeAttemptHost(this, targetUrl);
 */
export function makeAttemptHost(conn: SSEConnection, targetUrl: string): AttemptHost {
  const options = conn['options'];
  const userFetch = options.fetch;
  return {
    clock: conn['clock'],
    receiver: conn['receiver'],
    targetUrl,
    request: {
      withCredentials: options.withCredentials,
      maxEventBytes: options.maxEventBytes,
      redirects: streamRedirectRules(options),
      ...(userFetch ? { fetch: reportingFetch(userFetch, (callback, error) => conn['callbackFailed'](callback, error)) } : {}),
    },
    idleTimeout: options.idleTimeout,
    shouldReconnect: options.shouldReconnect,
    get log() {
      return conn['log'];
    },
    headers: () => attemptHeaders(options.headers, options.customHeaders, conn['basicAuth'], conn['log']),
    notify: (eventType, message, severity, data) => conn['eventsInstance']?.emit(eventType, message, severity, data),
    callbackFailed: (callback, error) => conn['callbackFailed'](callback, error),
  };
}

/**
 * The connection's log, its redactor primed with the connection's secrets
 * (headers, custom headers, the Basic credentials from the URL).
 *
 * @example this.logInstance ??= makeLog(this);
 */
export function makeLog(conn: SSEConnection): Log {
  const options = conn['options'];
  const log = createLog({ enabled: options.enableLogging, logger: options.logger, sensitiveHeaders: options.sensitiveHeaders, prefix: `SSE ${options.name}` });
  const known: Record<string, string> = typeof options.headers === 'object' ? { ...options.customHeaders, ...options.headers } : { ...options.customHeaders };
  const basicAuth = conn['basicAuth'];
  if (basicAuth !== undefined) known.Authorization = basicAuth;
  log.remember(known, options.url);
  return log;
}
