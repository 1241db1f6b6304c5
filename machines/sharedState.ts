import { assign, emit, fromPromise, setup } from 'xstate';

/** Options of the shared-state machine. */
export interface SharedStateInput {
  /**
   * How long a degraded process decides alone before it checks the store again (ms).
   * Between checks no command is sent, so a request never waits on a dead store.
   *
   * @default 1000
   */
  recheckMs?: number;
}

/** What a degraded process is waiting for before it trusts the store again. */
export type SharedStateWait = 'check' | 'recheck' | null;

/** Plain, serialisable context: what the inspector shows. */
export interface SharedStateContext {
  recheckMs: number;
  /** `check`: a check of the store is in flight; `recheck`: the next one is due after `recheckMs`; null: connected. */
  waitingFor: SharedStateWait;
  /** Why the process last stopped trusting the store (a short text, no secrets); null before that. */
  reason: string | null;
  /** Since when (epoch ms, from the events) the process is in its current state; null before the first event. */
  since: number | null;
  /** Times the store was lost after having been reached. */
  degradations: number;
  /** Whether the store has been reached at least once (the first success is not a "restore"). */
  everConnected: boolean;
}

/**
 * Events. Time enters as data (`at`, epoch ms of the runtime's clock). The store
 * check itself is the invoked actor `checkStore` (src/ supplies it: a PING within
 * the command timeout, after which the scripts are (re)loaded); its output is `{ at }`.
 */
export type SharedStateEvent =
  /** A command failed or timed out, or the client lost its connection. */
  | { type: 'FAILED'; at: number; reason: string }
  /** The client says it is ready again (node-redis `ready`): check now rather than after `recheckMs`. */
  | { type: 'CLIENT_READY' };

/** Events the machine emits; `redisState` turns them into `on(…)` callbacks. */
export type SharedStateEmitted =
  | { type: 'shared_state_degraded'; at: number; reason: string }
  | { type: 'shared_state_restored'; at: number; degradedFor: number };

/** What the `checkStore` actor resolves to. */
export interface StoreChecked {
  at: number;
}

/**
 * A process's view of the shared store (statewire/redis): `connected` (the
 * shared limits and breaker decide) or `degraded` (each process's own limiter
 * and breaker decide alone, and the state says what it waits for:
 * `degraded.checking` a store check in flight, `degraded.waiting` the next
 * check after `recheckMs`). It starts `degraded.checking`: until the store has
 * answered once, nothing waits on it. `shared_state_degraded` is emitted when
 * a connected process loses the store, `shared_state_restored` when it gets
 * it back (not on the first connection).
 *
 * @example
 * ```ts
 * import { createActor, fromPromise } from 'xstate';
 * import { sharedStateMachine } from 'statewire/machines';
 *
 * const view = createActor(
 *   sharedStateMachine.provide({ actors: { checkStore: fromPromise(async () => ({ at: Date.now() })) } }),
 *   { input: { recheckMs: 1000 } },
 * );
 * view.subscribe({ error: console.error });
 * view.on('shared_state_degraded', (e) => console.warn('deciding alone:', e.reason));
 * view.start();
 * ```
 */
export const sharedStateMachine = setup({
  types: {
    input: {} as SharedStateInput | undefined,
    context: {} as SharedStateContext,
    events: {} as SharedStateEvent,
    emitted: {} as SharedStateEmitted,
  },
  actors: {
    // Replaced by src/ (`.provide`): the default never settles, so an unprovided machine stays degraded.
    checkStore: fromPromise<StoreChecked>(() => new Promise<StoreChecked>(() => {})),
  },
  delays: {
    recheckMs: ({ context }) => context.recheckMs,
  },
  guards: {
    wasConnected: ({ context }) => context.everConnected,
  },
  actions: {
    lose: assign(({ context, event }) => {
      const { at, reason } = event as Extract<SharedStateEvent, { type: 'FAILED' }>;
      return { reason, since: at, degradations: context.degradations + 1 };
    }),
    emitDegraded: emit(({ event }) => {
      const { at, reason } = event as Extract<SharedStateEvent, { type: 'FAILED' }>;
      return { type: 'shared_state_degraded' as const, at, reason };
    }),
    emitRestored: emit(({ context, event }) => {
      const { at } = (event as unknown as { output: StoreChecked }).output;
      // A restore follows a loss, which set `since`; a clock stepped back counts as no time.
      return { type: 'shared_state_restored' as const, at, degradedFor: Math.max(0, at - (context.since as number)) };
    }),
    reach: assign(({ event }) => ({
      since: (event as unknown as { output: StoreChecked }).output.at,
      waitingFor: null,
      everConnected: true,
    })),
  },
}).createMachine({
  id: 'sharedState',
  context: ({ input }) => ({
    recheckMs: input?.recheckMs ?? 1000,
    // Set by `checking`'s entry, which runs at once.
    waitingFor: null,
    reason: null,
    since: null,
    degradations: 0,
    everConnected: false,
  }),
  initial: 'degraded',
  states: {
    connected: {
      on: {
        FAILED: { target: 'degraded.waiting', actions: ['lose', 'emitDegraded'] },
      },
    },
    degraded: {
      initial: 'checking',
      states: {
        checking: {
          entry: assign({ waitingFor: 'check' }),
          invoke: {
            src: 'checkStore',
            onDone: [
              { guard: 'wasConnected', target: '#sharedState.connected', actions: ['emitRestored', 'reach'] },
              { target: '#sharedState.connected', actions: 'reach' },
            ],
            onError: {
              target: 'waiting',
              actions: assign({ reason: ({ event }) => String((event.error as { message?: unknown } | undefined)?.message ?? event.error) }),
            },
          },
        },
        waiting: {
          entry: assign({ waitingFor: 'recheck' }),
          after: { recheckMs: 'checking' },
          on: { CLIENT_READY: 'checking' },
        },
      },
    },
  },
});

/** The machine's top-level state names: the contract the inspector shows. */
export type SharedStateValue = 'connected' | 'degraded';
