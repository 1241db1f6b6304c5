import type { AnyMachineSnapshot } from 'xstate';
import { circuitBreakerMachine, type CircuitBreakerContext } from '../../machines/circuitBreaker.js';
import { edgeCoveringPaths, runPath } from '../../src/testing/index.js';
import { describeEdgeCoverage } from '../model/describeEdgeCoverage.js';

const serialize = (s: AnyMachineSnapshot) => {
  const c = s.context as CircuitBreakerContext;
  return JSON.stringify([s.value, c.probes, c.isolated]);
};
// The kit's inputs, events and serialization (src/testing/traversal/circuitBreaker.ts): what a user gets.
const model = edgeCoveringPaths(circuitBreakerMachine);

describeEdgeCoverage('circuitBreaker', model, (path) => runPath(circuitBreakerMachine, path, { serialize }));
