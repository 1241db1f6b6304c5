import type { AnyMachineSnapshot } from 'xstate';
import { circuitBreakerMachine, type CircuitBreakerContext, type CircuitBreakerInput } from '../../../machines/circuitBreaker.js';
import type { MachineTraversal } from './spec.js';

const AT = 1_000;

/**
 * The circuit breaker: `probes` and `isolated` are what its guards read
 * (`hasProbeSlot`, `notIsolated`); `openings`, `openedAt`, `openUntil` grow or
 * carry time and are left out. FAILURE carries the window totals `shouldTrip`
 * weighs: one that trips, two that do not (too few calls, too few failures).
 */
export const circuitBreakerTraversal: MachineTraversal<CircuitBreakerInput> = {
  machine: circuitBreakerMachine,
  inputs: [{ threshold: 2, volumeThreshold: 3, timeout: 1_000, halfOpenMaxCalls: 2 }],
  serializeState: (s: AnyMachineSnapshot) => {
    const c = s.context as CircuitBreakerContext;
    return JSON.stringify([s.value, c.probes, c.isolated]);
  },
  events: (s) => {
    const c = s.context as CircuitBreakerContext;
    return [
      { type: 'FAILURE', at: AT, failures: c.threshold, calls: c.volumeThreshold },
      { type: 'FAILURE', at: AT, failures: c.threshold, calls: c.volumeThreshold - 1 },
      { type: 'FAILURE', at: AT, failures: 1, calls: c.volumeThreshold },
      { type: 'PROBE' },
      { type: 'PROBE_RELEASED' },
      { type: 'PROBE_SUCCESS', at: AT },
      { type: 'PROBE_FAILURE', at: AT },
      { type: 'RESET', at: AT },
      { type: 'ISOLATE', at: AT },
      // A restored snapshot's re-arm.
      { type: 'RESUME', at: AT + 400 },
      { type: 'CONFIGURE', timeout: 1_000 },
    ];
  },
};
