import type { AnyMachineSnapshot, AnyStateMachine, EventObject } from 'xstate';

/**
 * What the kit knows about traversing one statewire machine with `xstate/graph`:
 * the inputs, how to tell two snapshots apart, and the events (with the payloads
 * its guards read) to try. `traversalOptions` turns it into `TraversalOptions`.
 *
 * @example
 * ```ts
 * const toggle: MachineTraversal = { machine, inputs: [undefined], serializeState: (s) => JSON.stringify(s.value), events: () => [{ type: 'TOGGLE' }] };
 * ```
 */
export interface MachineTraversal<TInput = unknown> {
  machine: AnyStateMachine;
  /**
   * Inputs whose traversals together reach every state: one is enough for most
   * machines; a machine whose mode is fixed by its input (backoff's `retry` /
   * `reconnect`) needs one per mode. The first is the default.
   */
  inputs: readonly TInput[];
  /** The state value and the context the guards read: counters and timestamps left out, so the space is finite. */
  serializeState: (snapshot: AnyMachineSnapshot) => string;
  /** Events to try, with payloads; the kit keeps those the snapshot's states handle and adds the `after` events. */
  events: (snapshot: AnyMachineSnapshot) => EventObject[];
  /**
   * What `edgeCoveringPaths` uses instead, where taking every transition needs
   * finer distinctions or more events than reaching every state (a traversal
   * for `getSimplePaths` must stay small: it enumerates every simple path).
   */
  coverage?: {
    inputs?: readonly TInput[];
    serializeState?: (snapshot: AnyMachineSnapshot) => string;
    events?: (snapshot: AnyMachineSnapshot) => EventObject[];
  };
}
