import { assign, fromCallback, setup, type AnyActorRef, type AnyMachineSnapshot, type EventObject } from 'xstate';
import { sseMachine } from '../../machines/sse.js';
import { getCoveringPaths } from '../model/coveringPaths.js';
import { runPath } from '../model/runPath.js';
import { describeEdgeCoverage } from '../model/describeEdgeCoverage.js';

/**
 * The reconnect loop is the backoff machine (model-tested on its own). Here it is
 * a stand-in whose state the path sets, so each step of this machine's model is
 * one step of the real actor: the loop's snapshots are the model's events.
 */
type LoopState = 'attempting' | 'waiting' | 'exhausted';
type SetEvent = { type: 'SET'; value: LoopState; attempts: number; delay: number; seed: number };
const goTo = (value: LoopState) => ({
  guard: ({ event }: { event: SetEvent }) => event.value === value,
  target: `.${value}`,
  reenter: true,
  actions: 'take' as const,
});
const loopStandIn = setup({
  types: { context: {} as { attempts: number; delay: number; seed: number }, events: {} as SetEvent },
  actions: { take: assign(({ event }) => ({ attempts: event.attempts, delay: event.delay, seed: event.seed })) },
}).createMachine({
  context: { attempts: 1, delay: 0, seed: 1 },
  // The real loop is resumed at `up` and told DROPPED; the path sets what follows.
  initial: 'up',
  on: { SET: [goTo('attempting'), goTo('waiting'), goTo('exhausted')] },
  states: { up: {}, attempting: {}, waiting: {}, exhausted: { type: 'final' } },
  output: ({ context }) => ({ outcome: 'exhausted', attempts: context.attempts }),
});

const machine = sseMachine.provide({
  actors: { reconnect: loopStandIn as never, stream: fromCallback(() => {}) as never },
});

const loopSnapshot = (value: LoopState) => ({
  type: 'xstate.snapshot.reconnect',
  snapshot: { value, context: { attempts: 2, delay: 300, seed: 7 } },
});

const serialize = (s: AnyMachineSnapshot) => JSON.stringify(s.value);
const model = getCoveringPaths(machine, {
  inputs: [{ url: 'http://127.0.0.1:1/events', connectTimeout: 500, minUptime: 300 }],
  serialize,
  events: () => [
    { type: 'CONNECT' },
    { type: 'DISCONNECT' },
    { type: 'RETRY_NOW' },
    { type: 'OPENED', at: 1 },
    { type: 'RETRY_SET', ms: 250 },
    { type: 'STREAM_ENDED', reason: 'end', at: 100 },
    // Open long enough (OPENED at 1, minUptime 300): the attempt count resets.
    { type: 'STREAM_ENDED', reason: 'idle', at: 10_000 },
    { type: 'STREAM_FAILED', reason: 'ECONNREFUSED' },
    { type: 'STREAM_FAILED', reason: 'Non-200 status code (503)', status: 503 },
    { type: 'STREAM_FAILED', reason: 'Server sent HTTP 204, not reconnecting', status: 204 },
    { type: 'STREAM_FAILED', reason: 'Non-200 status code (401)', status: 401 },
    { type: 'STREAM_FAILED', reason: 'Non-200 status code (410)', status: 410, terminal: true },
    loopSnapshot('waiting'),
    loopSnapshot('attempting'),
    { type: 'xstate.done.actor.reconnect', output: { outcome: 'exhausted', attempts: 2 } },
  ],
});

/** Makes the stand-in loop take the state the model step names. */
function perform(event: EventObject, actor: AnyActorRef) {
  const loop = actor.getSnapshot().children.reconnect as AnyActorRef;
  if (event.type === 'xstate.done.actor.reconnect') return loop.send({ type: 'SET', value: 'exhausted', attempts: 2, delay: 0, seed: 7 });
  const { value, context } = (event as unknown as { snapshot: { value: LoopState; context: { attempts: number; delay: number; seed: number } } }).snapshot;
  loop.send({ type: 'SET', value, ...context });
}

describeEdgeCoverage('sse', model, (path) => runPath(machine, path, { serialize, perform }));
