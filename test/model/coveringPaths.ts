import {
  createActor,
  type AnyActorLogic,
  type AnyMachineSnapshot,
  type AnyStateMachine,
  type AnyStateNode,
  type EventObject,
} from 'xstate';
import { getAdjacencyMap } from 'xstate/graph';

/** One transition of a machine's definition: a source node, an event, a branch. */
export interface TransitionRef {
  key: string;
  sourceId: string;
  eventType: string;
  /** For `after` transitions: how to compute the delay from a snapshot. */
  delay?: (snapshot: AnyMachineSnapshot) => number;
}

export interface PathStep {
  event: EventObject;
  /** The snapshot the model says the machine reaches. */
  state: AnyMachineSnapshot;
  /** Transitions this step takes. */
  fires: string[];
}

export interface CoveringPath<TInput> {
  input: TInput | undefined;
  steps: PathStep[];
}

export interface CoveringPaths<TInput> {
  paths: CoveringPath<TInput>[];
  report: {
    states: { covered: number; total: number; missing: string[] };
    transitions: { covered: number; total: number; missing: string[] };
  };
}

export interface CoveringOptions<TInput> {
  /** One exploration per input (e.g. a machine's modes); coverage is their union. */
  inputs?: TInput[];
  /** The events to try in a state, with concrete data. `after` events are added automatically. */
  events: (snapshot: AnyMachineSnapshot) => EventObject[];
  /** What makes two snapshots the same vertex (default: value + context as JSON). */
  serialize?: (snapshot: AnyMachineSnapshot) => string;
  /** Cap on the vertices explored. */
  limit?: number;
}

function walk(node: AnyStateNode, visit: (node: AnyStateNode) => void): void {
  visit(node);
  for (const child of Object.values(node.states)) walk(child as AnyStateNode, visit);
}

/** Every transition definition of a machine, each with a stable key. */
export function transitionsOf(machine: AnyStateMachine): Map<unknown, TransitionRef> {
  const refs = new Map<unknown, TransitionRef>();
  walk(machine.root, (node) => {
    const delays = new Map<string, unknown>();
    for (const t of node.after) delays.set(String(t.eventType), t.delay);
    for (const [eventType, defs] of node.transitions) {
      defs.forEach((def, i) => {
        const ref: TransitionRef = { key: `${node.id} --${eventType}#${i}`, sourceId: node.id, eventType };
        const delay = delays.get(eventType);
        if (delay !== undefined) {
          ref.delay = (snapshot) => resolveDelay(machine, delay, snapshot);
        }
        refs.set(def, ref);
      });
    }
  });
  return refs;
}

/** Every eventless (`always`) transition definition, each with a stable key. */
function eventlessOf(machine: AnyStateMachine): Map<unknown, string> {
  const keys = new Map<unknown, string>();
  walk(machine.root, (node) => node.always?.forEach((def, i) => keys.set(def, `${node.id} --always#${i}`)));
  return keys;
}

function resolveDelay(machine: AnyStateMachine, delay: unknown, snapshot: AnyMachineSnapshot): number {
  const args = { context: snapshot.context, event: { type: 'xstate.init' } };
  if (typeof delay === 'number') return delay;
  if (typeof delay === 'function') return delay(args);
  const impl = (machine.implementations.delays as Record<string, unknown>)[String(delay)];
  return typeof impl === 'function' ? impl(args) : Number(impl);
}

function stateIdsOf(machine: AnyStateMachine): string[] {
  const ids: string[] = [];
  walk(machine.root, (node) => {
    if (node !== machine.root) ids.push(node.id);
  });
  return ids;
}

const defaultSerialize = (s: AnyMachineSnapshot) => JSON.stringify([s.value, s.context]);

/**
 * Paths that together take every transition of `machine` at least once (edge
 * coverage), found on the pure model with `xstate/graph`: explore the reachable
 * snapshots under `events`, then, while a transition is untaken, append the
 * shortest path to a snapshot where some event takes it.
 */
