import { createActor, SimulatedClock, type AnyActorRef, type AnyMachineSnapshot, type AnyStateMachine, type EventObject } from 'xstate';
import { setImmediate as tick } from 'node:timers/promises';
import { transitionsOf, type CoveringPath } from './coveringPaths.js';

export interface RunOptions {
  /** Drives an event the test cannot simply `send` (an invoked actor's result). */
  perform?: (event: EventObject, actor: AnyActorRef, clock: SimulatedClock) => void | Promise<void>;
  /** What must match between the running actor and the model after each step. */
  serialize?: (snapshot: AnyMachineSnapshot) => string;
  /** Extra check after each step (emitted events, side effects). */
  check?: (actual: AnyMachineSnapshot, expected: AnyMachineSnapshot, event: EventObject) => void;
}

/**
 * Replays a generated path on a real, started actor of `machine` with a
 * `SimulatedClock`: plain events are sent, `after` steps advance the clock by
 * exactly the delay (asserting nothing happens 1 ms before it), and after every
 * step the actor must be where the model says.
 */
export async function runPath<TInput>(
  machine: AnyStateMachine,
  path: CoveringPath<TInput>,
  options: RunOptions = {},
): Promise<void> {
  const delays = new Map<string, (s: AnyMachineSnapshot) => number>();
  for (const ref of transitionsOf(machine).values()) if (ref.delay) delays.set(ref.eventType, ref.delay);
  const serialize = options.serialize ?? ((s: AnyMachineSnapshot) => JSON.stringify(s.value));
  const clock = new SimulatedClock();
  let failure: unknown;
  const actor = createActor(machine, { input: path.input, clock });
  actor.subscribe({ error: (e) => (failure = e) });
  actor.start();
  for (const [i, step] of path.steps.entries()) {
    const where = `step ${i + 1}/${path.steps.length} (${step.event.type})`;
    const before = actor.getSnapshot() as AnyMachineSnapshot;
    const delayOf = delays.get(step.event.type);
    if (delayOf) {
      const ms = delayOf(before);
      if (ms >= 1) {
        clock.increment(ms - 1);
        await tick();
        if (serialize(actor.getSnapshot()) !== serialize(before)) {
          throw new Error(`${where}: moved before its ${ms} ms delay was up`);
        }
      }
      clock.increment(Math.min(ms, 1));
    } else if (options.perform && step.event.type.startsWith('xstate.')) {
      await options.perform(step.event, actor, clock);
    } else {
      actor.send(step.event);
    }
    await tick();
    if (failure) throw failure;
    const actual = actor.getSnapshot() as AnyMachineSnapshot;
    const got = serialize(actual);
    const want = serialize(step.state);
    if (got !== want) throw new Error(`${where}: actor is at ${got}, model says ${want}`);
    options.check?.(actual, step.state, step.event);
  }
  actor.stop();
}
