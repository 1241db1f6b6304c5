import { expect } from 'vitest';
import { fromPromise, type AnyMachineSnapshot, type EventObject } from 'xstate';
import { sharedStateMachine, type SharedStateContext } from '../../machines/sharedState.js';
import { edgeCoveringPaths, runPath } from '../../src/testing/index.js';
import { describeEdgeCoverage } from '../model/describeEdgeCoverage.js';

const serialize = (s: AnyMachineSnapshot) => {
  const c = s.context as SharedStateContext;
  return JSON.stringify([s.value, c.waitingFor, c.everConnected, Math.min(c.degradations, 2)]);
};
// The kit's input, events and serialization (src/testing/traversal/sharedState.ts): what a user gets.
const model = edgeCoveringPaths(sharedStateMachine);

/** The store check is a promise the path settles: done → resolve, error → reject. */
function controlledCheck() {
  let settle: { resolve: (v: unknown) => void; reject: (e: unknown) => void } | undefined;
  const machine = sharedStateMachine.provide({
    actors: { checkStore: fromPromise(() => new Promise((resolve, reject) => (settle = { resolve, reject }))) as never },
  });
  const perform = async (event: EventObject) => {
    if (!settle) throw new Error(`no check in flight for ${event.type}`);
    const { resolve, reject } = settle;
    settle = undefined;
    if (event.type.startsWith('xstate.done')) resolve((event as { output?: unknown }).output);
    else reject((event as { error?: unknown }).error);
  };
  return { machine, perform };
}

describeEdgeCoverage('sharedState', model, async (path) => {
  const { machine, perform } = controlledCheck();
  await runPath(machine, path, {
    serialize,
    perform,
    check: (actual) => {
      const c = actual.context as SharedStateContext;
      // What it waits for is what its state says.
      expect(c.waitingFor).toBe(actual.matches('connected') ? null : actual.matches({ degraded: 'checking' }) ? 'check' : 'recheck');
    },
  });
});
