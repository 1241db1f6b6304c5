import { expect } from 'vitest';
import type { AnyMachineSnapshot } from 'xstate';
import { backoffMachine, type BackoffContext, type BackoffInput } from '../../machines/backoff.js';
import { edgeCoveringPaths, runPath } from '../../src/testing/index.js';
import { describeEdgeCoverage } from '../model/describeEdgeCoverage.js';

const serialize = (s: AnyMachineSnapshot) => {
  const c = s.context as BackoffContext;
  return JSON.stringify([s.value, c.attempts, c.serverDelay]);
};
// The kit's inputs (both modes), events and serialization (src/testing/traversal/backoff.ts): what a user gets.
const model = edgeCoveringPaths<BackoffInput>(backoffMachine);

describeEdgeCoverage(
  'backoff',
  model,
  async (path) => {
    // The kit's stand-in for the attempt: a promise the path's done / error steps settle.
    await runPath(backoffMachine, path, {
      serialize,
      check: (actual, expected) => {
        const a = actual.context as BackoffContext;
        expect(a.delay).toBeLessThanOrEqual(a.policy.maxDelay);
        expect(a.delay).toBe((expected.context as BackoffContext).delay);
      },
    });
  },
  (path) => `${path.input?.mode}: `,
);
