import type { AnyMachineSnapshot } from 'xstate';
import { setup } from 'xstate';
import { poolMachine, type PoolContext, type PoolInput } from '../../machines/pool.js';
import { edgeCoveringPaths, runPath } from '../../src/testing/index.js';
import { describeEdgeCoverage } from '../model/describeEdgeCoverage.js';

const serialize = (s: AnyMachineSnapshot) => {
  const c = s.context as PoolContext;
  return JSON.stringify([s.value, c.slots.length, c.wakeIn, c.drainDeadline, Object.keys(s.children).includes(CONN)]);
};
const child = setup({}).createMachine({ id: 'conn' });
const CONN = 'p.conn';
const input: PoolInput = {
  name: 'p',
  size: 2,
  seed: 3,
  // Distinct rounds, so a path's `after` step is the one that fires.
  cleanupInterval: 1_000,
  healthCheckInterval: 1_700,
  slot: { createTimeout: 100, validateTimeout: 100, destroyTimeout: 100, backoff: { base: 10, maxDelay: 100, maxAttempts: null, minUptime: 0, jitter: 'none' } },
};
const initialKey = JSON.stringify(['idle', 0, 0, null, false]);
const model = edgeCoveringPaths(poolMachine, {
  inputs: [input],
  serialize,
  // One actor system for the whole exploration: the slots and the adopted child get their names once
  // (START and adoption from the initial vertex only, which is explored once).
  events: (s) => [
    ...(serialize(s) === initialKey ? [{ type: 'START' }, { type: 'statewire.adopt', name: CONN, logic: child }] : []),
    ...(Object.keys(s.children).includes(CONN) ? [{ type: 'statewire.release', name: CONN }] : []),
    { type: 'WAKE_IN', ms: 50 },
    { type: 'WAKE_IN', ms: 20 },
    { type: 'DRAIN', deadline: 500 },
    { type: 'DRAIN', deadline: null },
    { type: 'DRAINED' },
  ],
});

describeEdgeCoverage('pool', model, (path) => runPath(poolMachine, path, { serialize }));
