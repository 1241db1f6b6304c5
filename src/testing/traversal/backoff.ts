import type { AnyMachineSnapshot } from 'xstate';
import { backoffMachine, type BackoffContext, type BackoffInput } from '../../../machines/backoff.js';
import type { MachineTraversal } from './spec.js';

const base = { base: 100, maxDelay: 1_000, minUptime: 500, maxAttempts: 2, jitter: 'full' } as const;

/**
 * The backoff loop: `attempts` (bounded by `maxAttempts` 2) is what its guard
 * reads (edge coverage also tells `serverDelay` apart); `delay`, `seed` and `lastError` are left out. Its mode is
 * fixed by the input: `done` is reached in `retry` mode only, `up` in
 * `reconnect` mode only, hence two inputs. The `attempt` actor's results are
 * synthesised (`xstate.done.actor.attempt`, `xstate.error.actor.attempt`, one
 * with a server-given `retryAfter`).
 */
export const backoffTraversal: MachineTraversal<BackoffInput> = {
  machine: backoffMachine,
  inputs: [
    { ...base, mode: 'retry' },
    { ...base, mode: 'reconnect' },
  ],
  serializeState: (s: AnyMachineSnapshot) => JSON.stringify([s.value, (s.context as BackoffContext).attempts]),
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
    // A restored snapshot's re-arm.
    { type: 'RESUME' },
  ],
  // Every transition: a server-given delay (`serverDelay`) is a vertex of its own.
  coverage: {
    serializeState: (s: AnyMachineSnapshot) => {
      const c = s.context as BackoffContext;
      return JSON.stringify([s.value, c.attempts, c.serverDelay]);
    },
  },
};
