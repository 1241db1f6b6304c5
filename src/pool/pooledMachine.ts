import { fromCallback } from 'xstate';
import { poolMachine } from '../../machines/pool.js';
import { poolSlotMachine, type DestroyReason, type PoolSlotEvent, type PoolSlotWork, type PoolSlotWorkInput } from '../../machines/poolSlot.js';
import { actorOwners } from '../runtime/actorOwners.js';
import { SlotWorker, type WorkSignal } from './SlotWorker.js';

/** What the slots' `work` actors ask of the pool they belong to (see `PoolRounds`). */
export interface SlotWork {
  createFor(slot: string, signal: WorkSignal): Promise<void>;
  checkFor(slot: string): Promise<boolean>;
  destroyFor(slot: string, reason: DestroyReason): Promise<void>;
}

/**
 * Finds the pool an invoked actor belongs to (walking up: work actor → slot → pool).
 *
 * @example
 * ```ts
 * fromCallback(({ self }) => void poolOwners.of(self).checkFor('db.slot0'));
 * ```
 */
export const poolOwners = actorOwners<SlotWork>('ConnectionPool');

/**
 * `poolMachine` with its I/O, built once for every pool: each slot's `work`
 * actor (one per slot, for its whole life: see {@link SlotWorker}) finds its
 * pool by the actor (no `provide()` per pool).
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
        work: fromCallback<PoolSlotWork, PoolSlotWorkInput>(({ input, self, sendBack, receive }) => {
          const worker = new SlotWorker(input.slot, () => poolOwners.of(self), sendBack as (event: PoolSlotEvent) => void);
          receive(worker.receive);
          // The slot stopped (the pool stops): a create under way is abandoned (src/ closes what it makes).
          return worker.abort;
        }),
      },
    }),
  },
});
