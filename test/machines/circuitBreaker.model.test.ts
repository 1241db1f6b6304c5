import type { AnyMachineSnapshot } from 'xstate';
import { circuitBreakerMachine, type CircuitBreakerContext } from '../../machines/circuitBreaker.js';
import { edgeCoveringPaths, runPath } from '../../src/testing/index.js';
import { describeEdgeCoverage } from '../model/describeEdgeCoverage.js';

const AT = 1_000;
const serialize = (s: AnyMachineSnapshot) => {
  const c = s.context as CircuitBreakerContext;
  return JSON.stringify([s.value, c.probes, c.isolated]);
};
const model = edgeCoveringPaths(circuitBreakerMachine, {
  inputs: [{ threshold: 2, volumeThreshold: 3, timeout: 1_000, halfOpenMaxCalls: 2 }],
  serialize,
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
      { type: 'RESUME', at: AT + 400 },
      { type: 'CONFIGURE', timeout: 1_000 },
    ];
  },
});

describeEdgeCoverage('circuitBreaker', model, (path) => runPath(circuitBreakerMachine, path, { serialize }));
