/**
 * A stand-in for the `reconnect` child of the WebSocket and SSE machines that
 * records what the parent gives it (its input, the DROPPED / RETRY_NOW it is
 * told) and takes the state a test names, so the parent's glue (input, trackLoop,
 * emitted `reconnecting`, `done`) is checked against hand-written values.
 */
import { assign, setup, type AnyActorRef } from 'xstate';

export type RecordedLoopState = 'up' | 'attempting' | 'waiting' | 'finished';
type SetEvent = { type: 'SET'; value: RecordedLoopState; attempts: number; delay: number; seed: number; outcome?: string };
type LoopContext = { attempts: number; delay: number; seed: number; outcome: string };

export function loopRecorder() {
  const inputs: unknown[] = [];
  const told: unknown[] = [];
  const to = (value: RecordedLoopState) => ({
    guard: ({ event }: { event: SetEvent }) => event.value === value,
    target: `.${value}`,
    reenter: true,
    actions: 'take' as const,
  });
  const logic = setup({
    types: { context: {} as LoopContext, events: {} as SetEvent | { type: 'DROPPED'; reason?: string } | { type: 'RETRY_NOW' }, input: {} as unknown },
    actions: {
      take: assign(({ event }) => {
        const e = event as SetEvent;
        return { attempts: e.attempts, delay: e.delay, seed: e.seed, outcome: e.outcome ?? 'exhausted' };
      }),
      record: ({ event }) => void told.push(event),
    },
  }).createMachine({
    context: ({ input }) => {
      inputs.push(input);
      return { attempts: -1, delay: -1, seed: -1, outcome: 'exhausted' };
    },
    initial: 'up',
    on: { SET: [to('up'), to('attempting'), to('waiting'), to('finished')], DROPPED: { actions: 'record' }, RETRY_NOW: { actions: 'record' } },
    states: { up: {}, attempting: {}, waiting: {}, finished: { type: 'final' } },
    output: ({ context }) => ({ outcome: context.outcome, attempts: context.attempts }),
  });
  /** Makes the running stand-in (the parent's `reconnect` child) take a state. */
  const set = (parent: AnyActorRef, value: RecordedLoopState, attempts: number, delay: number, seed: number, outcome?: string) => {
    const child = parent.getSnapshot().children.reconnect as AnyActorRef | undefined;
    if (!child) throw new Error('no reconnect child');
    child.send({ type: 'SET', value, attempts, delay, seed, ...(outcome ? { outcome } : {}) });
  };
  return { logic, inputs, told, set };
}
