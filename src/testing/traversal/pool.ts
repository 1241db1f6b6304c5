import { setup, type AnyMachineSnapshot, type EventObject } from 'xstate';
import { poolMachine, type PoolContext, type PoolInput } from '../../../machines/pool.js';
import type { MachineTraversal } from './spec.js';

const child = setup({}).createMachine({ id: 'conn' });
const CONN = 'p.conn';

const serializeState = (s: AnyMachineSnapshot) => {
  const c = s.context as PoolContext;
  return JSON.stringify([s.value, c.slots.length, c.wakeIn, c.drainDeadline, Object.keys(s.children).includes(CONN)]);
};
const initialKey = JSON.stringify(['idle', 0, 0, null, false]);

/**
 * The pool: how many slots it spawned, the armed wake and the drain deadline
 * (the delays read them; two values each), whether a connection is adopted.
 * A traversal runs in one actor system where a name is spawned once, so START
 * and the adoption are offered from the initial snapshot only.
 */
export const poolTraversal: MachineTraversal<PoolInput> = {
  machine: poolMachine,
  inputs: [
    {
      name: 'p',
      size: 2,
      seed: 3,
      // Distinct rounds, so a path's `after` step is the one that fires.
      cleanupInterval: 1_000,
      healthCheckInterval: 1_700,
      slot: { createTimeout: 100, validateTimeout: 100, destroyTimeout: 100, backoff: { base: 10, maxDelay: 100, maxAttempts: null, minUptime: 0, jitter: 'none' } },
    },
  ],
  serializeState,
  events: (s) => [
    ...(serializeState(s) === initialKey ? [{ type: 'START' }, { type: 'statewire.adopt', name: CONN, logic: child } as EventObject] : []),
    ...(Object.keys(s.children).includes(CONN) ? [{ type: 'statewire.release', name: CONN }] : []),
    { type: 'WAKE_IN', ms: 50 },
    { type: 'WAKE_IN', ms: 20 },
    { type: 'DRAIN', deadline: 500 },
    { type: 'DRAIN', deadline: null },
    { type: 'DRAINED' },
  ],
};
