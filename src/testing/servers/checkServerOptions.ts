import { bool, fn, num, optional, record, str, validateOptions } from '../../config/validate.js';
import { ConfigError } from '../../errors.js';

/**
 * The fault servers check what they are given when they are built, as every
 * statewire client does: a misspelt option (`acks`, `scripts`) or a step the
 * server could never answer (`status: 42`) is a ConfigError naming it, with a
 * did-you-mean, instead of a server that ignores it or a crash inside a request.
 *
 * @module
 */

const port = optional(num({ integer: true, min: 0, max: 65_535 }));
const path = optional(str({ nonEmpty: true }));
const ms = optional(num({ min: 0, max: 3_600_000, unit: 'ms' }));

const webSocketSpec = { port, path, autoPong: optional(bool()), echo: optional(bool()), rejectUpgrade: optional(num({ integer: true, min: 100, max: 599 })), delay: ms, onConnection: optional(fn()), onMessage: optional(fn()) };
const sseSpec = { port, path, autoId: optional(bool()), retry: ms, perConnection: optional(num({ integer: true, min: 1 })), hold: optional(bool()), resume: optional(bool()) };
const stepSpec = {
  status: optional(num({ integer: true, min: 100, max: 599 })),
  headers: optional(record(str())),
  delay: ms,
  redirect: optional(str({ nonEmpty: true })),
  hang: optional(bool()),
  reset: optional(bool()),
};

/**
 * Checks `new FaultWebSocketServer(options)`'s options (`ack` and `health` are checked by their shape).
 *
 * @example
 * ```ts
 * checkWebSocketServerOptions({ acks: true }); // ConfigError: unknown option 'acks' (did you mean 'ack'?)
 * ```
 */
export function checkWebSocketServerOptions(options: unknown): void {
  validateOptions('FaultWebSocketServer', options, webSocketSpec, { accept: ['ack', 'health'] });
  const { ack, health } = (options ?? {}) as { ack?: unknown; health?: unknown };
  if (ack !== undefined && typeof ack !== 'boolean' && (typeof ack !== 'object' || ack === null)) {
    throw new ConfigError('ack', ack, 'expected true, false or an AckProtocol object', { owner: 'FaultWebSocketServer' });
  }
  if (health !== undefined && typeof health !== 'function' && !(Number.isInteger(health) && (health as number) >= 100 && (health as number) <= 599)) {
    throw new ConfigError('health', health, 'expected an HTTP status (100–599) or a function returning one', { owner: 'FaultWebSocketServer' });
  }
}

/**
 * Checks `new FaultSseServer(options)`'s options (`events` must be an array).
 *
 * @example
 * ```ts
 * checkSseServerOptions({ event: [] }); // ConfigError: unknown option 'event' (did you mean 'events'?)
 * ```
 */
export function checkSseServerOptions(options: unknown): void {
  validateOptions('FaultSseServer', options, sseSpec, { accept: ['events'] });
  const events = (options as { events?: unknown } | undefined)?.events;
  if (events !== undefined && !Array.isArray(events)) throw new ConfigError('events', events, 'expected an array of events', { owner: 'FaultSseServer' });
}

/**
 * Checks `new FlakyHttpServer(options)`'s options and every scripted step.
 *
 * @example
 * ```ts
 * checkHttpServerOptions({ script: { '/a': [{ status: 42 }] } }); // ConfigError naming script['/a'][0].status
 * ```
 */
export function checkHttpServerOptions(options: unknown): void {
  validateOptions('FlakyHttpServer', options, { port }, { accept: ['script', 'fallback'] });
  const { script, fallback } = (options ?? {}) as { script?: unknown; fallback?: unknown };
  if (script !== undefined) {
    if (typeof script !== 'object' || script === null || Array.isArray(script)) throw new ConfigError('script', script, "expected { [path]: steps }, e.g. { '/users': [{ status: 503 }] }", { owner: 'FlakyHttpServer' });
    for (const [at, steps] of Object.entries(script)) checkScript(at, steps, `script['${at}']`);
  }
  if (fallback !== undefined) checkStep(fallback, 'fallback');
}

/**
 * Checks the steps given to `server.script(path, ...steps)`.
 *
 * @example
 * ```ts
 * checkScript('users', [{}], "script('users')"); // ConfigError: expected a path starting with '/', or '*'
 * ```
 */
export function checkScript(at: string, steps: unknown, where: string): void {
  if (at !== '*' && !at.startsWith('/')) throw new ConfigError(where, at, "expected a path starting with '/' (without its query), or '*' for any path", { owner: 'FlakyHttpServer' });
  if (!Array.isArray(steps)) throw new ConfigError(where, steps, 'expected an array of steps', { owner: 'FlakyHttpServer' });
  steps.forEach((step, i) => checkStep(step, `${where}[${i}]`));
}

/** One step: known fields only, a status the server can send, a Retry-After a header can carry. */
export function checkStep(step: unknown, where: string): void {
  try {
    validateOptions('FlakyHttpServer', step, stepSpec, { accept: ['body', 'retryAfter'] });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    throw new ConfigError(`${where}.${error.option}`, error.value, error.reason, { owner: 'FlakyHttpServer', hint: error.hint, cause: error });
  }
  const retryAfter = (step as { retryAfter?: unknown }).retryAfter;
  if (retryAfter !== undefined && !(typeof retryAfter === 'string' || (Number.isInteger(retryAfter) && (retryAfter as number) >= 0))) {
    throw new ConfigError(`${where}.retryAfter`, retryAfter, 'expected whole delta-seconds (≥ 0) or an HTTP date string', { owner: 'FlakyHttpServer' });
  }
}
