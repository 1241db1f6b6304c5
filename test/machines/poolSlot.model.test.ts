import type { AnyMachineSnapshot, EventObject, AnyActorRef } from 'xstate';
import { setup } from 'xstate';
import { poolSlotMachine, type PoolSlotContext, type PoolSlotInput } from '../../machines/poolSlot.js';
import { edgeCoveringPaths, loopStandIn, performLoopStep, reconnectLoopEvents as loopEvents, runPath } from '../../src/testing/index.js';
import { describeEdgeCoverage } from '../model/describeEdgeCoverage.js';

// The `work` actor is the machine's own stand-in (it never answers): its answers are events of the path
// (CREATED, CREATE_FAILED, …), sent as the pool's work actor sends them. The loop is the usual stand-in.
const machine = poolSlotMachine.provide({ actors: { reconnect: loopStandIn as never } });
const child = setup({}).createMachine({ id: 'conn' });
const CONN = 'p.slot0.conn1';

const serialize = (s: AnyMachineSnapshot) => {
  const c = s.context as PoolSlotContext;
  return JSON.stringify([s.value, c.broken, c.reason, c.lastError, c.created > 0, Object.keys(s.children).includes(CONN)]);
};
const input: PoolSlotInput = {
  name: 'p.slot0',
  createTimeout: 300,
  validateTimeout: 200,
  destroyTimeout: 100,
  backoff: { base: 50, maxDelay: 1000, maxAttempts: null, minUptime: 0, jitter: 'equal' },
  seed: 5,
};
const initialKey = JSON.stringify(['empty', false, null, null, false, false]);
const model = edgeCoveringPaths(machine, {
  inputs: [input],
  serialize,
  // The exploration runs in one actor system, where a name is adopted once: adoption is tried from the
  // initial vertex only (explored once), release wherever the connection is a child.
  events: (s) => [
    ...(Object.keys(s.children).includes(CONN)
      ? [{ type: 'statewire.release', name: CONN }]
      : serialize(s) === initialKey
        ? [{ type: 'statewire.adopt', name: CONN, logic: child }]
        : []),
    { type: 'CREATE' },
    { type: 'CANCEL' },
    { type: 'LEASE', leases: 4 },
    { type: 'RELEASE' },
    { type: 'DISCARD', reason: 'evicted' },
    { type: 'DROPPED' },
    { type: 'CHECK' },
    { type: 'CREATED' },
    { type: 'CREATE_FAILED', error: new Error('refused') },
    { type: 'CHECKED', healthy: true },
    { type: 'CHECKED', healthy: false },
    { type: 'CHECK_FAILED', error: new Error('ping failed') },
    { type: 'DESTROYED' },
    ...loopEvents,
  ],
});

function perform(event: EventObject, actor: AnyActorRef): void {
  performLoopStep(event, actor);
}

describeEdgeCoverage('poolSlot', model, (path) => runPath(machine, path, { serialize, perform }));
