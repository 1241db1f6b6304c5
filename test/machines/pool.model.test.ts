import type { AnyMachineSnapshot } from 'xstate';
import { poolMachine, type PoolContext } from '../../machines/pool.js';
import { edgeCoveringPaths, runPath } from '../../src/testing/index.js';
import { describeEdgeCoverage } from '../model/describeEdgeCoverage.js';

const CONN = 'p.conn';
const serialize = (s: AnyMachineSnapshot) => {
  const c = s.context as PoolContext;
  return JSON.stringify([s.value, c.slots.length, c.wakeIn, c.drainDeadline, Object.keys(s.children).includes(CONN)]);
};
// The kit's input, events and serialization (src/testing/traversal/pool.ts): what a user gets.
const model = edgeCoveringPaths(poolMachine);

describeEdgeCoverage('pool', model, (path) => runPath(poolMachine, path, { serialize }));
