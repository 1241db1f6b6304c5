import type { AnyMachineSnapshot } from 'xstate';
import { reconnectLoop, type ReconnectLoopContext, type ReconnectLoopInput } from '../../../machines/reconnectLoop.js';
import type { MachineTraversal } from './spec.js';

const policy = { base: 100, maxDelay: 1_000, maxAttempts: 2, minUptime: 500, jitter: 'full' } as const;
const record = { attempts: 1, delay: 0, seed: 3 };

/**
 * The reconnect loop: `attempts` only (bounded by `maxAttempts` 2). Where it
 * goes from `down` is fixed by its input (offline → `paused`; attempts left →
 * `waiting`; none → `exhausted`), hence three inputs.
 */
export const reconnectLoopTraversal: MachineTraversal<ReconnectLoopInput> = {
  machine: reconnectLoop,
  inputs: [
    { policy, record, cause: { type: 'FAILED', reason: 'refused' }, sessionOpened: true },
    { policy, record: { ...record, attempts: 2 }, cause: { type: 'FAILED', reason: 'refused' }, sessionOpened: true },
    { policy, record, cause: { type: 'ABANDONED' }, sessionOpened: false, offline: true },
  ],
  serializeState: (s: AnyMachineSnapshot) => JSON.stringify([s.value, (s.context as ReconnectLoopContext).attempts]),
  events: () => [{ type: 'RETRY_NOW' }, { type: 'RESUME' }],
};
