import type { AnyMachineSnapshot, AnyStateMachine, EventFromLogic, InputFrom, SnapshotFrom } from 'xstate';
import { handledEventTypes, isMachineOf, pendingAfterEvents } from './machineGraph.js';
import type { MachineTraversal } from './traversal/spec.js';
import { backoffTraversal } from './traversal/backoff.js';
import { circuitBreakerTraversal } from './traversal/circuitBreaker.js';
import { endpointTraversal } from './traversal/endpoint.js';
import { httpClientTraversal } from './traversal/httpClient.js';
import { managerTraversal } from './traversal/manager.js';
import { poolTraversal } from './traversal/pool.js';
import { poolSlotTraversal } from './traversal/poolSlot.js';
import { rateLimiterTraversal } from './traversal/rateLimiter.js';
import { reconnectLoopTraversal } from './traversal/reconnectLoop.js';
import { sharedStateTraversal } from './traversal/sharedState.js';
import { sseTraversal } from './traversal/sse.js';
import { webSocketTraversal } from './traversal/webSocket.js';

export type { MachineTraversal } from './traversal/spec.js';

/** One traversal of each statewire machine (`statewire/machines`). */
const traversals: readonly MachineTraversal[] = [
  circuitBreakerTraversal,
  backoffTraversal,
  rateLimiterTraversal,
  httpClientTraversal,
  webSocketTraversal,
  reconnectLoopTraversal,
  sseTraversal,
  endpointTraversal,
  sharedStateTraversal,
  poolSlotTraversal,
  poolTraversal,
  managerTraversal,
] as MachineTraversal[];

/**
 * `xstate/graph` traversal options for a statewire machine: what
 * `getShortestPaths`, `getSimplePaths` and `getAdjacencyMap` take.
 *
 * @example
 * ```ts
 * const o: StatewireTraversalOptions<typeof backoffMachine> = traversalOptions(backoffMachine);
 * for (const input of o.inputs) getSimplePaths(backoffMachine, { ...o, input });
 * ```
 */
export interface StatewireTraversalOptions<TMachine extends AnyStateMachine = AnyStateMachine> {
  /** The input the traversal starts the machine with: `inputs[0]` unless one was given. */
  input: InputFrom<TMachine>;
  /**
   * Inputs whose traversals together reach every state. One for most machines;
   * backoff (`retry` / `reconnect` mode), reconnectLoop (online, offline, spent)
   * and manager (with or without health checks) fix a branch by their input, so
   * run one traversal per input: `for (const input of o.inputs) getShortestPaths(m, { ...o, input })`.
   */
  inputs: ReadonlyArray<InputFrom<TMachine>>;
  /**
   * Events to try from a snapshot: those its states handle, with the payloads the
   * guards read, and its `after` events (`xstate.after.…`; children's results and
   * snapshots, `xstate.done.actor.…` / `xstate.snapshot.…`, are synthesised too,
   * though the machine's event type does not name them).
   */
  events: (snapshot: SnapshotFrom<TMachine>) => Array<EventFromLogic<TMachine>>;
  /** The state value and what the guards read (counters and timestamps left out: the space is finite). */
  serializeState: (snapshot: SnapshotFrom<TMachine>) => string;
  /**
   * A bound on the snapshots a traversal visits: past it `xstate/graph` throws
   * `Traversal limit exceeded` rather than running on.
   *
   * @default 5000
   */
  limit: number;
}

/**
 * Options of {@link traversalOptions}.
 *
 * @example
 * ```ts
 * traversalOptions(circuitBreakerMachine, { input: { threshold: 3, volumeThreshold: 5 } });
 * ```
 */
export interface TraversalOptionsOverrides<TInput = unknown> {
  /**
   * The input to start from (your app's options for the machine), instead of
   * the kit's. Its serialization and events stay the kit's.
   *
   * @default the kit's first input for the machine
   */
  input?: TInput;
  /** @default 5000 */
  limit?: number;
}

/**
 * The kit's traversal of `machine` (the machine itself or a `.provide(…)` of it), or undefined.
 *
 * @example
 * ```ts
 * traversalOf(webSocketMachine.provide({}))?.inputs; // the kit's inputs for the WebSocket machine
 * ```
 */
export function traversalOf(machine: AnyStateMachine): MachineTraversal | undefined {
  return traversals.find((t) => isMachineOf(machine, t.machine));
}

/**
 * Options for `xstate/graph` that make its traversals of a statewire machine
 * finite and complete: `getShortestPaths(machine, traversalOptions(machine))`
 * returns within seconds and reaches every state (for backoff, reconnectLoop
 * and manager: the union over `inputs`). Snapshots are told apart by their
 * state and what the guards read, never by counters or times; the events carry
 * the payloads the guards read; `after` transitions are offered as their
 * `xstate.after.<delay>.<state id>` events; invoked children's results and
 * snapshots are synthesised as events. Works for a `machine.provide(…)` too.
 *
 * @throws Error naming the machine when it is not one of statewire's.
 *
 * @example
 * ```ts
 * import { getShortestPaths } from 'xstate/graph';
 * import { circuitBreakerMachine } from 'statewire/machines';
 * import { traversalOptions } from 'statewire/testing';
 *
 * const paths = getShortestPaths(circuitBreakerMachine, traversalOptions(circuitBreakerMachine));
 * paths.map((p) => p.state.value); // ['CLOSED', 'OPEN', 'HALF_OPEN', …]
 * ```
 */
export function traversalOptions<TMachine extends AnyStateMachine>(
  machine: TMachine,
  overrides: TraversalOptionsOverrides<InputFrom<TMachine>> = {},
): StatewireTraversalOptions<TMachine> {
  const traversal = traversalOf(machine);
  if (traversal === undefined) {
    const known = traversals.map((t) => t.machine.id).join(', ');
    throw new Error(`traversalOptions: no traversal options for machine '${String(machine?.id)}' (statewire/testing knows ${known})`);
  }
  type Input = InputFrom<TMachine>;
  const inputs = (overrides.input === undefined ? traversal.inputs : [overrides.input]) as readonly Input[];
  const events = (snapshot: AnyMachineSnapshot) => {
    const handled = handledEventTypes(snapshot);
    return [...traversal.events(snapshot).filter((e) => handled.has(e.type)), ...pendingAfterEvents(snapshot)];
  };
  return {
    input: inputs[0] as Input,
    inputs,
    serializeState: traversal.serializeState as StatewireTraversalOptions<TMachine>['serializeState'],
    events: events as unknown as StatewireTraversalOptions<TMachine>['events'],
    limit: overrides.limit ?? 5_000,
  };
}
