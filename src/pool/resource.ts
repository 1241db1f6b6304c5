import type { AnyActorRef } from 'xstate';

/** What the pool uses of a statewire connection (WebSocketConnection, SSEConnection, …). */
export interface StatewireConnectionLike {
  attachTo(parent: AnyActorRef, name: string): AnyActorRef;
  readonly actor: AnyActorRef;
  connect?(): Promise<void>;
  isConnected?(): boolean;
  dispose?(): void;
  on?(event: 'close', handler: (event: unknown) => void): unknown;
  off?(event: 'close', handler: (event: unknown) => void): unknown;
}

type Maybe = Record<string, unknown> | null | undefined;

/**
 * A statewire connection: it can run its machine as a slot's child.
 *
 * @example
 * ```ts
 * isStatewireConnection(new WebSocketConnection({ url })); // true
 * ```
 */
export function isStatewireConnection(value: unknown): value is StatewireConnectionLike {
  const v = value as Maybe;
  return typeof v === 'object' && v !== null && typeof v.attachTo === 'function' && 'actor' in v;
}

/**
 * The default validation: `isConnected()` when the resource has it (a dead
 * socket is never handed out), else usable. Synchronous, so the borrow path
 * stays off the actor.
 *
 * @example
 * ```ts
 * defaultValidate({}); // true: nothing to ask
 * ```
 */
export function defaultValidate(value: unknown): boolean {
  const v = value as Maybe;
  return typeof v?.isConnected === 'function' ? (v.isConnected as () => boolean).call(v) === true : true;
}

/**
 * The default health check: `healthCheck()` → `isHealthy` when the resource has it, else the default validation.
 *
 * @example
 * ```ts
 * await defaultHealthCheck(conn); // a ping round trip for a WebSocketConnection
 * ```
 */
export async function defaultHealthCheck(value: unknown): Promise<boolean> {
  const v = value as Maybe;
  if (!defaultValidate(value)) return false;
  if (typeof v?.healthCheck !== 'function') return true;
  const result = (await (v.healthCheck as () => Promise<unknown>).call(v)) as { isHealthy?: unknown } | boolean | undefined;
  return typeof result === 'boolean' ? result : result?.isHealthy === true;
}

/**
 * The default close: `dispose()`, else `close()`, else `disconnect()`, else `destroy()`, else `terminate()`, else nothing.
 *
 * @example
 * ```ts
 * await defaultDestroy(conn);
 * ```
 */
export function defaultDestroy(value: unknown): void | Promise<void> {
  const v = value as Maybe;
  for (const name of ['dispose', 'close', 'disconnect', 'destroy', 'terminate']) {
    const method = v?.[name];
    if (typeof method === 'function') return (method as () => void | Promise<void>).call(v);
  }
}
