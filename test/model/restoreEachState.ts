import {
  createActor,
  SimulatedClock,
  type AnyActorRef,
  type AnyMachineSnapshot,
  type AnyStateMachine,
  type EventObject,
} from 'xstate';
import { setImmediate as tick } from 'node:timers/promises';
import { getShortestPaths } from 'xstate/graph';
import { transitionsOf, type CoveringOptions, type CoveringPath, type PathStep, type RunOptions } from '../../src/testing/index.js';

/** What `restoreCases` explores: the kit's covering options, with the events given. */
export type ExploreOptions<TInput> = CoveringOptions<TInput> & Required<Pick<CoveringOptions<TInput>, 'events'>>;

export interface RestoreCheckOptions {
  perform?: RunOptions['perform'];
  /** What must match between the original and the restored actor (default: the state value). */
  serialize?: (snapshot: AnyMachineSnapshot) => string;
  /** What the runtime does to a restored actor (the machines' `RESUME`), at the clock's `now`. */
  resume?: (actor: AnyActorRef, now: number) => void;
  /** How long both actors run on after the restore (ms), in `steps` equal increments. */
  horizon: number;
  steps?: number;
}

export interface RestoreCase<TInput> {
  /** The state reached (serialized), and how. */
  state: string;
  input: TInput | undefined;
  steps: PathStep[];
}

/**
 * One shortest path to every distinct snapshot (by `explore.serialize`, default the
 * state value) reachable under `explore.events` and the machine's own `after` timers.
 */
export function restoreCases<TInput>(machine: AnyStateMachine, explore: ExploreOptions<TInput>): RestoreCase<TInput>[] {
  const serialize = explore.serialize ?? ((s: AnyMachineSnapshot) => JSON.stringify(s.value));
  const afterEvents = [...transitionsOf(machine).values()].filter((r) => r.delay).map((r) => ({ type: r.eventType }));
  const cases = new Map<string, RestoreCase<TInput>>();
  for (const input of explore.inputs ?? [undefined]) {
    const paths = getShortestPaths(machine, {
      input,
      events: ((s: AnyMachineSnapshot) => [...explore.events(s), ...afterEvents]) as never,
      serializeState: ((s: AnyMachineSnapshot) => serialize(s)) as never,
      limit: explore.limit ?? 10_000,
    });
    for (const path of paths) {
      const state = serialize(path.state as AnyMachineSnapshot);
      const steps = path.steps
        .filter((step) => step.event.type !== 'xstate.init')
        .map((step) => ({ event: step.event as EventObject, state: step.state as AnyMachineSnapshot, fires: [] }));
      const known = cases.get(state);
      if (!known || known.steps.length > steps.length) cases.set(state, { state, input, steps });
    }
  }
  return [...cases.values()];
}

/** Replays `steps` on a started actor with a `SimulatedClock` (as `runPath` does, without its checks). */
async function replay<TInput>(machine: AnyStateMachine, path: CoveringPath<TInput>, options: RestoreCheckOptions) {
  const delays = new Map<string, (s: AnyMachineSnapshot) => number>();
  for (const ref of transitionsOf(machine).values()) if (ref.delay) delays.set(ref.eventType, ref.delay);
  const clock = new SimulatedClock();
  const errors: unknown[] = [];
  const actor = createActor(machine, { input: path.input, clock });
  actor.subscribe({ error: (e) => errors.push(e) });
  actor.start();
  for (const step of path.steps) {
    const delayOf = delays.get(step.event.type);
    if (delayOf) clock.increment(delayOf(actor.getSnapshot() as AnyMachineSnapshot));
    else if (options.perform && step.event.type.startsWith('xstate.')) await options.perform(step.event as EventObject, actor, clock);
    else actor.send(step.event);
    await tick();
  }
  return { actor, clock, errors };
}

/**
 * Persist → restore in the state `c` reaches: the original actor (with its timers)
 * and one restored from its JSON snapshot into a fresh actor on a clock at the same
 * time (then re-armed by `resume`, as the runtime does) run on side by side for
 * `horizon` ms; after every increment the restored one must be where the original
 * is (both hear `resume`: on an actor that kept its timers it must change nothing). A restored actor stuck in a timed state (XState drops pending `after` timers
 * on restore) fails here. Returns the two trails of states for the report.
 */
export async function checkRestore<TInput>(
  machine: AnyStateMachine,
  c: RestoreCase<TInput>,
  options: RestoreCheckOptions,
): Promise<{ original: string[]; restored: string[] }> {
  const serialize = options.serialize ?? ((s: AnyMachineSnapshot) => JSON.stringify(s.value));
  const live = await replay(machine, { input: c.input, steps: c.steps }, options);
  // The original hears the re-arm too: on a live actor it must change nothing.
  options.resume?.(live.actor, live.clock.now());
  const persisted = JSON.parse(JSON.stringify(live.actor.getPersistedSnapshot()));
  const clock = new SimulatedClock();
  clock.set(live.clock.now());
  const errors: unknown[] = [];
  const restored = createActor(machine, { input: c.input, snapshot: persisted, clock });
  restored.subscribe({ error: (e) => errors.push(e) });
  restored.start();
  options.resume?.(restored, clock.now());
  await tick();
  const trail = { original: [serialize(live.actor.getSnapshot())], restored: [serialize(restored.getSnapshot())] };
  const steps = options.steps ?? 20;
  for (let i = 0; i < steps; i++) {
    live.clock.increment(options.horizon / steps);
    clock.increment(options.horizon / steps);
    await tick();
    trail.original.push(serialize(live.actor.getSnapshot()));
    trail.restored.push(serialize(restored.getSnapshot()));
  }
  live.actor.stop();
  restored.stop();
  const failure = errors[0] ?? live.errors[0];
  if (failure) throw failure;
  return trail;
}
