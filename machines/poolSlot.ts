import { assign, emit, fromPromise, setup } from 'xstate';
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
  | { type: 'CHECK' };

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
 * Create, validate and destroy are invoked actors that `src/` provides (each
 * bounded by its own timeout here). A statewire connection made by `create` is
 * adopted as this slot's child (`statewire.adopt`), so the inspector shows
 * pool → slot → connection; the resource itself never enters context.
 *
 * @example
 * ```ts
 * import { createActor } from 'xstate';
 * import { poolSlotMachine } from 'statewire/machines';
 *
 * const slot = createActor(poolSlotMachine.provide({ actors: { create, validate, destroy } }), { input }).start();
 * slot.send({ type: 'CREATE' }); // creating → idle once `create` resolves
 * ```
 */
export const poolSlotMachine = setup({
  types: {
    input: {} as PoolSlotInput,
    context: {} as PoolSlotContext,
    events: {} as PoolSlotEvent,
    emitted: {} as PoolSlotEmitted,
  },
  actors: {
    // Stand-ins: src/pool provides the real ones.
    create: fromPromise<void, { slot: string }>(async () => {}),
    validate: fromPromise<boolean, { slot: string }>(async () => true),
    destroy: fromPromise<void, { slot: string; reason: DestroyReason }>(async () => {}),
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
    healthy: ({ event }) => (event as { output?: unknown }).output === true,
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
  // A statewire connection becomes this slot's child (see WebSocketConnection.attachTo).
  on: { 'statewire.adopt': { actions: adoptChild as never }, 'statewire.release': { actions: releaseChild as never } },
  initial: 'empty',
  states: {
    empty: { on: { CREATE: 'creating' } },
    creating: {
      invoke: {
        id: 'create',
        src: 'create',
        input: ({ context }) => ({ slot: context.name }),
        onDone: { target: 'idle', actions: ['created', 'emitCreated'] },
        onError: { target: 'backoff', actions: [{ type: 'failed', params: ({ event }) => messageOf(event.error) }, 'emitFailed'] },
      },
      // Leaving the state stops the create actor: src/ destroys a resource that arrives late.
      after: { createTimeout: { target: 'backoff', actions: [{ type: 'failed', params: 'create timed out' }, 'emitFailed'] } },
      on: { CANCEL: { target: 'empty', actions: 'emitFreed' } },
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
      invoke: {
        id: 'validate',
        src: 'validate',
        input: ({ context }) => ({ slot: context.name }),
        onDone: [
          { guard: 'healthy', target: 'idle' },
          { target: 'destroying', actions: [{ type: 'failed', params: 'health check failed' }, { type: 'because', params: 'unhealthy' }, 'emitUnhealthy'] },
        ],
        onError: {
          target: 'destroying',
          actions: [{ type: 'failed', params: ({ event }) => messageOf(event.error) }, { type: 'because', params: 'unhealthy' }, 'emitUnhealthy'],
        },
      },
      after: {
        validateTimeout: { target: 'destroying', actions: [{ type: 'failed', params: 'health check timed out' }, { type: 'because', params: 'unhealthy' }, 'emitUnhealthy'] },
      },
      on: {
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
      invoke: {
        id: 'destroy',
        src: 'destroy',
        input: ({ context }) => ({ slot: context.name, reason: context.reason ?? 'destroyed' }),
        onDone: { target: 'empty', actions: ['emitDestroyed', 'cleared'] },
        onError: { target: 'empty', actions: ['emitDestroyed', 'cleared'] },
      },
      // A close that hangs frees the slot anyway (src/ force-closes what it can).
      after: { destroyTimeout: { target: 'empty', actions: ['emitDestroyed', 'cleared'] } },
    },
  },
});
