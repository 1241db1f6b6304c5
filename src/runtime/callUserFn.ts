import { StatewireError } from '../errors.js';

/**
 * A callback of the caller's (an option such as `delivery.ackId`, or an `on(…)`
 * handler) threw or rejected. The connection reports it (an `error` event and an
 * `onEvent` event with severity `error`) and goes on; `cause` is what was thrown.
 *
 * @example
 * ```ts
 * conn.on('error', (e) => { if (e instanceof CallbackError) console.warn(e.callback, e.cause); });
 * ```
 */
export class CallbackError extends StatewireError {
  override name = 'CallbackError';
  readonly isCallbackError = true as const;
  /** Which callback threw: the option's name (`delivery.ackId`, `onOpen`) or `'<event>' handler`. */
  readonly callback: string;

  constructor(owner: string, callback: string, cause: unknown) {
    super(`${owner}: ${callback} threw: ${describe(cause)}`, { cause });
    this.callback = callback;
  }
}

function describe(thrown: unknown): string {
  if (thrown instanceof Error) return `${thrown.name}: ${thrown.message}`;
  try {
    return String(thrown);
  } catch {
    return 'a value that cannot be shown';
  }
}

/**
 * Who is told about a user callback that threw: the connection that called it.
 * Implementations report it (an `error` event, `onEvent` with severity `error`)
 * and must not throw.
 *
 * @example
 * ```ts
 * const sink: CallbackSink = { callbackFailed: (callback, error) => console.error(callback, error) };
 * ```
 */
export interface CallbackSink {
  /**
   * @internal As `PersistentConnection.callbackFailed` is: the published declarations leave both
   * out, so `WebSocketConnection implements CallbackSink` still holds there.
   */
  callbackFailed(callback: string, error: unknown): void;
}

/**
 * Calls a user callback with one argument, contained: a throw is handed to
 * `sink` and `fallback` is returned instead, so the caller goes on as if the
 * callback had given the default answer. A direct call in a try/catch: cheap
 * enough for the per-message path (no closure, no allocation).
 *
 * @example
 * ```ts
 * const id = callUserFn(this, 'delivery.ackId', delivery.ackId, message, undefined);
 * ```
 */
export function callUserFn<A, R, F>(sink: CallbackSink, callback: string, fn: (arg: A) => R, arg: A, fallback: F): R | F {
  try {
    return fn(arg);
  } catch (error) {
    sink.callbackFailed(callback, error);
    return fallback;
  }
}

/**
 * Awaits a user callback that may return a promise, contained like
 * {@link callUserFn}: resolves true when it completed, false when it threw or
 * rejected (reported to `sink`). Never rejects.
 *
 * @example
 * ```ts
 * if (!(await callUserFnAsync(this, 'onOpen', onOpen, view))) socket.terminate();
 * ```
 */
export async function callUserFnAsync<A>(sink: CallbackSink, callback: string, fn: (arg: A) => unknown, arg: A): Promise<boolean> {
  try {
    await fn(arg);
    return true;
  } catch (error) {
    sink.callbackFailed(callback, error);
    return false;
  }
}
