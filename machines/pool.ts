import { assign, emit, enqueueActions, setup } from 'xstate';
import { adoptChild, releaseChild, type AdoptionEvent } from './adoption.js';
import { poolSlotMachine, type PoolSlotInput } from './poolSlot.js';
import { nextRandom } from './random.js';

export interface PoolInput {
  /** The pool's name: its slots are `<name>.slot0` … (their ids and systemIds). */
  name: string;
  /** Slots made on `START`: the pool's `maxSize`, so it can never hold more resources. */
  size: number;
  /** What every slot gets (its name and seed are the pool's to give). */
  slot: Omit<PoolSlotInput, 'name' | 'seed'>;
  /** The first seed of the slots' jitter sequences (the runtime picks it). */
  seed: number;
  /** Between idle-eviction rounds (ms, > 0). */
  cleanupInterval: number;
  /** Between health-check rounds (ms, > 0). */
  healthCheckInterval: number;
}

export interface PoolContext extends Omit<PoolInput, 'seed' | 'slot'> {
  slot: PoolInput['slot'];
  seed: number;
  /** The slots' names, in order (set on `START`). */
  slots: string[];
  /** The wait armed by the last `WAKE_IN` (ms). */
  wakeIn: number;
  /** The drain's deadline (ms from `DRAIN`); null without a deadline. */
  drainDeadline: number | null;
}

export type PoolEvent =
  | AdoptionEvent
  /** Spawns the slots and starts the cleanup and health-check rounds. */
  | { type: 'START' }
  /** Wake the pool in `ms` (its earliest waiter timeout or lease expiry); a later one replaces it. */
  | { type: 'WAKE_IN'; ms: number }
  /** Stop taking work: `deadline` ms for the leased resources to come back (null: wait for them). */
  | { type: 'DRAIN'; deadline: number | null }
  /** Every resource is gone: stop. */
  | { type: 'DRAINED' };

export type PoolEmitted =
  /** Time for an idle-eviction round. */
  | { type: 'cleanup' }
  /** Time for a health-check round. */
  | { type: 'health_check' }
  /** The wait `WAKE_IN` armed is over: time out the waiters, check the leases. */
  | { type: 'wake' }
  /** The drain's deadline passed with resources still out: force-close them. */
  | { type: 'drain_deadline' };

/**
 * A pool of resources as a parent of slot actors (`machines/poolSlot.ts`): the
 * inspector shows pool → slots → connections. `START` spawns `size` slots,
 * which is how the pool never holds more than `maxSize` resources, those being
 * created included. The rounds (`cleanup` every `cleanupInterval`,
 * `health_check` every `healthCheckInterval`) and one `wake` timer for the
 * earliest waiter timeout or lease expiry are XState delays on the actor's
 * clock; `src/pool` does what each emitted event asks. `DRAIN` → `draining`
 * until `DRAINED` or the deadline (`drain_deadline`), then `stopped` (final:
 * the slots, and the connections under them, stop with it).
 *
 * The hot path (handing out an idle resource, taking it back) is kept by
 * `src/pool` and reported to the slots in batches (see ConnectionPool).
 *
 * @example
 * ```ts
 * import { createActor } from 'xstate';
 * import { poolMachine } from 'statewire/machines';
 *
 * const pool = createActor(poolMachine, { input: { name: 'db', size: 4, slot, seed: 1, cleanupInterval: 120_000, healthCheckInterval: 60_000 } }).start();
 * pool.send({ type: 'START' });
 * pool.system.get('db.slot0'); // a slot actor, `empty`
 * ```
 */
export const poolMachine = setup({
  types: {
    input: {} as PoolInput,
    context: {} as PoolContext,
    events: {} as PoolEvent,
    emitted: {} as PoolEmitted,
  },
  actors: { slot: poolSlotMachine },
  delays: {
    cleanupInterval: ({ context }) => context.cleanupInterval,
    healthCheckInterval: ({ context }) => context.healthCheckInterval,
    wakeIn: ({ context }) => context.wakeIn,
    drainDeadline: ({ context }) => context.drainDeadline ?? 0,
  },
  actions: {
    spawnSlots: enqueueActions(({ context, enqueue }) => {
      let seed = context.seed;
      const slots: string[] = [];
      for (let i = 0; i < context.size; i++) {
        const name = `${context.name}.slot${i}`;
        seed = nextRandom(seed)[1];
        slots.push(name);
        enqueue.spawnChild('slot', { id: name, systemId: name, input: { ...context.slot, name, seed } });
      }
      enqueue.assign({ slots, seed });
    }),
    armWake: assign({ wakeIn: (_, ms: number) => Math.max(0, ms) }),
    setDeadline: assign({ drainDeadline: (_, deadline: number | null) => (deadline === null ? null : Math.max(0, deadline)) }),
  },
}).createMachine({
  id: 'pool',
  context: ({ input }) => ({
    name: input.name,
    size: input.size,
    slot: input.slot,
    seed: input.seed,
    cleanupInterval: input.cleanupInterval,
    healthCheckInterval: input.healthCheckInterval,
    slots: [],
    wakeIn: 0,
    drainDeadline: null,
  }),
  on: { 'statewire.adopt': { actions: adoptChild as never }, 'statewire.release': { actions: releaseChild as never } },
  initial: 'idle',
  states: {
    idle: {
      on: {
        START: { target: 'running', actions: 'spawnSlots' },
        DRAIN: 'stopped',
      },
    },
    running: {
      type: 'parallel',
      on: {
        DRAIN: [
          { guard: ({ event }) => event.deadline !== null, target: 'draining.timed', actions: { type: 'setDeadline', params: ({ event }) => event.deadline } },
          { target: 'draining.open', actions: { type: 'setDeadline', params: null } },
        ],
      },
      states: {
        cleanup: {
          initial: 'waiting',
          states: { waiting: { after: { cleanupInterval: { target: 'waiting', reenter: true, actions: emit({ type: 'cleanup' as const }) } } } },
        },
        health: {
          initial: 'waiting',
          states: { waiting: { after: { healthCheckInterval: { target: 'waiting', reenter: true, actions: emit({ type: 'health_check' as const }) } } } },
        },
        wake: {
          initial: 'unarmed',
          on: { WAKE_IN: { target: '.armed', reenter: true, actions: { type: 'armWake', params: ({ event }) => event.ms } } },
          states: {
            unarmed: {},
            armed: { after: { wakeIn: { target: 'unarmed', actions: emit({ type: 'wake' as const }) } } },
          },
        },
      },
    },
    draining: {
      initial: 'open',
      on: { DRAINED: 'stopped' },
      states: {
        // Leased resources come back (or are destroyed) as their borrowers release them.
        open: {},
        timed: { after: { drainDeadline: { target: '#pool.stopped', actions: emit({ type: 'drain_deadline' as const }) } } },
      },
    },
    stopped: { type: 'final' },
  },
});
