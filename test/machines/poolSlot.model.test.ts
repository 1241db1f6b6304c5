import type { AnyMachineSnapshot, EventObject, AnyActorRef } from 'xstate';
import { setup } from 'xstate';
import { poolSlotMachine, type PoolSlotContext, type PoolSlotInput } from '../../machines/poolSlot.js';
import { getCoveringPaths } from '../model/coveringPaths.js';
import { runPath } from '../model/runPath.js';
import { describeEdgeCoverage } from '../model/describeEdgeCoverage.js';
import { loopEvents, loopStandIn, performLoopStep } from '../model/loopStandIn.js';
import { performPromiseStep, promiseStandIn } from '../pool/promiseStandIn.js';

// create / validate / destroy settle when the path says; the loop is the usual stand-in.
const machine = poolSlotMachine.provide({
  actors: { create: promiseStandIn as never, validate: promiseStandIn as never, destroy: promiseStandIn as never, reconnect: loopStandIn as never },
});
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
const model = getCoveringPaths(machine, {
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
    { type: 'xstate.done.actor.create' },
    { type: 'xstate.error.actor.create', error: new Error('refused') },
    { type: 'xstate.done.actor.validate', output: true },
    { type: 'xstate.done.actor.validate', output: false },
    { type: 'xstate.error.actor.validate', error: new Error('ping failed') },
    { type: 'xstate.done.actor.destroy' },
    { type: 'xstate.error.actor.destroy', error: new Error('close failed') },
    ...loopEvents,
  ],
});

function perform(event: EventObject, actor: AnyActorRef): void {
  if (event.type.endsWith('.reconnect')) performLoopStep(event, actor);
  else performPromiseStep(event, actor);
}

describeEdgeCoverage('poolSlot', model, (path) => runPath(machine, path, { serialize, perform }));
