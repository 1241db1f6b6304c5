import { createActor, SimulatedClock, type AnyActorRef, type AnyMachineSnapshot, type AnyStateMachine, type EventObject } from 'xstate';
import { setImmediate as tick } from 'node:timers/promises';
import type { CoveringPath } from './edgeCoveringPaths.js';
import { afterDelays } from './machineGraph.js';
import { standInsFor } from './standIns.js';

/**
 * Options of {@link runPath}.
 *
 * @example
 * ```ts
 * const options: RunOptions = { serialize: (s) => JSON.stringify(s.value), check: (actual) => expect(actual.status).toBe('active') };
 * ```
 */
export interface RunOptions {
  /**
   * Drives an `xstate.*` event the test cannot simply `send` (an invoked
   * actor's result, a child's snapshot): settle the stand-in, move the child.
   *
   * @default undefined: every event is sent
   */
  perform?: (event: EventObject, actor: AnyActorRef, clock: SimulatedClock) => void | Promise<void>;
  /**
   * What must match between the running actor and the model after each step.
   *
   * @default the state value as JSON
   */
  serialize?: (snapshot: AnyMachineSnapshot) => string;
  /** Extra check after each step (emitted events, side effects, an oracle). */
  check?: (actual: AnyMachineSnapshot, expected: AnyMachineSnapshot, event: EventObject) => void;
}

/**
 * Replays a path on a real, started actor of `machine` (or a `.provide(…)` of
 * it) with a `SimulatedClock`: plain events are sent, `after` steps advance the
 * clock by exactly the delay the actor's own snapshot gives (and nothing may
 * happen 1 ms before it), and after every step the actor must be where the
 * model says. Rejects with the step that went wrong.
 *
 * One of statewire's machines given as it is exported (not a `.provide(…)` of
 * it) runs with stand-ins for its invoked actors (`standInsFor`): the socket
 * and stream do nothing, the reconnect loop and the promises take what the
 * path's `xstate.*` steps say. So `edgeCoveringPaths(m)` replays on `m` as it is,
 * for every machine of `statewire/machines`.
 *
 * @example
 * ```ts
 * import { circuitBreakerMachine } from 'statewire/machines';
 * import { edgeCoveringPaths, runPath } from 'statewire/testing';
 *
 * for (const path of edgeCoveringPaths(circuitBreakerMachine).paths) await runPath(circuitBreakerMachine, path);
 * ```
 */
export async function runPath<TInput>(machine: AnyStateMachine, path: CoveringPath<TInput>, options: RunOptions = {}): Promise<void> {
  // One of statewire's own machines, given as it is exported: its invoked actors become stand-ins the path drives.
  const standIns = options.perform === undefined ? standInsFor(machine) : undefined;
  const perform = options.perform ?? standIns?.perform;
  const delays = afterDelays(machine);
  const serialize = options.serialize ?? ((s: AnyMachineSnapshot) => JSON.stringify(s.value));
  const clock = new SimulatedClock();
  let failure: unknown;
  const actor = createActor(standIns?.machine ?? machine, { input: path.input, clock });
  actor.subscribe({ error: (e) => (failure = e) });
  actor.start();
  try {
    for (const [i, step] of path.steps.entries()) {
      const where = `step ${i + 1}/${path.steps.length} (${step.event.type})`;
      const before = actor.getSnapshot() as AnyMachineSnapshot;
      const delayOf = delays.get(step.event.type);
      if (delayOf) {
        const ms = delayOf(before);
        if (ms >= 1) {
          clock.increment(ms - 1);
          await tick();
          if (serialize(actor.getSnapshot()) !== serialize(before)) throw new Error(`${where}: moved before its ${ms} ms delay was up`);
        }
        clock.increment(Math.min(ms, 1));
      } else if (perform && step.event.type.startsWith('xstate.')) {
        await perform(step.event, actor, clock);
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
  } finally {
    actor.stop();
  }
}
