import { createActor, type AnyActorLogic, type AnyMachineSnapshot, type AnyStateMachine, type EventObject } from 'xstate';
import { getAdjacencyMap } from 'xstate/graph';
import type { CoverageReport } from './coverageReport.js';
import { afterDelays, pendingAfterEvents, stateIdsOf, transitionsOf, type TransitionRef } from './machineGraph.js';
import { traversalOf } from './traversalOptions.js';

/**
 * One step of a path: the event, and what the model says follows.
 *
 * @example
 * ```ts
 * const step: PathStep = paths[0].steps[0]; // { event: { type: 'FAILURE', … }, state, fires: ['circuitBreaker.CLOSED --FAILURE#0'] }
 * ```
 */
export interface PathStep {
  event: EventObject;
  /** The snapshot the model says the machine reaches. */
  state: AnyMachineSnapshot;
  /** Names of the transitions this step takes. */
  fires: string[];
  /** For an `after` step: how far to advance the clock (ms) instead of sending the event. */
  advance?: number;
}

/**
 * A path from the machine's start with `input`.
 *
 * @example
 * ```ts
 * const path: CoveringPath = edgeCoveringPaths(circuitBreakerMachine).paths[0];
 * await runPath(circuitBreakerMachine, path);
 * ```
 */
export interface CoveringPath<TInput = unknown> {
  input: TInput | undefined;
  steps: PathStep[];
}

/**
 * The paths, and how much of the machine they cover.
 *
 * @example
 * ```ts
 * const { paths, report }: CoveringPaths = edgeCoveringPaths(sseMachine);
 * ```
 */
export interface CoveringPaths<TInput = unknown> {
  paths: CoveringPath<TInput>[];
  report: CoverageReport;
}

/**
 * Options of {@link edgeCoveringPaths}; each defaults to the kit's for a statewire machine.
 *
 * @example
 * ```ts
 * edgeCoveringPaths(toggleMachine, { events: () => [{ type: 'TOGGLE' }] } satisfies CoveringOptions);
 * ```
 */
export interface CoveringOptions<TInput = unknown> {
  /**
   * One exploration per input (e.g. a machine's modes); coverage is their union.
   *
   * @default the kit's inputs for the machine (`[undefined]` for another machine)
   */
  inputs?: readonly TInput[];
  /**
   * The events to try in a state, with concrete data. `after` events are added.
   *
   * @default the kit's events for the machine (required for another machine)
   */
  events?: (snapshot: AnyMachineSnapshot) => EventObject[];
  /**
   * What makes two snapshots the same vertex.
   *
   * @default the kit's for the machine, else value + context as JSON
   */
  serialize?: (snapshot: AnyMachineSnapshot) => string;
  /**
   * Cap on the vertices explored per input (past it the exploration throws).
   *
   * @default 10000
   */
  limit?: number;
}

const defaultSerialize = (s: AnyMachineSnapshot) => JSON.stringify([s.value, s.context]);

/**
 * Paths that together take every transition of `machine` at least once (edge
 * coverage, not only every state), found on the pure model with `xstate/graph`:
 * explore the reachable snapshots under `events`, then, while a transition is
 * untaken, add the shortest path to a snapshot where some event takes it. An
 * `after` step carries `advance` (ms): replay it by advancing a clock (see
 * {@link runPath}). The report names what no path takes; eventless (`always`)
 * transitions count when the start takes them (taken elsewhere, they stay
 * missing: the report errs on the honest side).
 *
 * @example
 * ```ts
 * import { circuitBreakerMachine } from 'statewire/machines';
 * import { edgeCoveringPaths } from 'statewire/testing';
 *
 * const { paths, report } = edgeCoveringPaths(circuitBreakerMachine);
 * report.transitions; // { covered: 16, total: 16, missing: [] }
 * paths[0].steps.map((s) => s.event.type); // ['FAILURE', …]
 * ```
 */
