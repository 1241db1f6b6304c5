import { assign, setup } from 'xstate';
import { backoffDelay, defaultBackoffPolicy, type BackoffPolicy, type Jitter } from './backoffDelay.js';
import { nextRandom } from './random.js';

/** A connection's reconnect options, as the WebSocket and SSE contexts keep them. Durations in ms. */
export interface ReconnectPolicy {
  base: number;
  factor?: number;
  maxDelay: number;
  /** Attempts the count may reach; null for no limit (`Infinity` does not survive JSON). */
  maxAttempts: number | null;
  /**
   * Attempts one `CONNECT` may make before its link first opens (seed 000's
   * `retryCount + 1`); `maxAttempts` still applies. Absent or null: `maxAttempts` alone.
   */
  maxConnectAttempts?: number | null;
  /** A link that stayed up this long resets the count. */
  minUptime: number;
  jitter: Jitter;
  jitterRatio?: number;
}

/**
 * The loop's count, which a parent keeps between the loop's runs (as `LoopTracking`) (the loop runs
 * only while the link is down: a child for the whole life of a connection would
 * cost ~4.8 KB per open connection). The parent never computes with it: it hands
 * the record it got back (as `output`, or in the loop's snapshot) to the next run.
 */
export interface LoopRecord {
  /** Attempts started since the count last reset (the one in progress included). */
  attempts: number;
  /** The last wait (ms), which `decorrelated` jitter grows from. */
  delay: number;
  /** The next seed of the jitter sequence. */
  seed: number;
}

/** Why the link is down, as the parent tells the loop when it starts it. */
export type LoopCause =
  /** An attempt failed (refused, timed out, answered without a link). */
  | { type: 'FAILED'; reason: string }
  /** A link that opened ended, after `upFor` ms (null when its times were not given). */
  | { type: 'DROPPED'; reason: string; upFor: number | null }
  /** The network went away during the attempt: it is not spent. */
  | { type: 'ABANDONED' }
  /** The network went away during a wait: nothing to count. */
  | { type: 'PAUSED' };

export interface ReconnectLoopInput {
  policy: ReconnectPolicy;
  record: LoopRecord;
  cause: LoopCause;
  /** Whether the link opened since the last `CONNECT`: until it does, `maxConnectAttempts` bounds the attempts. */
  sessionOpened: boolean;
  /** No network: wait for `RETRY_NOW` (the network is back) instead of a delay, and give up on nothing. */
  offline?: boolean;
  /** The first delay when the server set one (SSE `retry:`); default `policy.base`. */
  base?: number;
}

export interface ReconnectLoopContext extends LoopRecord {
  policy: BackoffPolicy;
  /** The attempts the count may reach; null for no limit. */
  maxAttempts: number | null;
  offline: boolean;
  /** Why the link went down, for the inspector. */
  reason: string | null;
  outcome: ReconnectLoopOutput['outcome'] | null;
}

export type ReconnectLoopEvent =
  /** Skip the rest of the wait (the health check answered, the network came back). */
  | { type: 'RETRY_NOW' }
  /**
   * Sent after restoring a snapshot: XState drops pending timers on restore, so a
   * restored `waiting` waits its whole `delay` again (the loop keeps no clock).
   */
  | { type: 'RESUME' };

/** The record to keep, and whether the parent opens now (`attempting`) or gives up (`exhausted`). */
export interface ReconnectLoopOutput extends LoopRecord {
  outcome: 'attempting' | 'exhausted';
}

/** Whether a link that was up `upFor` ms lasted: the one minUptime rule. */
export const lasted = (minUptime: number, upFor: number | null | undefined): boolean => upFor != null && upFor >= minUptime;

/** A `CONNECT` starts a session: its first attempt (the jitter sequence goes on), and the link has not opened yet. */
export const sessionStart = { attempts: 1, sessionOpened: false, down: null } satisfies Partial<LoopTracking>;

/**
 * The attempts to show now: 0 once the link that is up (`upFor` ms so far) or the
 * link that last dropped (`cause`) lasted `minUptime`; else the record's count.
 *
 * @example
 * ```ts
 * attemptsShown(actor.getSnapshot().context, 6_000); // 0 with minUptime 5000: the link that is up lasted
 * ```
 */
export function attemptsShown(context: LoopTracking, upFor: number | null): number {
  const { minUptime } = context.reconnect;
  if (lasted(minUptime, upFor)) return 0;
  return upFor === null && context.down?.type === 'DROPPED' && lasted(minUptime, context.down.upFor) ? 0 : context.attempts;
}

/** The count the cause leaves: a failure is spent, a lasting drop resets, an abandoned attempt is given back. */
function countAfter({ record, cause, policy }: ReconnectLoopInput): number {
  if (cause.type === 'ABANDONED') return Math.max(0, record.attempts - 1);
  if (cause.type === 'DROPPED' && lasted(policy.minUptime, cause.upFor)) return 0;
  return record.attempts;
}

function limitOf({ policy, sessionOpened }: ReconnectLoopInput): number | null {
  const connectLimit = sessionOpened ? null : (policy.maxConnectAttempts ?? null);
  if (policy.maxAttempts === null) return connectLimit;
  return connectLimit === null ? policy.maxAttempts : Math.min(policy.maxAttempts, connectLimit);
}

