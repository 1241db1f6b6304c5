import { expect } from 'vitest';
import type { AnyMachineSnapshot } from 'xstate';
import { reconnectLoop, type ReconnectLoopContext } from '../../machines/reconnectLoop.js';
import { edgeCoveringPaths, runPath } from '../../src/testing/index.js';
import { describeEdgeCoverage } from '../model/describeEdgeCoverage.js';

const serialize = (s: AnyMachineSnapshot) => {
  const c = s.context as ReconnectLoopContext;
  return JSON.stringify([s.value, c.attempts]);
};
// The kit's inputs and events (src/testing/traversal/reconnectLoop.ts): what a user gets.
const model = edgeCoveringPaths(reconnectLoop);

describeEdgeCoverage('reconnectLoop', model, (path) =>
  runPath(reconnectLoop, path, {
    serialize,
    check: (actual, expected) => {
      const a = actual.context as ReconnectLoopContext;
      expect(a.delay).toBeLessThanOrEqual(a.policy.maxDelay);
      expect(a.delay).toBe((expected.context as ReconnectLoopContext).delay);
    },
  }),
);
