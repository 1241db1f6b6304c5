import { and, assign, fromPromise, setup } from 'xstate';
import { backoffDelay, defaultBackoffPolicy, type BackoffPolicy } from './backoffDelay.js';
import { nextRandom } from './random.js';
import { definedOnly } from './definedOnly.js';

/** Input of the backoff machine. Durations in milliseconds. */
export interface BackoffInput extends Partial<BackoffPolicy> {
  /** Attempts before giving up; `Infinity` for no limit. Default `Infinity`. */
  maxAttempts?: number;
  /**
   * `retry`: the first success ends the loop (`done`).
   * `reconnect`: a success moves to `up`; a later `DROPPED` starts waiting again.
   */
  mode?: 'retry' | 'reconnect';
  /** How long a success must last before the attempt count resets (ms). Default 5000. */
  minUptime?: number;
  /** First seed of the jitter sequence (the runtime draws it). Default 1. */
  seed?: number;
  /**
   * Attempts already counted, for a parent that runs the loop only while it waits
   * (the WebSocket machine resumes it at `up` after each drop or failure). Default 0.
   */
  attempts?: number;
  /** The previous wait (ms), which `decorrelated` jitter grows from. Default 0. */
  delay?: number;
}

export interface BackoffContext {
  policy: BackoffPolicy;
  /** Attempt limit; `null` means none (`Infinity` does not survive JSON). */
  maxAttempts: number | null;
  mode: 'retry' | 'reconnect';
  minUptime: number;
  /** Attempts started since the count last reset. */
  attempts: number;
  /** The delay of the current (or last) wait, ms. */
  delay: number;
  /** True when `delay` was given by the server (Retry-After, SSE `retry:`). */
  serverDelay: boolean;
  seed: number;
  /** `name: message` of the last failure, for the inspector. */
  lastError: string | null;
  /** How the loop ended; null while it runs. */
  outcome: BackoffOutput['outcome'] | null;
}

/** A failure's server-given delay: an error (or event) with a numeric `retryAfter` in ms. */
export interface RetryAfterHint {
  retryAfter?: number;
}

export type BackoffEvent =
  /**
   * The attempt's outcome, told by a parent that runs the attempt itself (the
   * WebSocket machine opens its own socket) instead of through the `attempt` actor.
   */
  | { type: 'SUCCEEDED' }
  | { type: 'FAILED'; error: unknown }
  /** Skip the rest of the wait (the health check answered, the browser came online). */
  | { type: 'RETRY_NOW' }
  /** In `reconnect` mode: the connection that succeeded went down. */
  | { type: 'DROPPED'; retryAfter?: number; reason?: string }
  /** Give up now (the user closed, the caller aborted). */
  | { type: 'STOP' }
  /**
   * Sent after restoring a snapshot: XState drops pending timers on restore, so a
   * restored `waiting` (or `up.unstable`) re-arms its timer, for the whole `delay`
   * (or `minUptime`): the loop keeps no clock, so a restored wait is at most one
   * wait late, never stuck.
   */
  | { type: 'RESUME' };

/** Output when the machine reaches a final state. */
export interface BackoffOutput {
  outcome: 'done' | 'exhausted' | 'stopped';
  attempts: number;
}

/** Input the `attempt` actor receives: which attempt this is (1-based). */
export interface AttemptInput {
  attempt: number;
}

