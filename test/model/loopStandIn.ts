import { assign, setup, type AnyActorRef, type EventObject } from 'xstate';
import type { LoopRecord } from '../../machines/reconnectLoop.js';
import { reconnectLoopEvents } from '../../src/testing/index.js';

/**
 * A stand-in for the reconnect loop (machines/reconnectLoop.ts, model-tested on
 * its own) in the model tests of the machines that invoke it (WebSocket, SSE).
 * Its state is set by the path: the loop's snapshots and its `done` are events of
 * the parent's model, and `performLoopStep` makes the stand-in take the state a
 * step names, so each model step is one real step.
 */
export type LoopState = 'waiting' | 'paused' | 'attempting' | 'exhausted';
type SetEvent = { type: 'SET'; value: LoopState } & LoopRecord;

const goTo = (value: LoopState) => ({
  guard: ({ event }: { event: SetEvent }) => event.value === value,
  target: `.${value}`,
  reenter: true,
  actions: 'take' as const,
});

export const loopStandIn = setup({
  types: { context: {} as LoopRecord & { outcome: 'attempting' | 'exhausted' }, events: {} as SetEvent },
  actions: {
    take: assign(({ event }) => ({
      attempts: event.attempts,
      delay: event.delay,
      seed: event.seed,
      outcome: event.value === 'exhausted' ? ('exhausted' as const) : ('attempting' as const),
    })),
  },
}).createMachine({
  context: { attempts: 1, delay: 0, seed: 1, outcome: 'attempting' },
  // The real loop counts its cause in `down` and goes on at once; the path sets what follows.
  initial: 'down',
  on: { SET: [goTo('waiting'), goTo('paused'), goTo('attempting'), goTo('exhausted')] },
  states: { down: {}, waiting: {}, paused: {}, attempting: { type: 'final' }, exhausted: { type: 'final' } },
  output: ({ context }) => ({ outcome: context.outcome, attempts: context.attempts, delay: context.delay, seed: context.seed }),
});

/** The model events that stand for the loop: its snapshots while it waits, and how it ends (the kit's). */
export const loopEvents = [...reconnectLoopEvents];

/** `runPath`'s `perform` for the loop's events: the stand-in takes the state the step names. */
export function performLoopStep(event: EventObject, actor: AnyActorRef): void {
  const loop = actor.getSnapshot().children.reconnect as AnyActorRef;
  if (event.type === 'xstate.done.actor.reconnect') {
    const { outcome, attempts, delay, seed } = (event as unknown as { output: LoopRecord & { outcome: LoopState } }).output;
    return loop.send({ type: 'SET', value: outcome, attempts, delay, seed });
  }
  const { value, context } = (event as unknown as { snapshot: { value: LoopState; context: LoopRecord } }).snapshot;
  loop.send({ type: 'SET', value, ...context });
}
