import { assign, emit, fromCallback, sendTo, setup } from 'xstate';
import { adoptChild, releaseChild, type AdoptionEvent } from './adoption.js';
import { reconnectLoop, type LoopRecord, type ReconnectLoopOutput, type ReconnectPolicy } from './reconnectLoop.js';

/** Why a slot's resource is destroyed (shown in the `destroyed` event and the inspector). */
export type DestroyReason =
  /** `release(conn)` of a connection that was broken, or `destroy(conn)`. */
  | 'released_broken'
  | 'destroyed'
  /** Idle longer than `maxIdleTime`, above `minSize`. */
  | 'evicted'
  /** A health check or a validation before borrowing said no. */
  | 'unhealthy'
  /** The connection closed by itself (server gone, network down). */
  | 'dropped'
  /** Held longer than `maxLeaseTime` with `reclaimExpiredLeases`. */
  | 'reclaimed'
  /** The pool stops. */
  | 'stopped';

export interface PoolSlotInput {
  /** The slot's systemId (also its id under the pool): `<pool>.slot<i>`. */
  name: string;
  /** How long one create may take (ms); then it counts as a failed create. */
  createTimeout: number;
  /** How long a health check may take (ms); then the resource counts as unhealthy. */
  validateTimeout: number;
  /** How long destroying may take (ms; the pool's `releaseTimeout`); then the slot is free anyway. */
  destroyTimeout: number;
  /** The backoff between failed creates (ms), run by the reconnect loop machine. */
  backoff: ReconnectPolicy;
  /** The jitter sequence's first seed (the runtime picks it). */
  seed: number;
}

export interface PoolSlotContext extends Omit<PoolSlotInput, 'seed'> {
  /** The backoff loop's count between failed creates (see `LoopRecord`); reset by a successful create. */
  record: LoopRecord;
  /** Resources this slot created so far. */
  created: number;
  /** Leases this slot handed out so far (as of the pool's last report: see `LEASE`). */
  leases: number;
  /** The last create or health-check error (a message, never a secret); null after a successful create. */
  lastError: string | null;
  /** Set while leased when the connection dropped: its release destroys it. */
  broken: boolean;
  /** Why the resource being destroyed goes (null when none is). */
  reason: DestroyReason | null;
}

export type PoolSlotEvent =
  | AdoptionEvent
  /** Create a resource (the pool needs one). */
  | { type: 'CREATE' }
  /** Give up creating (the pool stops, or nobody needs it any more): back to `empty`. */
  | { type: 'CANCEL' }
  /** Handed out; `leases` is the pool's count for this slot (leases are counted on the hot path). */
  | { type: 'LEASE'; leases?: number }
  /** Given back healthy. */
  | { type: 'RELEASE' }
  /** Destroy the resource (idle or leased), for `reason`. */
  | { type: 'DISCARD'; reason: DestroyReason }
  /** The connection closed by itself. Idle: destroyed; leased: destroyed when it comes back. */
  | { type: 'DROPPED' }
  /** Health-check the idle resource. */
  | { type: 'CHECK' }
  /** From the `work` actor: the resource is made. */
  | { type: 'CREATED' }
  /** From the `work` actor: making it failed (`error`: what the factory or connect threw). */
  | { type: 'CREATE_FAILED'; error: unknown }
  /** From the `work` actor: the health check answered. */
  | { type: 'CHECKED'; healthy: boolean }
  /** From the `work` actor: the health check threw. */
  | { type: 'CHECK_FAILED'; error: unknown }
  /** From the `work` actor: the resource is closed (or closing it failed: the slot is free either way). */
  | { type: 'DESTROYED' };

/**
 * What a slot asks of its `work` actor (one per slot, for its whole life: an
 * invoked actor per create or destroy cost more than everything else in a
 * create/destroy cycle). Each job replaces the one before; `abort` drops the
 * current one (its result is never reported; a create that still completes is
 * closed by `src/`).
 */
export type PoolSlotWork = { type: 'create' } | { type: 'validate' } | { type: 'destroy'; reason: DestroyReason } | { type: 'abort' };

/** The `work` actor's input. */
export interface PoolSlotWorkInput {
  slot: string;
}

