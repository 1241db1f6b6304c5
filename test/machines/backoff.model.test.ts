import { expect } from 'vitest';
import { fromPromise, type AnyMachineSnapshot, type EventObject } from 'xstate';
import { backoffMachine, type BackoffContext, type BackoffInput } from '../../machines/backoff.js';
import { edgeCoveringPaths, runPath } from '../../src/testing/index.js';
import { describeEdgeCoverage } from '../model/describeEdgeCoverage.js';

const serialize = (s: AnyMachineSnapshot) => {
  const c = s.context as BackoffContext;
  return JSON.stringify([s.value, c.attempts, c.serverDelay]);
};
// The kit's inputs (both modes), events and serialization (src/testing/traversal/backoff.ts): what a user gets.
const model = edgeCoveringPaths<BackoffInput>(backoffMachine);

/** The attempt actor is a promise the path settles: done → resolve, error → reject. */
function controlledAttempt() {
  let settle: { resolve: (v: unknown) => void; reject: (e: unknown) => void } | undefined;
  const machine = backoffMachine.provide({
    actors: {
      attempt: fromPromise(() => new Promise((resolve, reject) => (settle = { resolve, reject }))),
    },
  });
  const perform = async (event: EventObject) => {
    if (!settle) throw new Error(`no attempt in flight for ${event.type}`);
    const { resolve, reject } = settle;
    settle = undefined;
    if (event.type.startsWith('xstate.done')) resolve((event as { output?: unknown }).output);
    else reject((event as { error?: unknown }).error);
  };
  return { machine, perform };
}

describeEdgeCoverage(
  'backoff',
  model,
  async (path) => {
    const { machine, perform } = controlledAttempt();
    await runPath(machine, path, {
      serialize,
      perform,
      check: (actual, expected) => {
        const a = actual.context as BackoffContext;
        expect(a.delay).toBeLessThanOrEqual(a.policy.maxDelay);
        expect(a.delay).toBe((expected.context as BackoffContext).delay);
      },
    });
  },
  (path) => `${path.input?.mode}: `,
);
