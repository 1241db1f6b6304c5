import type { AnyMachineSnapshot } from 'xstate';
import { poolSlotMachine, type PoolSlotContext } from '../../machines/poolSlot.js';
import { edgeCoveringPaths, runPath } from '../../src/testing/index.js';
import { describeEdgeCoverage } from '../model/describeEdgeCoverage.js';

// The connection the kit's paths adopt into the slot (src/testing/traversal/poolSlot.ts).
const CONN = 'p.slot0.conn1';

/** Finer than the kit's key: the replay checks the slot's failure record and its child too. */
const serialize = (s: AnyMachineSnapshot) => {
  const c = s.context as PoolSlotContext;
  return JSON.stringify([s.value, c.broken, c.reason, c.lastError, c.created > 0, Object.keys(s.children).includes(CONN)]);
};
// The kit's input and events (src/testing/traversal/poolSlot.ts: adoption tried from the initial vertex
// only, as the exploration shares one actor system) and its loop stand-in; replayed with this finer key.
const model = edgeCoveringPaths(poolSlotMachine);

describeEdgeCoverage('poolSlot', model, (path) => runPath(poolSlotMachine, path, { serialize }));
