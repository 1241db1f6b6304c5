import type { AnyMachineSnapshot } from 'xstate';
import { sharedStateMachine, type SharedStateContext, type SharedStateInput } from '../../../machines/sharedState.js';
import type { MachineTraversal } from './spec.js';

/**
 * The shared-state view: `everConnected` is what its guard reads, `waitingFor`
 * what its states say; `degradations` grows (counted up to 2), `since` is a time.
 * The store check's result is synthesised under its invoke id.
 */
export const sharedStateTraversal: MachineTraversal<SharedStateInput> = {
  machine: sharedStateMachine,
  inputs: [{ recheckMs: 250 }],
  serializeState: (s: AnyMachineSnapshot) => {
    const c = s.context as SharedStateContext;
    return JSON.stringify([s.value, c.waitingFor, c.everConnected, Math.min(c.degradations, 2)]);
  },
  events: () => [
    { type: 'xstate.done.actor.0.sharedState.degraded.checking', output: { at: 5_000 } },
    { type: 'xstate.error.actor.0.sharedState.degraded.checking', error: new Error('ECONNREFUSED') },
    { type: 'FAILED', at: 4_000, reason: 'timeout after 25 ms' },
    { type: 'CLIENT_READY' },
  ],
};
