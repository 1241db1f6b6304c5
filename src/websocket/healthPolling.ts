import type { Clock } from '../runtime/clock.js';
import { checkDialUrl } from '../security/dialUrl.js';
import { dialRules } from './dialing.js';
import type { WebSocketConnection } from './WebSocketConnection.js';

/**
 * While the socket is down, polls the backend's health URL every `interval` ms;
 * the first 2xx calls `healthy` (the machine's `HEALTHY`: reconnect at once).
 * Run by the machine's `healthPoll` actor; returns its stop. A redirect is not
 * followed (its target was never checked against the dial rules): a 3xx is not
 * healthy. Each request times out after `min(interval, 5 s)`.
 *
 * @example
 * ```ts
 * const stop = pollHealth('http://127.0.0.1:8000/health', 5000, systemClock, () => actor.send({ type: 'HEALTHY' }));
 * stop();
 * ```
 */
export function pollHealth(url: string, interval: number, clock: Clock, healthy: () => void): () => void {
  if (typeof fetch !== 'function') return () => {};
  let stopped = false;
  let timer: unknown;
  const tick = async () => {
    try {
      const res = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(Math.min(interval, 5_000)) });
      await res.body?.cancel();
      if (!stopped && res.ok) return healthy();
    } catch {
      // Still down: try again next interval.
    }
    if (!stopped) timer = clock.setTimeout(tick, interval);
  };
  timer = clock.setTimeout(tick, interval);
  return () => {
    stopped = true;
    clock.clearTimeout(timer);
  };
}

/**
 * The health URL of a socket URL: ws → http, wss → https, path `/health`, no
 * query and no credentials. A function URL has none (undefined).
 *
 * @example
 * ```ts
 * deriveHealthUrl('wss://api.example.com/ws?token=x'); // 'https://api.example.com/health'
 * ```
 */
export function deriveHealthUrl(url: string | (() => unknown)): string | undefined {
  if (typeof url !== 'string') return undefined;
  const u = new URL(url);
  u.protocol = u.protocol === 'wss:' ? 'https:' : 'http:';
  u.pathname = '/health';
  u.search = '';
  u.username = '';
  u.password = '';
  return u.toString();
}

/**
 * The machine's `healthPoll` actor for a connection: polls its `healthUrl`
 * (default: derived from a string `url`; `false`: none), once that URL passed
 * the dial rules its socket URL passed, as everything dialled does.
 *
 * @example
 * ```ts
 * fromCallback(({ sendBack, system }) => pollBackendHealth(owners.of(system), () => sendBack({ type: 'HEALTHY' })));
 * ```
 */
export function pollBackendHealth(conn: WebSocketConnection, healthy: () => void): () => void {
  const options = conn['options'];
  const url = options.healthUrl === false ? undefined : (options.healthUrl ?? deriveHealthUrl(conn['urlOption']));
  if (!url) return () => {};
  try {
    checkDialUrl(url, dialRules(conn, 'healthUrl'));
  } catch (error) {
    conn['log'].warn('not polling the health URL', error);
    return () => {};
  }
  return pollHealth(url, options.healthInterval, conn['clock'], healthy);
}