export function getCoveringPaths<TInput>(
  machine: AnyStateMachine,
  options: CoveringOptions<TInput>,
): CoveringPaths<TInput> {
  const refs = transitionsOf(machine);
  const untaken = new Set([...refs.values()].map((r) => r.key));
  const reached = new Set<string>();
  const paths: CoveringPath<TInput>[] = [];
  // Eventless (`always`) transitions: taken while the initial snapshot settles (the
  // reconnect loop's transient `down`), seen in the actor's microsteps. One taken
  // anywhere else is not seen here, so it stays untaken: the report fails honestly.
  const eventless = eventlessOf(machine);
  for (const key of eventless.values()) untaken.add(key);
  for (const input of options.inputs ?? [undefined]) {
    for (const steps of explore(machine, refs, input, options, untaken)) {
      paths.push({ input, steps });
      for (const s of steps) for (const node of s.state._nodes) reached.add(node.id);
    }
    const initial = createActor(machine, {
      input,
      inspect: (e) => {
        if (e.type !== '@xstate.microstep') return;
        for (const t of (e as unknown as { _transitions: Array<{ source: AnyStateNode }> })._transitions) {
          const key = eventless.get(t);
          if (key === undefined) continue;
          untaken.delete(key);
          reached.add(t.source.id);
        }
      },
    }).getSnapshot() as AnyMachineSnapshot;
    for (const node of initial._nodes) reached.add(node.id);
  }
  const allStates = stateIdsOf(machine);
  const total = refs.size + eventless.size;
  return {
    paths,
    report: {
      states: {
        covered: allStates.filter((id) => reached.has(id)).length,
        total: allStates.length,
        missing: allStates.filter((id) => !reached.has(id)),
      },
      transitions: { covered: total - untaken.size, total, missing: [...untaken] },
    },
  };
}

/** Explores one input's reachable snapshots and returns paths taking transitions still in `untaken`. */
function explore<TInput>(
  machine: AnyStateMachine,
  refs: Map<unknown, TransitionRef>,
  input: TInput | undefined,
  options: CoveringOptions<TInput>,
  untaken: Set<string>,
): PathStep[][] {
  const afterEvents = [...refs.values()].filter((r) => r.delay).map((r) => ({ type: r.eventType }));
  const serialize = options.serialize ?? defaultSerialize;
  const eventsFor = (s: AnyMachineSnapshot) => [...options.events(s), ...afterEvents];
  const adjacency = getAdjacencyMap(machine as AnyActorLogic, {
    input,
    events: eventsFor as never,
    serializeState: serialize as never,
    limit: options.limit ?? 10_000,
  });

  // Breadth-first from the initial snapshot: the shortest path to each vertex.
  const initial = createActor(machine, { input }).getSnapshot() as AnyMachineSnapshot;
  const initialKey = serialize(initial);
  const prev = new Map<string, { from: string; step: PathStep } | null>([[initialKey, null]]);
  const order: string[] = [initialKey];
  const edges = new Map<string, PathStep[]>();
  for (let i = 0; i < order.length; i++) {
    const key = order[i]!;
    const vertex = (adjacency as Record<string, (typeof adjacency)[keyof typeof adjacency]>)[key];
    if (!vertex) continue;
    const out: PathStep[] = [];
    for (const { event, state } of Object.values(vertex.transitions) as Array<{
      event: EventObject;
      state: AnyMachineSnapshot;
    }>) {
      const fires = machine
        .getTransitionData(vertex.state as AnyMachineSnapshot, event)
        .map((def: unknown) => refs.get(def)?.key)
        .filter((k: string | undefined): k is string => k !== undefined);
      if (fires.length === 0) continue;
      const step = { event, state, fires };
      out.push(step);
      const next = serialize(state);
      if (!prev.has(next)) {
        prev.set(next, { from: key, step });
        order.push(next);
      }
    }
    edges.set(key, out);
  }
  const pathTo = (key: string): PathStep[] => {
    const steps: PathStep[] = [];
    for (let link = prev.get(key); link; link = prev.get(link.from)) steps.unshift(link.step);
    return steps;
  };

  const paths: PathStep[][] = [];
  for (const key of order) {
    for (const step of edges.get(key) ?? []) {
      if (!step.fires.some((f) => untaken.has(f))) continue;
      const path = [...pathTo(key), step];
      for (const s of path) for (const f of s.fires) untaken.delete(f);
      paths.push(path);
    }
  }
  return paths;
}
