/**
 * The part of a node-redis client (`redis` 5.x / 6.x, `createClient()`) that
 * statewire/redis uses. Structural, so statewire imports nothing from `redis`
 * at run time: the user's own client is passed in, and any client with these
 * members works.
 *
 * @example
 * ```ts
 * import { createClient } from 'redis';
 * const client: RedisLike = await createClient({ url: 'redis://127.0.0.1:6379' }).connect();
 * ```
 */
export interface RedisLike {
  /** Connected and ready for commands (node-redis `isReady`): no command is sent otherwise. */
  readonly isReady: boolean;
  /** A raw command; `options.timeout` / `abortSignal` end it while still queued. */
  sendCommand(args: ReadonlyArray<string>, options?: { timeout?: number; abortSignal?: AbortSignal }): Promise<unknown>;
  /** A new client with the same options (statewire's own, for pub/sub). */
  duplicate(): RedisLike;
  connect(): Promise<unknown>;
  subscribe(channels: string, listener: (message: string, channel: string) => void): Promise<void>;
  on(event: string, listener: (...args: any[]) => void): unknown;
  off(event: string, listener: (...args: any[]) => void): unknown;
  /** node-redis 5: closes at once (rejects pending commands). */
  destroy?(): unknown;
  /** Older name of `destroy`. */
  disconnect?(): Promise<void>;
}
