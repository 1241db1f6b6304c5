import { assign, fromCallback, setup, type AnyActorRef, type AnyMachineSnapshot, type EventObject } from 'xstate';
import { webSocketMachine } from '../../machines/websocket.js';
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

const machine = webSocketMachine.provide({
  actors: { reconnect: loopStandIn as never, socket: fromCallback(() => {}) as never, healthPoll: fromCallback(() => {}) as never },
});

const loopSnapshot = (value: LoopState) => ({
  type: 'xstate.snapshot.reconnect',
  snapshot: { value, context: { attempts: 2, delay: 300, seed: 7 } },
});

const serialize = (s: AnyMachineSnapshot) => JSON.stringify(s.value);
const model = getCoveringPaths(machine, {
  inputs: [
    { url: 'ws://127.0.0.1:1/ws', connectTimeout: 500, pingInterval: 1_000, pongTimeout: 200, minUptime: 300 },
    // Started with the network down (a browser tab opened offline).
    { url: 'ws://127.0.0.1:1/ws', connectTimeout: 500, pingInterval: 1_000, pongTimeout: 200, minUptime: 300, online: false },
  ],
  serialize,
  events: () => [
    { type: 'CONNECT' },
    { type: 'DISCONNECT' },
    { type: 'OPENED', at: 1 },
    { type: 'SOCKET_CLOSED', code: 1000, reason: 'bye', wasOpen: true },
    { type: 'SOCKET_CLOSED', code: 1006, reason: '', wasOpen: true },
    // Up long enough (OPENED at 1, minUptime 300): the attempt count resets.
    { type: 'SOCKET_CLOSED', code: 1006, reason: '', wasOpen: true, at: 10_000 },
    { type: 'SOCKET_CLOSED', code: 4401, reason: 'token expired', wasOpen: true, terminal: true },
    { type: 'SOCKET_FAILED', reason: 'ECONNREFUSED' },
    { type: 'SOCKET_FAILED', reason: 'Unexpected server response: 401', status: 401 },
    { type: 'PONG' },
    { type: 'HEALTHY' },
    { type: 'RETRY_NOW' },
    { type: 'ONLINE' },
    { type: 'OFFLINE' },
    { type: 'VISIBLE' },
    { type: 'STREAM_AUDIO' },
    { type: 'USER_MESSAGE' },
    { type: 'SPEAKING' },
    { type: 'IDLE' },
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

describeEdgeCoverage('websocket', model, (path) => runPath(machine, path, { serialize, perform }));
