import { createMachine, fromPromise, type SnapshotFrom } from 'xstate';
import { backoffMachine, type AttemptInput, type BackoffInput } from './backoff.js';
import type { Jitter } from './backoffDelay.js';

/**
 * The backoff machine entered at `up`, for connections that run their reconnect
 * loop only while they wait (the WebSocket and SSE machines): a loop running for
 * the whole life of a connection costs ~4.8 KB per open connection. The parent
 * invokes it when the link drops or an attempt fails, passing the attempts so far
 * (`attempts`) and the previous wait (`delay`), and tells it `DROPPED` at once
 * (with the server's `retryAfter`, if any). The loop then waits its jittered delay
 * and enters `attempting`, the parent's cue to open again, or ends `exhausted`.
 * The attempt itself is the parent's own state, so the loop's `attempt` actor
 * never settles.
 *
 * @example
 * ```ts
 * import { createActor } from 'xstate';
 * import { reconnectLoop } from 'statewire/machines';
 *
 * const loop = createActor(reconnectLoop, { input: { mode: 'reconnect', attempts: 2, base: 500, seed: 7 } });
 * loop.subscribe((s) => s.matches('attempting') && console.log('open again now'));
 * loop.start();
 * loop.send({ type: 'DROPPED', reason: 'closed 1006' });
 * ```
 */
export const reconnectLoop = createMachine({ ...backoffMachine.config, initial: 'up' }, backoffMachine.implementations).provide({
  actors: { attempt: fromPromise<unknown, AttemptInput>(() => new Promise(() => {})) },
}) as unknown as typeof backoffMachine;

/** What a parent keeps of its loop between waits (the WebSocket and SSE contexts both have it). */
export interface LoopTracking {
  reconnect: {
    base: number;
    factor?: number;
    maxDelay: number;
    maxAttempts: number | null;
    /**
     * Attempts one `CONNECT` may make before its link first opens (seed 000's
     * `retryCount + 1`); `maxAttempts` still applies. Absent or null: `maxAttempts` alone.
     */
    maxConnectAttempts?: number | null;
    minUptime: number;
    jitter: Jitter;
    jitterRatio?: number;
    seed: number;
  };
  /** Attempts since the count last reset. */
  attempts: number;
  /** The wait before the next attempt (ms), while waiting. */
  nextDelay: number;
  /** Whether the link opened since the last `CONNECT`: before, `maxConnectAttempts` bounds the attempts. */
  sessionOpened?: boolean;
}

type LoopSnapshot = SnapshotFrom<typeof backoffMachine>;

/** The loop's snapshot in an `xstate.snapshot.reconnect` event. */
export const loopSnapshotOf = (event: unknown): LoopSnapshot => (event as { snapshot: LoopSnapshot }).snapshot;

/**
 * The pieces a parent's `setup` needs around its `reconnect` child, so the
 * WebSocket and SSE machines wire the loop the same way.
 *
 * @example
 * ```ts
 * setup({ guards: { loopWaiting: loopGlue.isIn('waiting') }, actions: { trackLoop: assign(({ context, event }) => loopGlue.progress(context, event)) } });
 * ```
 */
export const loopGlue = {
  /** Guard: the loop's snapshot is in `state`. */
  isIn:
    (state: 'waiting' | 'attempting') =>
    ({ event }: { event: unknown }): boolean =>
      loopSnapshotOf(event).value === state,
  /** Guard for the loop's `done`: it spent its attempts. */
  exhausted: ({ event }: { event: unknown }): boolean => (event as { output?: { outcome?: string } }).output?.outcome === 'exhausted',
  /** The parent's copy of the loop's count, delay and jitter seed. */
  progress<C extends LoopTracking>(context: C, event: unknown): Partial<C> {
    const { attempts, delay, seed } = loopSnapshotOf(event).context;
    return { attempts, nextDelay: delay, reconnect: { ...context.reconnect, seed } } as Partial<C>;
  },
  /** The `reconnecting` event for a loop that entered `waiting`. */
  reconnecting: (event: unknown) => {
    const { attempts, delay } = loopSnapshotOf(event).context;
    return { type: 'reconnecting' as const, attempt: attempts + 1, delay };
  },
  /** The `max_reconnect_attempts` event for a loop that ended exhausted. */
  gaveUp: (event: unknown) => ({
    type: 'max_reconnect_attempts' as const,
    attempts: (event as { output?: { attempts?: number } }).output?.attempts ?? 0,
  }),
  /** A `CONNECT` starts a session: its first attempt, and the link has not opened yet. */
  startSession: { attempts: 1, sessionOpened: false } as Pick<LoopTracking, 'attempts' | 'sessionOpened'>,
  /** The attempts the loop may reach: `maxConnectAttempts` too while the session never opened. */
  attemptLimit: (context: LoopTracking): number => {
    const { maxAttempts, maxConnectAttempts } = context.reconnect;
    const limit = maxAttempts ?? Infinity;
    return context.sessionOpened === false && maxConnectAttempts != null ? Math.min(limit, maxConnectAttempts) : limit;
  },
  /** The loop's input: resumed with the parent's attempts and last delay; `base` when the server set one. */
  input: (context: LoopTracking, base = context.reconnect.base): BackoffInput => ({
    mode: 'reconnect',
    kind: 'exponential',
    base,
    ...(context.reconnect.factor === undefined ? {} : { factor: context.reconnect.factor }),
    maxDelay: context.reconnect.maxDelay,
    maxAttempts: loopGlue.attemptLimit(context),
    minUptime: context.reconnect.minUptime,
    jitter: context.reconnect.jitter,
    ...(context.reconnect.jitterRatio === undefined ? {} : { jitterRatio: context.reconnect.jitterRatio }),
    seed: context.reconnect.seed,
    attempts: context.attempts,
    delay: context.nextDelay,
  }),
};
