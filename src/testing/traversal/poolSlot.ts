import { setup, type AnyMachineSnapshot, type EventObject } from 'xstate';
import { poolSlotMachine, type PoolSlotContext, type PoolSlotInput } from '../../../machines/poolSlot.js';
import { reconnectLoopEvents } from './loopEvents.js';
import type { MachineTraversal } from './spec.js';

const child = setup({}).createMachine({ id: 'conn' });
const CONN = 'p.slot0.conn1';

const coverageState = (s: AnyMachineSnapshot) => {
  const c = s.context as PoolSlotContext;
  return JSON.stringify([s.value, c.broken, c.reason, c.lastError, c.created > 0, Object.keys(s.children).includes(CONN)]);
};
const initialKey = JSON.stringify(['empty', false, null, null, false, false]);

/** The slot's commands and its `work` actor's answers; the backoff loop's outcome, synthesised. */
const work = [
  { type: 'CREATE' },
  { type: 'CANCEL' },
  { type: 'LEASE', leases: 4 },
  { type: 'RELEASE' },
  { type: 'DISCARD', reason: 'evicted' },
  { type: 'DROPPED' },
  { type: 'CHECK' },
  { type: 'CREATED' },
  { type: 'CREATE_FAILED', error: new Error('refused') },
  { type: 'CHECKED', healthy: true },
  { type: 'CHECKED', healthy: false },
  { type: 'CHECK_FAILED', error: new Error('ping failed') },
  { type: 'DESTROYED' },
  ...reconnectLoopEvents,
] as EventObject[];

/**
 * A pool slot: its state and `broken` (its guard); edge coverage also tells
 * apart why it destroys, its last error, whether it created once and whether a
 * connection is adopted. The counts are left out.
 * The `work` actor's answers (CREATED, CHECKED, …) are events; the backoff
 * loop's outcome is synthesised. A traversal runs in one actor system where an
 * adopted name stays taken, so the connection is adopted from the initial
 * snapshot only, and released wherever it is a child.
 */
export const poolSlotTraversal: MachineTraversal<PoolSlotInput> = {
  machine: poolSlotMachine,
  inputs: [
    {
      name: 'p.slot0',
      createTimeout: 300,
      validateTimeout: 200,
      destroyTimeout: 100,
      backoff: { base: 50, maxDelay: 1000, maxAttempts: null, minUptime: 0, jitter: 'equal' },
      seed: 5,
    },
  ],
  // `broken` is what its guard reads.
  serializeState: (s: AnyMachineSnapshot) => JSON.stringify([s.value, (s.context as PoolSlotContext).broken]),
  events: () => work,
  coverage: {
    serializeState: coverageState,
    events: (s) => [
      ...(Object.keys(s.children).includes(CONN)
        ? [{ type: 'statewire.release', name: CONN }]
        : coverageState(s) === initialKey
          ? [{ type: 'statewire.adopt', name: CONN, logic: child } as EventObject]
          : []),
      ...work,
    ],
  },
};
