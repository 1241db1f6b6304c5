import { assign, emit, setup } from 'xstate';
import { sharedStateSlot, spawnSharedState, type SharedChildInput } from './sharedStateChild.js';

/** One category's token bucket: a steady rate and the burst it may save up. */
export interface RateLimit {
  tokensPerSecond: number;
  burstCapacity: number;
}

/**
 * The seed's categories and their defaults (seed 004 shows `api: 20/s, burst 30`).
 *
 * @example
 * ```ts
 * defaultRateLimits.heavy; // { tokensPerSecond: 2, burstCapacity: 5 }
 * ```
 */
export const defaultRateLimits: Readonly<Record<string, RateLimit>> = {
  api: { tokensPerSecond: 20, burstCapacity: 30 },
  heavy: { tokensPerSecond: 2, burstCapacity: 5 },
  streaming: { tokensPerSecond: 10, burstCapacity: 20 },
  control: { tokensPerSecond: 50, burstCapacity: 100 },
};

export interface RateLimiterInput extends SharedChildInput {
  /** Categories to add or override; the four seed categories are always present. */
  limits?: Record<string, Partial<RateLimit>>;
}

export interface RateLimiterContext {
  limits: Record<string, RateLimit>;
  /** Server-imposed pauses: category (or `*` for all) → absolute end, epoch ms. */
  pausedUntil: Record<string, number>;
  /** Delay of the pending resume timer (ms). */
  resumeIn: number;
  /** The last rejection episode, for the inspector. */
  lastLimited: { category: string; retryAfter: number; at: number } | null;
}

export type RateLimiterEvent =
  | { type: 'ENABLE' }
  | { type: 'DISABLE' }
  /** A server said "wait" (429/503 Retry-After): pause one category, or all with `*`. */
  | { type: 'PAUSE'; category: string; ms: number; at: number }
  /** Set one category's limit at run time (the seed's `limits.api.tokensPerSecond = 10`). */
  | { type: 'CONFIGURE'; category: string; limit: RateLimit }
  /** A category started rejecting; sent once per episode, not once per rejected take. */
  | { type: 'LIMITED'; category: string; retryAfter: number; at: number }
  /**
   * Sent after restoring a snapshot: re-arms a pause's resume timer for the time
   * left until its absolute end (XState drops pending timers on restore).
   */
  | { type: 'RESUME'; at: number };

export type RateLimiterEmitted =
  | { type: 'rate_limited'; category: string; retryAfter: number }
  | { type: 'rate_limiter_paused'; category: string; until: number }
  | { type: 'rate_limiter_resumed' };

function mergeLimits(extra: RateLimiterInput['limits']): Record<string, RateLimit> {
  const limits: Record<string, RateLimit> = {};
  for (const [name, limit] of Object.entries(defaultRateLimits)) limits[name] = { ...limit };
  for (const [name, limit] of Object.entries(extra ?? {})) {
    const base = limits[name] ?? defaultRateLimits.api!;
    limits[name] = {
      tokensPerSecond: limit.tokensPerSecond ?? base.tokensPerSecond,
      burstCapacity: limit.burstCapacity ?? base.burstCapacity,
    };
  }
  return limits;
}

/** The event an action is wired to (each action below handles one event type). */
const eventOf = <T extends RateLimiterEvent['type']>(event: RateLimiterEvent) => event as Extract<RateLimiterEvent, { type: T }>;

/** The latest end among the pauses (0 when there are none). */
const latestEnd = (pausedUntil: Record<string, number>) => Math.max(0, ...Object.values(pausedUntil));

/**
 * The rate limiter: `limiting` (enabled ⇄ disabled) ∥ `server` (running ⇄ paused).
 *
 * The tokens themselves are the hot path and never pass through the actor: the
 * runtime (`src/rateLimiter`) takes from plain token buckets built from
 * `context.limits`, at O(1) with no timer. The machine holds what changes rarely and
 * what a person wants to see: the limits, whether limiting is on, server-imposed
 * pauses (kept as absolute deadlines so a restored snapshot stays right; a server's
 * Retry-After is honoured even with limiting off), and the last time a category ran
 * dry.
 *
 * @example
 * ```ts
 * import { createActor } from 'xstate';
 * import { rateLimiterMachine } from 'statewire/machines';
 *
 * const limiter = createActor(rateLimiterMachine, { input: { limits: { search: { tokensPerSecond: 5, burstCapacity: 5 } } } });
 * limiter.subscribe({ error: console.error });
 * limiter.start();
 * limiter.send({ type: 'PAUSE', category: 'api', ms: 2000, at: Date.now() });
 * limiter.getSnapshot().value; // { limiting: 'enabled', server: 'paused' }
 * ```
 */
