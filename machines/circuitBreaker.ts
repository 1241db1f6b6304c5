import { assign, emit, setup } from 'xstate';
import { sharedStateSlot, spawnSharedState, type SharedChildInput } from './sharedStateChild.js';

/**
 * Options of the circuit breaker machine (the seed's `circuitBreakerOptions`).
 * Durations are in milliseconds.
 */
export interface CircuitBreakerInput extends SharedChildInput {
  /** Failures in the rolling window that open the circuit. Seed default 5. */
  threshold?: number;
  /** Calls the window must have seen before failures can open it. Seed default 10. */
  volumeThreshold?: number;
  /** How long OPEN rejects before HALF_OPEN lets a probe through (ms). Seed default 60000. */
  timeout?: number;
  /** Probe calls admitted at once while HALF_OPEN. Default 1. */
  halfOpenMaxCalls?: number;
}

/** Plain, serialisable context: what the inspector shows and a snapshot persists. */
export interface CircuitBreakerContext {
  threshold: number;
  volumeThreshold: number;
  timeout: number;
  halfOpenMaxCalls: number;
  /** Failures in the window at the last reported failure. */
  failureCount: number;
  /** Calls in the window at the last reported failure. */
  callCount: number;
  /** Probes admitted in the current HALF_OPEN period. */
  probes: number;
  /** Times the circuit has opened; lets the runtime tell a stale probe from a current one. */
  openings: number;
  /** When the circuit last opened (epoch ms); null while it has never opened. */
  openedAt: number | null;
  /** Absolute time (epoch ms) OPEN ends; null when not OPEN or when isolated. */
  openUntil: number | null;
  /** Delay of the pending OPEN → HALF_OPEN timer (ms). */
  retryIn: number;
  /** Held OPEN by `ISOLATE` until `RESET`. */
  isolated: boolean;
}

/**
 * Events. Time enters as data (`at`, epoch ms from the runtime's clock), so the
 * machine reads no clock and every path through it can be generated.
 */
export type CircuitBreakerEvent =
  /** A call failed while CLOSED; `failures` and `calls` are the rolling window's totals including it. */
  | { type: 'FAILURE'; at: number; failures: number; calls: number }
  /** Admit one probe while HALF_OPEN (ignored once `halfOpenMaxCalls` are out). */
  | { type: 'PROBE' }
  | { type: 'PROBE_SUCCESS'; at: number }
  | { type: 'PROBE_FAILURE'; at: number }
  /** A probe ended without an outcome (cancelled): its slot is free again. */
  | { type: 'PROBE_RELEASED' }
  | { type: 'RESET'; at: number }
  | { type: 'ISOLATE'; at: number }
  /**
   * Sent after restoring a snapshot: re-arms the OPEN timer for the time that is
   * left, and frees a restored HALF_OPEN's probe slots (the probes that were in
   * flight belong to the process that saved the snapshot, and will never report).
   */
  | { type: 'RESUME'; at: number }
  /** Changes options at run time (the seed's `circuitBreaker.threshold = 3`). */
  | ({ type: 'CONFIGURE' } & CircuitBreakerInput);

/** Events the breaker emits; the clients turn them into the seeds' `onEvent` callbacks. */
export type CircuitBreakerEmitted =
  | { type: 'circuit_breaker_opened'; at: number; failureCount: number; nextAttempt: number | null }
  | { type: 'circuit_breaker_half_open'; openings: number }
  | { type: 'circuit_breaker_closed'; at: number };

const openedFor = (context: CircuitBreakerContext, at: number, isolated: boolean) => ({
  probes: 0,
  openings: context.openings + 1,
  openedAt: at,
  openUntil: isolated ? null : at + context.timeout,
  retryIn: context.timeout,
  isolated,
});

/**
 * The circuit breaker: `CLOSED → OPEN → HALF_OPEN → CLOSED | OPEN`.
 *
 * It decides; it does not count. Successes never reach it (they are the hot path):
 * the runtime keeps the rolling window and reports each failure with the window's
 * totals, which the `shouldTrip` guard weighs against `threshold` and
 * `volumeThreshold`. OPEN moves to HALF_OPEN after `timeout` through an XState
 * delay; `openUntil` keeps the absolute deadline so a restored snapshot can be
 * re-armed with `RESUME`. `RESUME` in HALF_OPEN frees the probe slots: a probe in
 * flight when the snapshot was taken cannot report to the restored actor.
 *
 * @example
 * ```ts
 * import { createActor } from 'xstate';
 * import { circuitBreakerMachine } from 'statewire/machines';
 *
 * const breaker = createActor(circuitBreakerMachine, { input: { threshold: 2, volumeThreshold: 2 } });
 * breaker.subscribe({ error: console.error });
 * breaker.on('circuit_breaker_opened', (e) => console.log('open until', new Date(e.nextAttempt!)));
 * breaker.start();
 * breaker.send({ type: 'FAILURE', at: Date.now(), failures: 2, calls: 2 });
 * breaker.getSnapshot().value; // 'OPEN'
 * ```
 */