export function edgeCoveringPaths<TInput = unknown>(machine: AnyStateMachine, options: CoveringOptions<TInput> = {}): CoveringPaths<TInput> {
  const kit = traversalOf(machine);
  const events = options.events ?? kit?.coverage?.events ?? kit?.events;
  if (events === undefined) throw new Error(`edgeCoveringPaths: machine '${String(machine?.id)}' is not a statewire machine: pass options.events`);
  const resolved: Required<CoveringOptions<TInput>> = {
    inputs: options.inputs ?? ((kit?.coverage?.inputs ?? kit?.inputs ?? [undefined]) as readonly TInput[]),
    events,
    serialize: options.serialize ?? kit?.coverage?.serializeState ?? kit?.serializeState ?? defaultSerialize,
    limit: options.limit ?? 10_000,
  };
  const refs = transitionsOf(machine);
  const eventless = new Map([...refs].filter(([, r]) => r.eventType === ''));
  const untaken = new Set([...refs.values()].map((r) => r.key));
  const reached = new Set<string>();
  const paths: CoveringPath<TInput>[] = [];
  for (const input of resolved.inputs) {
    for (const steps of explore(machine, refs, input, resolved, untaken)) {
      paths.push({ input, steps });
      for (const s of steps) for (const node of s.state._nodes) reached.add(node.id);
    }
    // Eventless transitions the start takes (the reconnect loop's transient `down`), from the actor's microsteps.
    const initial = createActor(machine, {
      input,
      inspect: (e) => {
        if (e.type !== '@xstate.microstep') return;
        for (const t of (e as unknown as { _transitions: Array<{ source: { id: string } }> })._transitions) {
          const ref = eventless.get(t);
          if (ref === undefined) continue;
          untaken.delete(ref.key);
          reached.add(t.source.id);
        }
      },
    }).getSnapshot() as AnyMachineSnapshot;
    for (const node of initial._nodes) reached.add(node.id);
  }
  const allStates = stateIdsOf(machine);
  return {
    paths,
    report: {
      states: { covered: allStates.filter((id) => reached.has(id)).length, total: allStates.length, missing: allStates.filter((id) => !reached.has(id)) },
      transitions: { covered: refs.size - untaken.size, total: refs.size, missing: [...untaken] },
    },
  };
}

/** Explores one input's reachable snapshots and returns paths taking transitions still in `untaken`. */
function explore<TInput>(
  machine: AnyStateMachine,
  refs: Map<unknown, TransitionRef>,
  input: TInput | undefined,
  options: Required<CoveringOptions<TInput>>,
  untaken: Set<string>,
): PathStep[][] {
  const { serialize } = options;
  const delays = afterDelays(machine);
  const adjacency = getAdjacencyMap(machine as AnyActorLogic, {
    input,
    events: ((s: AnyMachineSnapshot) => [...options.events(s), ...pendingAfterEvents(s)]) as never,
    serializeState: serialize as never,
    limit: options.limit,
  }) as Record<string, { state: unknown; transitions: Record<string, { event: EventObject; state: AnyMachineSnapshot }> }>;

  // Breadth-first from the initial snapshot: the shortest path to each vertex.
  const initial = createActor(machine, { input }).getSnapshot() as AnyMachineSnapshot;
  const initialKey = serialize(initial);
  const prev = new Map<string, { from: string; step: PathStep } | null>([[initialKey, null]]);
  const order: string[] = [initialKey];
  const edges = new Map<string, PathStep[]>();
  for (let i = 0; i < order.length; i++) {
    const key = order[i]!;
    const vertex = adjacency[key];
    if (!vertex) continue;
    const from = vertex.state as AnyMachineSnapshot;
    const out: PathStep[] = [];
    for (const { event, state } of Object.values(vertex.transitions)) {
      const fires = machine
        .getTransitionData(from, event)
        .map((def: unknown) => refs.get(def)?.key)
        .filter((k: string | undefined): k is string => k !== undefined);
      if (fires.length === 0) continue;
      const step: PathStep = { event, state, fires };
      const delay = delays.get(event.type);
      if (delay) step.advance = delay(from);
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
