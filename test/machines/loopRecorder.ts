/**
 * A stand-in for the `reconnect` child of the WebSocket and SSE machines that
 * records what the parent gives it (its input, the RETRY_NOW / RESUME it is told)
 * and takes the state a test names, so the parent's side (input, the record it
 * keeps, emitted `reconnecting`, how it ends) is checked against hand-written values.
 */
import { assign, setup, type AnyActorRef } from 'xstate';

export type RecordedLoopState = 'down' | 'waiting' | 'paused' | 'attempting' | 'exhausted';
type SetEvent = { type: 'SET'; value: RecordedLoopState; attempts: number; delay: number; seed: number };
type LoopContext = { attempts: number; delay: number; seed: number; outcome: 'attempting' | 'exhausted' };

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
    types: { context: {} as LoopContext, events: {} as SetEvent | { type: 'RETRY_NOW' } | { type: 'RESUME' }, input: {} as unknown },
    actions: {
      take: assign(({ event }) => {
        const e = event as SetEvent;
        return { attempts: e.attempts, delay: e.delay, seed: e.seed, outcome: e.value === 'exhausted' ? ('exhausted' as const) : ('attempting' as const) };
      }),
      record: ({ event }) => void told.push(event),
    },
  }).createMachine({
    context: ({ input }) => {
      inputs.push(input);
      return { attempts: -1, delay: -1, seed: -1, outcome: 'attempting' as const };
    },
    initial: 'down',
    on: {
      SET: [to('down'), to('waiting'), to('paused'), to('attempting'), to('exhausted')],
      RETRY_NOW: { actions: 'record' },
      RESUME: { actions: 'record' },
    },
    states: { down: {}, waiting: {}, paused: {}, attempting: { type: 'final' }, exhausted: { type: 'final' } },
    output: ({ context }) => context,
  });
  /** Makes the running stand-in (the parent's `reconnect` child) take a state. */
  const set = (parent: AnyActorRef, value: RecordedLoopState, attempts: number, delay: number, seed: number) => {
    const child = parent.getSnapshot().children.reconnect as AnyActorRef | undefined;
    if (!child) throw new Error('no reconnect child');
    child.send({ type: 'SET', value, attempts, delay, seed });
  };
  return { logic, inputs, told, set };
}
