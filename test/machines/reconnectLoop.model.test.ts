import { expect } from 'vitest';
import type { AnyMachineSnapshot } from 'xstate';
import { reconnectLoop, type ReconnectLoopContext, type ReconnectLoopInput } from '../../machines/reconnectLoop.js';
import { edgeCoveringPaths, runPath } from '../../src/testing/index.js';
import { describeEdgeCoverage } from '../model/describeEdgeCoverage.js';

const serialize = (s: AnyMachineSnapshot) => {
  const c = s.context as ReconnectLoopContext;
  return JSON.stringify([s.value, c.attempts]);
};
const policy = { base: 100, maxDelay: 1_000, maxAttempts: 2, minUptime: 500, jitter: 'full' } as const;
const record = { attempts: 1, delay: 0, seed: 3 };
const inputs: ReconnectLoopInput[] = [
  { policy, record, cause: { type: 'FAILED', reason: 'refused' }, sessionOpened: true },
  { policy, record: { ...record, attempts: 2 }, cause: { type: 'FAILED', reason: 'refused' }, sessionOpened: true },
  { policy, record, cause: { type: 'ABANDONED' }, sessionOpened: false, offline: true },
];
const model = edgeCoveringPaths(reconnectLoop, {
  inputs,
  serialize,
  events: () => [{ type: 'RETRY_NOW' }, { type: 'RESUME' }],
});

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