export const rateLimiterMachine = setup({
  types: {
    input: {} as RateLimiterInput | undefined,
    context: {} as RateLimiterContext,
    events: {} as RateLimiterEvent,
    emitted: {} as RateLimiterEmitted,
  },
  // A client shared through a store shows its view of the store as this child (src/ provides it).
  actors: { sharedState: sharedStateSlot },
  delays: {
    resumeIn: ({ context }) => context.resumeIn,
  },
  actions: {
    // Each action is wired to one event type only (below), so it reads that event
    // directly: no dead `event.type` branches.
    pause: assign(({ context, event }) => {
      const { at, ms, category } = eventOf<'PAUSE'>(event);
      const pausedUntil = { ...context.pausedUntil };
      pausedUntil[category] = Math.max(pausedUntil[category] ?? 0, at + ms);
      return { pausedUntil, resumeIn: Math.max(0, latestEnd(pausedUntil) - at) };
    }),
    emitPaused: emit(({ context, event }) => {
      const { category } = eventOf<'PAUSE'>(event);
      return { type: 'rate_limiter_paused' as const, category, until: context.pausedUntil[category]! };
    }),
    rearm: assign(({ context, event }) => ({
      resumeIn: Math.max(0, latestEnd(context.pausedUntil) - eventOf<'RESUME'>(event).at),
    })),
    // The resume timer fires at the latest deadline, so every pause has ended.
    resume: assign({ pausedUntil: {}, resumeIn: 0 }),
    emitResumed: emit({ type: 'rate_limiter_resumed' as const }),
    configure: assign(({ context, event }) => {
      const { category, limit } = eventOf<'CONFIGURE'>(event);
      return { limits: { ...context.limits, [category]: { ...limit } } };
    }),
    recordLimited: assign(({ event }) => {
      const { category, retryAfter, at } = eventOf<'LIMITED'>(event);
      return { lastLimited: { category, retryAfter, at } };
    }),
    emitLimited: emit(({ event }) => {
      const { category, retryAfter } = eventOf<'LIMITED'>(event);
      return { type: 'rate_limited' as const, category, retryAfter };
    }),
  },
}).createMachine({
  id: 'rateLimiter',
  // With `input.sharedState`: the `sharedState` child (typed for any client machine, as adoptChild is).
  entry: spawnSharedState as never,
  context: ({ input }) => ({
    limits: mergeLimits(input?.limits),
    pausedUntil: {},
    resumeIn: 0,
    lastLimited: null,
  }),
  type: 'parallel',
  on: {
    CONFIGURE: { actions: 'configure' },
    LIMITED: { actions: ['recordLimited', 'emitLimited'] },
  },
  states: {
    /** Whether the token buckets are applied at all (`disable()` grants every take). */
    limiting: {
      initial: 'enabled',
      states: {
        enabled: { on: { DISABLE: 'disabled' } },
        disabled: { on: { ENABLE: 'enabled' } },
      },
    },
    /** Server-imposed waits (Retry-After): honoured even while limiting is disabled. */
    server: {
      initial: 'running',
      // PAUSE lives on the children: re-entering the region itself would re-enter
      // the whole parallel machine and reset `limiting` to enabled.
      states: {
        running: {
          on: { PAUSE: { target: 'paused', actions: ['pause', 'emitPaused'] } },
        },
        paused: {
          on: {
            PAUSE: { target: 'paused', reenter: true, actions: ['pause', 'emitPaused'] },
            RESUME: { target: 'paused', reenter: true, actions: 'rearm' },
          },
          after: { resumeIn: { target: 'running', actions: ['resume', 'emitResumed'] } },
        },
      },
    },
  },
});