export type PoolSlotEmitted =
  | { type: 'created'; slot: string; created: number }
  | { type: 'create_failed'; slot: string; error: string; attempt: number }
  | { type: 'validation_failed'; slot: string; error: string }
  | { type: 'destroyed'; slot: string; reason: DestroyReason }
  | { type: 'freed'; slot: string };

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error)).slice(0, 200);

/**
 * One place in a pool: `empty → creating → idle ⇄ leased`, `idle → validating →
 * idle | destroying`, `leased → destroying` when given back broken,
 * `destroying → empty`; a failed create waits in `backoff` (the reconnect loop,
 * jittered and capped) and creates again, so a server that is down is never
 * hammered.
 *
 * Create, validate and destroy are done by one invoked `work` actor that
 * `src/` provides, alive as long as the slot: entering `creating`,
 * `validating` or `destroying` sends it the job, and it answers with
 * `CREATED` / `CREATE_FAILED`, `CHECKED` / `CHECK_FAILED`, `DESTROYED`;
 * leaving the state first tells it `abort`. Each job is bounded by its own
 * timeout here. A statewire connection made by `create` is adopted as this
 * slot's child (`statewire.adopt`), so the inspector shows pool → slot →
 * work + connection; the resource itself never enters context.
 *
 * @example
 * ```ts
 * import { createActor } from 'xstate';
 * import { poolSlotMachine } from 'statewire/machines';
 *
 * const slot = createActor(poolSlotMachine.provide({ actors: { work } }), { input }).start();
 * slot.send({ type: 'CREATE' }); // creating: `work` gets { type: 'create' }, and its CREATED → idle
 * ```
 */