function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`.slice(0, 200);
  return String(error).slice(0, 200);
}

function serverDelayOf(hint: unknown): number | undefined {
  const ms = (hint as RetryAfterHint | null | undefined)?.retryAfter;
  return typeof ms === 'number' && ms >= 0 && Number.isFinite(ms) ? ms : undefined;
}

/** Next wait: the server's delay (capped, no jitter) or the policy's, jittered with the seeded draw. */
function scheduleNext(context: BackoffContext, hint: unknown): Partial<BackoffContext> {
  const given = serverDelayOf(hint);
  if (given !== undefined) {
    return { delay: Math.min(context.policy.maxDelay, given), serverDelay: true };
  }
  const [r, seed] = nextRandom(context.seed);
  const n = Math.max(1, context.attempts);
  return { delay: backoffDelay(context.policy, n, r, context.delay), serverDelay: false, seed };
}

/**
 * The reconnect / retry loop: `attempting ⇄ waiting → done | exhausted | stopped`,
 * with `up` (unstable → stable) between attempts in `reconnect` mode.
 *
 * `attempting` invokes the `attempt` actor that `src/` provides (a request), or,
 * when a parent runs the attempt itself (the WebSocket machine opening its
 * socket), waits for the parent's `SUCCEEDED` / `FAILED`. A failure waits `delay` (exponential, linear or constant, capped, then
 * jittered) unless the attempts are spent or the `isRetryable` guard (provided by
 * `src/`, e.g. from `shouldRetry(error)`) says no. A numeric `retryAfter` on the
 * error replaces the computed delay. The attempt count resets only once a success
 * has lasted `minUptime`, so a server that accepts and drops at once cannot cause a
 * tight loop.
 *
 * @example
 * ```ts
 * import { createActor, fromPromise } from 'xstate';
 * import { backoffMachine } from 'statewire/machines';
 *
 * const loop = createActor(
 *   backoffMachine.provide({ actors: { attempt: fromPromise(async () => fetch('http://127.0.0.1:8080/')) } }),
 *   { input: { maxAttempts: 5, base: 200, mode: 'retry' } },
 * );
 * loop.subscribe({ complete: () => console.log(loop.getSnapshot().value), error: console.error });
 * loop.start();
 * ```
 */
export const backoffMachine = setup({
  types: {
    input: {} as BackoffInput | undefined,
    context: {} as BackoffContext,
    events: {} as BackoffEvent,
    output: {} as BackoffOutput,
  },
  actors: {
    // src/ provides the real attempt; this default fails loudly rather than pretending.
    attempt: fromPromise<unknown, AttemptInput>(async () => {
      throw new Error('backoffMachine: no `attempt` actor provided; use backoffMachine.provide({ actors: { attempt } })');
    }),
  },
  delays: {
    backoffDelay: ({ context }) => context.delay,
    minUptime: ({ context }) => context.minUptime,
  },
  guards: {
    hasAttemptsLeft: ({ context }) => context.maxAttempts === null || context.attempts < context.maxAttempts,
    // Replaced by src/ with the caller's shouldRetry(error); the event carries the error.
    isRetryable: () => true,
    isReconnect: ({ context }) => context.mode === 'reconnect',
  },
  actions: {
    countAttempt: assign({ attempts: ({ context }) => context.attempts + 1 }),
    resetAttempts: assign({ attempts: 0 }),
    scheduleAfterError: assign(({ context, event }) => ({
      // Same for the attempt actor's error event and a parent's FAILED: both carry `error`.
      ...scheduleNext(context, (event as unknown as { error: unknown }).error),
      lastError: describeError((event as unknown as { error: unknown }).error),
    })),
    scheduleAfterDrop: assign(({ context, event }) => ({
      ...scheduleNext(context, event),
      // Wired to DROPPED only.
      lastError: (event as Extract<BackoffEvent, { type: 'DROPPED' }>).reason?.slice(0, 200) || context.lastError,
    })),
    recordError: assign({
      lastError: ({ event }) => describeError((event as unknown as { error: unknown }).error),
    }),
  },
}).createMachine({
  id: 'backoff',
  // Typed, so the policy's fields have one declaration each (the spread's inferred type lists each twice; typedoc warns).
  context: ({ input }): BackoffContext => {
    const { maxAttempts, mode, minUptime, seed, attempts, delay, ...policy } = input ?? {};
    const given = definedOnly(policy);
    return {
      policy: { ...defaultBackoffPolicy, increment: given.base ?? defaultBackoffPolicy.increment, ...given },
      maxAttempts: maxAttempts === undefined || maxAttempts === Infinity ? null : maxAttempts,
      mode: mode ?? 'retry',
      minUptime: minUptime ?? 5000,
      attempts: attempts ?? 0,
      delay: delay ?? 0,
      serverDelay: false,
      seed: seed ?? 1,
      lastError: null,
      outcome: null,
    };
  },
  initial: 'attempting',
  on: {
    STOP: '.stopped',
  },
  states: {
    attempting: {
      entry: 'countAttempt',
      invoke: {
        id: 'attempt',
        src: 'attempt',
        input: ({ context }) => ({ attempt: context.attempts }),
        onDone: [{ guard: 'isReconnect', target: 'up' }, { target: 'done' }],
        onError: [
          {
            guard: and(['hasAttemptsLeft', 'isRetryable']),
            target: 'waiting',
            actions: 'scheduleAfterError',
          },
          { target: 'exhausted', actions: 'recordError' },
        ],
      },
      on: {
        SUCCEEDED: [{ guard: 'isReconnect', target: 'up' }, { target: 'done' }],
        FAILED: [
          { guard: and(['hasAttemptsLeft', 'isRetryable']), target: 'waiting', actions: 'scheduleAfterError' },
          { target: 'exhausted', actions: 'recordError' },
        ],
      },
    },
    waiting: {
      after: { backoffDelay: 'attempting' },
      on: { RETRY_NOW: 'attempting', RESUME: { target: 'waiting', reenter: true } },
    },
    up: {
      initial: 'unstable',
      states: {
        unstable: { after: { minUptime: 'stable' }, on: { RESUME: { target: 'unstable', reenter: true } } },
        stable: { entry: 'resetAttempts' },
      },
      on: {
        DROPPED: [
          { guard: 'hasAttemptsLeft', target: 'waiting', actions: 'scheduleAfterDrop' },
          { target: 'exhausted' },
        ],
      },
    },
    done: { type: 'final', entry: assign({ outcome: 'done' as const }) },
    exhausted: { type: 'final', entry: assign({ outcome: 'exhausted' as const }) },
    stopped: { type: 'final', entry: assign({ outcome: 'stopped' as const }) },
  },
  // Every final state sets `outcome` on entry.
  output: ({ context }) => ({ outcome: context.outcome!, attempts: context.attempts }),
});
