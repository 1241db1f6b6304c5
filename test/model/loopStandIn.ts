import { assign, setup, type AnyActorRef, type EventObject } from 'xstate';

/**
 * A stand-in for the reconnect loop (the backoff machine resumed at `up`, which
 * is model-tested on its own) in the model tests of the machines that invoke it
 * (WebSocket, SSE). Its state is set by the path: the loop's snapshots and its
 * `done` are events of the parent's model, and `performLoopStep` makes the
 * stand-in take the state a step names, so each model step is one real step.
 */
export type LoopState = 'attempting' | 'waiting' | 'exhausted';
type SetEvent = { type: 'SET'; value: LoopState; attempts: number; delay: number; seed: number };

const goTo = (value: LoopState) => ({
  guard: ({ event }: { event: SetEvent }) => event.value === value,
  target: `.${value}`,
  reenter: true,
  actions: 'take' as const,
});

export const loopStandIn = setup({
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

/** The model events that stand for the loop: its snapshots in each state, and its exhaustion. */
export const loopEvents = [
  loopSnapshot('waiting'),
  loopSnapshot('attempting'),
  { type: 'xstate.done.actor.reconnect', output: { outcome: 'exhausted', attempts: 2 } },
];

function loopSnapshot(value: LoopState) {
  return { type: 'xstate.snapshot.reconnect', snapshot: { value, context: { attempts: 2, delay: 300, seed: 7 } } };
}

/** `runPath`'s `perform` for the loop's events: the stand-in takes the state the step names. */
export function performLoopStep(event: EventObject, actor: AnyActorRef): void {
  const loop = actor.getSnapshot().children.reconnect as AnyActorRef;
  if (event.type === 'xstate.done.actor.reconnect') return loop.send({ type: 'SET', value: 'exhausted', attempts: 2, delay: 0, seed: 7 });
  const { value, context } = (event as unknown as { snapshot: { value: LoopState; context: { attempts: number; delay: number; seed: number } } }).snapshot;
  loop.send({ type: 'SET', value, ...context });
}
