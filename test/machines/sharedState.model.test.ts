import { expect } from 'vitest';
import type { AnyMachineSnapshot } from 'xstate';
import { sharedStateMachine, type SharedStateContext } from '../../machines/sharedState.js';
import { edgeCoveringPaths, runPath } from '../../src/testing/index.js';
import { describeEdgeCoverage } from '../model/describeEdgeCoverage.js';

const serialize = (s: AnyMachineSnapshot) => {
  const c = s.context as SharedStateContext;
  return JSON.stringify([s.value, c.waitingFor, c.everConnected, Math.min(c.degradations, 2)]);
};
// The kit's input, events and serialization (src/testing/traversal/sharedState.ts): what a user gets.
const model = edgeCoveringPaths(sharedStateMachine);

describeEdgeCoverage('sharedState', model, async (path) => {
  // The kit's stand-in for the store check: a promise the path's done / error steps settle.
  await runPath(sharedStateMachine, path, {
    serialize,
    check: (actual) => {
      const c = actual.context as SharedStateContext;
      // What it waits for is what its state says.
      expect(c.waitingFor).toBe(actual.matches('connected') ? null : actual.matches({ degraded: 'checking' }) ? 'check' : 'recheck');
    },
  });
});
