import { poolMachine } from '../../machines/pool.js';
import { poolSlotMachine, type DestroyReason } from '../../machines/poolSlot.js';
import { actorOwners } from '../runtime/actorOwners.js';
import { fromWork, type WorkSignal } from './workActor.js';

/** What the slots' invoked actors ask of the pool they belong to (see `PoolRounds`). */
export interface SlotWork {
  createFor(slot: string, signal: WorkSignal): Promise<void>;
  checkFor(slot: string): Promise<boolean>;
  destroyFor(slot: string, reason: DestroyReason): Promise<void>;
}

/**
 * Finds the pool an invoked actor belongs to (walking up: create actor → slot → pool).
 *
 * @example
 * ```ts
 * fromWork((input, self) => poolOwners.of(self).checkFor(input.slot));
 * ```
 */
export const poolOwners = actorOwners<SlotWork>('ConnectionPool');

/**
 * `poolMachine` with its I/O, built once for every pool: each slot's create,
 * validate and destroy find their pool by the actor (no `provide()` per pool).
 *
 * @example
 * ```ts
 * const actor = createRootActor(pooledMachine, { input, clock, beforeStart: (a) => poolOwners.set(a, pool) });
 * ```
 */
export const pooledMachine = poolMachine.provide({
  actors: {
    slot: poolSlotMachine.provide({
      actors: {
        // Lighter than fromPromise (no AbortController per create / destroy: see workActor.ts).
        create: fromWork<void, { slot: string }>((input, self, signal) => poolOwners.of(self).createFor(input.slot, signal), true),
        validate: fromWork<boolean, { slot: string }>((input, self) => poolOwners.of(self).checkFor(input.slot)),
        destroy: fromWork<void, { slot: string; reason: DestroyReason }>((input, self) => poolOwners.of(self).destroyFor(input.slot, input.reason)),
      },
    }),
  },
});