export const circuitBreakerMachine = setup({
  types: {
    input: {} as CircuitBreakerInput | undefined,
    context: {} as CircuitBreakerContext,
    events: {} as CircuitBreakerEvent,
    emitted: {} as CircuitBreakerEmitted,
  },
  // A client shared through a store shows its view of the store as this child (src/ provides it).
  actors: { sharedState: sharedStateSlot },
  delays: {
    retryIn: ({ context }) => context.retryIn,
  },
  guards: {
    // Wired to FAILURE only.
    shouldTrip: ({ context, event }) => {
      const { failures, calls } = event as Extract<CircuitBreakerEvent, { type: 'FAILURE' }>;
      return failures >= context.threshold && calls >= context.volumeThreshold;
    },
    hasProbeSlot: ({ context }) => context.probes < context.halfOpenMaxCalls,
    notIsolated: ({ context }) => !context.isolated,
  },
  actions: {
    recordFailure: assign(({ event }) => {
      const { failures, calls } = event as Extract<CircuitBreakerEvent, { type: 'FAILURE' }>;
      return { failureCount: failures, callCount: calls };
    }),
    open: assign(({ context, event }) => openedFor(context, 'at' in event ? event.at : 0, false)),
    isolate: assign(({ context, event }) => openedFor(context, 'at' in event ? event.at : 0, true)),
    close: assign({ failureCount: 0, callCount: 0, probes: 0, openUntil: null, isolated: false }),
    takeProbe: assign({ probes: ({ context }) => context.probes + 1 }),
    releaseProbe: assign({ probes: ({ context }) => Math.max(0, context.probes - 1) }),
    rearm: assign(({ context, event }) => ({
      retryIn:
        context.openUntil === null || !('at' in event)
          ? context.retryIn
          : Math.max(0, context.openUntil - event.at),
    })),
    emitOpened: emit(({ context }) => ({
      type: 'circuit_breaker_opened' as const,
      at: context.openedAt ?? 0,
      failureCount: context.failureCount,
      nextAttempt: context.openUntil,
    })),
    emitHalfOpen: emit(({ context }) => ({
      type: 'circuit_breaker_half_open' as const,
      openings: context.openings,
    })),
    emitClosed: emit(({ event }) => ({
      type: 'circuit_breaker_closed' as const,
      at: 'at' in event ? event.at : 0,
    })),
  },
}).createMachine({
  id: 'circuitBreaker',
  // With `input.sharedState`: the `sharedState` child (typed for any client machine, as adoptChild is).
  entry: spawnSharedState as never,
  context: ({ input }) => ({
    threshold: input?.threshold ?? 5,
    volumeThreshold: input?.volumeThreshold ?? 10,
    timeout: input?.timeout ?? 60_000,
    halfOpenMaxCalls: input?.halfOpenMaxCalls ?? 1,
    failureCount: 0,
    callCount: 0,
    probes: 0,
    openings: 0,
    openedAt: null,
    openUntil: null,
    retryIn: 0,
    isolated: false,
  }),
  initial: 'CLOSED',
  on: {
    CONFIGURE: {
      actions: assign(({ context, event }) => ({
        threshold: event.threshold ?? context.threshold,
        volumeThreshold: event.volumeThreshold ?? context.volumeThreshold,
        timeout: event.timeout ?? context.timeout,
        halfOpenMaxCalls: event.halfOpenMaxCalls ?? context.halfOpenMaxCalls,
      })),
    },
  },
  states: {
    CLOSED: {
      on: {
        FAILURE: [
          { guard: 'shouldTrip', target: 'OPEN', actions: ['recordFailure', 'open', 'emitOpened'] },
          { actions: 'recordFailure' },
        ],
        ISOLATE: { target: 'OPEN', actions: ['isolate', 'emitOpened'] },
        RESET: { actions: 'close' },
      },
    },
    OPEN: {
      after: {
        retryIn: { guard: 'notIsolated', target: 'HALF_OPEN', actions: 'emitHalfOpen' },
      },
      on: {
        RESUME: { target: 'OPEN', reenter: true, actions: 'rearm' },
        ISOLATE: { actions: assign({ isolated: true, openUntil: null }) },
        RESET: { target: 'CLOSED', actions: ['close', 'emitClosed'] },
      },
    },
    HALF_OPEN: {
      on: {
        // A restored HALF_OPEN admits a probe again (cockatiel restores it as OPEN
        // and waits a whole `timeout` more; the slots are freed here instead).
        RESUME: { actions: assign({ probes: 0 }) },
        PROBE: { guard: 'hasProbeSlot', actions: 'takeProbe' },
        PROBE_RELEASED: { actions: 'releaseProbe' },
        PROBE_SUCCESS: { target: 'CLOSED', actions: ['close', 'emitClosed'] },
        PROBE_FAILURE: { target: 'OPEN', actions: ['open', 'emitOpened'] },
        ISOLATE: { target: 'OPEN', actions: ['isolate', 'emitOpened'] },
        RESET: { target: 'CLOSED', actions: ['close', 'emitClosed'] },
      },
    },
  },
});

/** The breaker's state names: the contract the inspector and `getCircuitBreakerState()` show. */
export type CircuitState = 'CLOSED' | 'OPEN' | 'HALF_OPEN';
