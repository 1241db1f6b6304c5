import { expect } from 'vitest';
import { fromPromise, type AnyMachineSnapshot, type EventObject } from 'xstate';
import { backoffMachine, type BackoffContext, type BackoffInput } from '../../machines/backoff.js';
import { edgeCoveringPaths, runPath } from '../../src/testing/index.js';
import { describeEdgeCoverage } from '../model/describeEdgeCoverage.js';

const serialize = (s: AnyMachineSnapshot) => {
  const c = s.context as BackoffContext;
  return JSON.stringify([s.value, c.attempts, c.serverDelay]);
};
const base = { base: 100, maxDelay: 1_000, minUptime: 500, maxAttempts: 2, jitter: 'full' } as const;
const inputs: BackoffInput[] = [
  { ...base, mode: 'retry' },
  { ...base, mode: 'reconnect' },
];
const model = edgeCoveringPaths(backoffMachine, {
  inputs,
  serialize,
  events: () => [
    { type: 'xstate.done.actor.attempt', output: 'ok' },
    { type: 'xstate.error.actor.attempt', error: new Error('refused') },
    { type: 'xstate.error.actor.attempt', error: Object.assign(new Error('busy'), { retryAfter: 250 }) },
    { type: 'SUCCEEDED' },
    { type: 'FAILED', error: new Error('closed 1006') },
    { type: 'RETRY_NOW' },
    { type: 'DROPPED', reason: 'socket closed' },
    { type: 'DROPPED', retryAfter: 300 },
    { type: 'STOP' },
    // A restored snapshot's re-arm (test/machines/restore.test.ts).
    { type: 'RESUME' },
  ],
});

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