export const poolSlotMachine = setup({
  types: {
    input: {} as PoolSlotInput,
    context: {} as PoolSlotContext,
    events: {} as PoolSlotEvent,
    emitted: {} as PoolSlotEmitted,
    // Named, so the published types stay valid (inferred, `work` clashed with the index signature of the others).
    // An adopted connection is a child too, under its own name: read it through `children[name]` as an AnyActorRef.
    children: {} as { work: 'work'; reconnect: 'reconnect' },
  },
  actors: {
    // A stand-in that never answers: src/pool provides the real one.
    work: fromCallback<PoolSlotWork, PoolSlotWorkInput>(() => () => {}),
    reconnect: reconnectLoop,
  },
  delays: {
    createTimeout: ({ context }) => context.createTimeout,
    validateTimeout: ({ context }) => context.validateTimeout,
    destroyTimeout: ({ context }) => context.destroyTimeout,
  },
  guards: {
    isBroken: ({ context }) => context.broken,
    retries: ({ event }) => (event as { output?: ReconnectLoopOutput }).output?.outcome === 'attempting',
    healthy: ({ event }) => (event as { healthy?: unknown }).healthy === true,
  },
  actions: {
    created: assign(({ context }) => ({ created: context.created + 1, lastError: null, broken: false, record: { ...context.record, attempts: 1 } })),
    emitCreated: emit(({ context }) => ({ type: 'created' as const, slot: context.name, created: context.created })),
    failed: assign({ lastError: (_, error: string) => error }),
    emitFailed: emit(({ context }) => ({ type: 'create_failed' as const, slot: context.name, error: context.lastError ?? 'create failed', attempt: context.record.attempts })),
    keepRecord: assign({ record: (_, output: ReconnectLoopOutput) => ({ attempts: output.attempts, delay: output.delay, seed: output.seed }) }),
    lease: assign({ leases: ({ context, event }) => (event.type === 'LEASE' && event.leases !== undefined ? event.leases : context.leases + 1) }),
    markBroken: assign({ broken: true }),
    because: assign({ reason: (_, reason: DestroyReason) => reason }),
    emitUnhealthy: emit(({ context }) => ({ type: 'validation_failed' as const, slot: context.name, error: context.lastError ?? 'unhealthy' })),
    emitDestroyed: emit(({ context }) => ({ type: 'destroyed' as const, slot: context.name, reason: context.reason ?? 'destroyed' })),
    emitFreed: emit(({ context }) => ({ type: 'freed' as const, slot: context.name })),
    cleared: assign({ reason: null, broken: false }),
    startCreate: sendTo('work', { type: 'create' as const }),
    startValidate: sendTo('work', { type: 'validate' as const }),
    startDestroy: sendTo('work', ({ context }) => ({ type: 'destroy' as const, reason: context.reason ?? 'destroyed' })),
    abortWork: sendTo('work', { type: 'abort' as const }),
  },
}).createMachine({
  id: 'poolSlot',
  context: ({ input }) => ({
    name: input.name,
    createTimeout: input.createTimeout,
    validateTimeout: input.validateTimeout,
    destroyTimeout: input.destroyTimeout,
    backoff: input.backoff,
    record: { attempts: 1, delay: 0, seed: input.seed },
    created: 0,
    leases: 0,
    lastError: null,
    broken: false,
    reason: null,
  }),
  invoke: { id: 'work', src: 'work', input: ({ context }) => ({ slot: context.name }) },
  // A statewire connection becomes this slot's child (see WebSocketConnection.attachTo).
  on: { 'statewire.adopt': { actions: adoptChild as never }, 'statewire.release': { actions: releaseChild as never } },
  initial: 'empty',
  states: {
    empty: { on: { CREATE: 'creating' } },
    creating: {
      entry: 'startCreate',
      exit: 'abortWork',
      on: {
        CREATED: { target: 'idle', actions: ['created', 'emitCreated'] },
        CREATE_FAILED: { target: 'backoff', actions: [{ type: 'failed', params: ({ event }) => messageOf(event.error) }, 'emitFailed'] },
        CANCEL: { target: 'empty', actions: 'emitFreed' },
      },
      // Leaving the state aborts the create: src/ destroys a resource that arrives late.
      after: { createTimeout: { target: 'backoff', actions: [{ type: 'failed', params: 'create timed out' }, 'emitFailed'] } },
    },
    backoff: {
      invoke: {
        id: 'reconnect',
        src: 'reconnect',
        input: ({ context }) => ({
          policy: context.backoff,
          record: context.record,
          cause: { type: 'FAILED' as const, reason: context.lastError ?? 'create failed' },
          sessionOpened: false,
        }),
        onDone: [
          { guard: 'retries', target: 'creating', actions: { type: 'keepRecord', params: ({ event }) => event.output } },
          { target: 'empty', actions: [{ type: 'keepRecord', params: ({ event }) => event.output }, 'emitFreed'] },
        ],
      },
      on: { CANCEL: { target: 'empty', actions: 'emitFreed' } },
    },
    idle: {
      on: {
        LEASE: { target: 'leased', actions: 'lease' },
        CHECK: 'validating',
        DISCARD: { target: 'destroying', actions: { type: 'because', params: ({ event }) => event.reason } },
        DROPPED: { target: 'destroying', actions: { type: 'because', params: 'dropped' } },
      },
    },
    validating: {
      entry: 'startValidate',
      exit: 'abortWork',
      after: {
        validateTimeout: { target: 'destroying', actions: [{ type: 'failed', params: 'health check timed out' }, { type: 'because', params: 'unhealthy' }, 'emitUnhealthy'] },
      },
      on: {
        CHECKED: [
          { guard: 'healthy', target: 'idle' },
          { target: 'destroying', actions: [{ type: 'failed', params: 'health check failed' }, { type: 'because', params: 'unhealthy' }, 'emitUnhealthy'] },
        ],
        CHECK_FAILED: {
          target: 'destroying',
          actions: [{ type: 'failed', params: ({ event }) => messageOf(event.error) }, { type: 'because', params: 'unhealthy' }, 'emitUnhealthy'],
        },
        DISCARD: { target: 'destroying', actions: { type: 'because', params: ({ event }) => event.reason } },
        DROPPED: { target: 'destroying', actions: { type: 'because', params: 'dropped' } },
      },
    },
    leased: {
      on: {
        RELEASE: [{ guard: 'isBroken', target: 'destroying', actions: { type: 'because', params: 'dropped' } }, { target: 'idle' }],
        DISCARD: { target: 'destroying', actions: { type: 'because', params: ({ event }) => event.reason } },
        DROPPED: { actions: 'markBroken' },
      },
    },
    destroying: {
      entry: 'startDestroy',
      exit: 'abortWork',
      on: { DESTROYED: { target: 'empty', actions: ['emitDestroyed', 'cleared'] } },
      // A close that hangs frees the slot anyway (src/ force-closes what it can).
      after: { destroyTimeout: { target: 'empty', actions: ['emitDestroyed', 'cleared'] } },
    },
  },
});