/**
 * The reconnect loop of a WebSocket or SSE connection: `down → waiting →
 * attempting | exhausted`, or `down → paused → attempting` while offline.
 *
 * The parent invokes it when its link goes down, with the record it kept and the
 * cause. `down` (transient) counts the cause: the one owner of the attempt count
 * and of `minUptime`. It then waits the policy's jittered delay
 * (`backoffDelay`, exponential from `base`, which a server's `retry:` may set)
 * and ends in `attempting`, the parent's cue to open again, its count one up; or
 * it ends `exhausted` when the attempts are spent. Both hand the record back as
 * the output.
 *
 * @example
 * ```ts
 * import { createActor } from 'xstate';
 * import { reconnectLoop } from 'statewire/machines';
 *
 * const loop = createActor(reconnectLoop, { input: {
 *   policy: { base: 500, maxDelay: 30_000, maxAttempts: 5, minUptime: 5_000, jitter: 'equal' },
 *   record: { attempts: 1, delay: 0, seed: 7 }, cause: { type: 'FAILED', reason: 'refused' }, sessionOpened: false,
 * } });
 * loop.subscribe({ complete: () => console.log(loop.getSnapshot().output) }); // { outcome: 'attempting', attempts: 2, … }
 * loop.start();
 * ```
 */
export const reconnectLoop = setup({
  types: {
    input: {} as ReconnectLoopInput,
    context: {} as ReconnectLoopContext,
    events: {} as ReconnectLoopEvent,
    output: {} as ReconnectLoopOutput,
  },
  delays: {
    backoffDelay: ({ context }) => context.delay,
  },
  guards: {
    isOffline: ({ context }) => context.offline,
    hasAttemptsLeft: ({ context }) => context.maxAttempts === null || context.attempts < context.maxAttempts,
  },
  actions: {
    // The next wait: the policy's delay for the attempts spent, jittered with the seeded draw.
    schedule: assign(({ context }) => {
      const [r, seed] = nextRandom(context.seed);
      return { delay: backoffDelay(context.policy, Math.max(1, context.attempts), r, context.delay), seed };
    }),
  },
}).createMachine({
  id: 'reconnectLoop',
  context: ({ input }) => ({
    policy: {
      ...defaultBackoffPolicy,
      kind: 'exponential',
      base: input.base ?? input.policy.base,
      factor: input.policy.factor ?? defaultBackoffPolicy.factor,
      maxDelay: input.policy.maxDelay,
      jitter: input.policy.jitter,
      jitterRatio: input.policy.jitterRatio ?? defaultBackoffPolicy.jitterRatio,
    },
    maxAttempts: limitOf(input),
    offline: input.offline === true,
    attempts: countAfter(input),
    delay: input.record.delay,
    seed: input.record.seed,
    reason: input.cause.type === 'FAILED' || input.cause.type === 'DROPPED' ? input.cause.reason.slice(0, 200) : null,
    outcome: null,
  }),
  initial: 'down',
  states: {
    down: {
      always: [
        // Offline nothing is attempted, so nothing is spent: the network's return is the cue.
        { guard: 'isOffline', target: 'paused' },
        { guard: 'hasAttemptsLeft', target: 'waiting', actions: 'schedule' },
        { target: 'exhausted' },
      ],
    },
    waiting: {
      after: { backoffDelay: 'attempting' },
      on: { RETRY_NOW: 'attempting', RESUME: { target: 'waiting', reenter: true } },
    },
    paused: { on: { RETRY_NOW: 'attempting' } },
    attempting: { type: 'final', entry: assign({ attempts: ({ context }) => context.attempts + 1, outcome: 'attempting' as const }) },
    exhausted: { type: 'final', entry: assign({ outcome: 'exhausted' as const }) },
  },
  // Every final state sets `outcome` on entry.
  output: ({ context }) => ({ outcome: context.outcome!, attempts: context.attempts, delay: context.delay, seed: context.seed }),
});

/**
 * What a parent keeps of its loop between runs (the WebSocket and SSE contexts
 * both have it): the loop's record as its last run handed it back (`attempts`,
 * `nextDelay`, `reconnect.seed`), and what the next run needs to know.
 */
export interface LoopTracking {
  reconnect: ReconnectPolicy & { seed: number };
  /** The loop's count (see {@link LoopRecord}). */
  attempts: number;
  /** The loop's last wait (ms). */
  nextDelay: number;
  /** Whether the link opened since the last `CONNECT`: before, `maxConnectAttempts` bounds the attempts. */
  sessionOpened: boolean;
  /** Why the link last went down (the next run's cause); null while a link is tried or up. */
  down: LoopCause | null;
}

/** A parent's reconnect options without the seed (which travels in the record). */
export function policyOf(reconnect: LoopTracking['reconnect']): ReconnectPolicy {
  const { seed: _seed, ...policy } = reconnect;
  return policy;
}

/** The record a parent keeps, as the loop's input takes it. */
export const recordOf = (context: LoopTracking): LoopRecord => ({ attempts: context.attempts, delay: context.nextDelay, seed: context.reconnect.seed });

/** The parent's copy of a record the loop handed back (its snapshot's context or its output). */
export const trackedOf = <C extends LoopTracking>(context: C, record: LoopRecord): Pick<C, 'attempts' | 'nextDelay' | 'reconnect'> => ({
  attempts: record.attempts,
  nextDelay: record.delay,
  reconnect: { ...context.reconnect, seed: record.seed },
});
