/**
 * What a machine's definition says, read once for the kit: its state nodes and
 * its transitions, each under a stable name that is the same for the machine
 * and for any `machine.provide(…)` of it (both share one config), so a
 * coverage report made from a running client's provided machine names what the
 * exported machine's paths name.
 *
 * @module
 */
import type { AnyMachineSnapshot, AnyStateMachine, AnyStateNode } from 'xstate';

/**
 * One transition of a machine's definition.
 *
 * @example
 * ```ts
 * const ref: TransitionRef = [...transitionsOf(circuitBreakerMachine).values()][1]; // { key: 'circuitBreaker.CLOSED --FAILURE#0', … }
 * ```
 */
export interface TransitionRef {
  /** Its name: `<source state id> --<event type>#<branch>` (`--always#<i>` for eventless ones). */
  key: string;
  sourceId: string;
  /** `''` for an eventless (`always`) transition. */
  eventType: string;
  /** For an `after` transition: its delay, computed from a snapshot of the machine. */
  delay?: (snapshot: AnyMachineSnapshot) => number;
}

/** A transition definition as XState keeps it: enough to name it. */
interface TransitionDefinition {
  source: AnyStateNode;
  eventType: string;
}

function walk(node: AnyStateNode, visit: (node: AnyStateNode) => void): void {
  visit(node);
  for (const child of Object.values(node.states)) walk(child as AnyStateNode, visit);
}

/**
 * The name of a transition definition taken by a running actor (from an
 * `@xstate.microstep` event's `_transitions`): its source, event and branch.
 *
 * @example
 * ```ts
 * transitionKey(machine.root.states.OPEN.transitions.get('RESET')[0]); // 'circuitBreaker.OPEN --RESET#0'
 * ```
 */
export function transitionKey(definition: unknown): string {
  const { source, eventType } = definition as TransitionDefinition;
  if (eventType === '') return `${source.id} --always#${(source.always ?? []).indexOf(definition as never)}`;
  return `${source.id} --${eventType}#${(source.transitions.get(eventType) ?? []).indexOf(definition as never)}`;
}

/**
 * Every transition of `machine`, eventless ones included, keyed by its
 * definition object (what `getTransitionData` and microsteps hand out).
 *
 * @example
 * ```ts
 * [...transitionsOf(circuitBreakerMachine).values()].map((t) => t.key); // ['circuitBreaker --CONFIGURE#0', …]
 * ```
 */
export function transitionsOf(machine: AnyStateMachine): Map<unknown, TransitionRef> {
  const refs = new Map<unknown, TransitionRef>();
  walk(machine.root, (node) => {
    const delays = new Map<string, unknown>();
    for (const t of node.after) delays.set(String(t.eventType), t.delay);
    for (const [eventType, defs] of node.transitions) {
      defs.forEach((def, i) => {
        const ref: TransitionRef = { key: `${node.id} --${eventType}#${i}`, sourceId: node.id, eventType };
        const delay = delays.get(eventType);
        if (delay !== undefined) ref.delay = (snapshot) => resolveDelay(machine, delay, snapshot);
        refs.set(def, ref);
      });
    }
    node.always?.forEach((def, i) => refs.set(def, { key: `${node.id} --always#${i}`, sourceId: node.id, eventType: '' }));
  });
  return refs;
}

/**
 * The delay (ms) of each `after` event type of `machine`, from a snapshot:
 * what a replay advances its clock by.
 *
 * @example
 * ```ts
 * afterDelays(circuitBreakerMachine).get('xstate.after.retryIn.circuitBreaker.OPEN')?.(snapshot); // 60000
 * ```
 */
export function afterDelays(machine: AnyStateMachine): Map<string, (snapshot: AnyMachineSnapshot) => number> {
  const delays = new Map<string, (snapshot: AnyMachineSnapshot) => number>();
  for (const ref of transitionsOf(machine).values()) if (ref.delay) delays.set(ref.eventType, ref.delay);
  return delays;
}

function resolveDelay(machine: AnyStateMachine, delay: unknown, snapshot: AnyMachineSnapshot): number {
  const args = { context: snapshot.context, event: { type: 'xstate.init' } };
  if (typeof delay === 'number') return delay;
  if (typeof delay === 'function') return delay(args);
  const impl = (machine.implementations.delays as Record<string, unknown>)[String(delay)];
  return typeof impl === 'function' ? impl(args) : Number(impl);
}

/**
 * The ids of every state node of `machine` but its root, in document order.
 *
 * @example
 * ```ts
 * stateIdsOf(circuitBreakerMachine); // ['circuitBreaker.CLOSED', 'circuitBreaker.OPEN', 'circuitBreaker.HALF_OPEN']
 * ```
 */
export function stateIdsOf(machine: AnyStateMachine): string[] {
  const ids: string[] = [];
  walk(machine.root, (node) => {
    if (node !== machine.root) ids.push(node.id);
  });
  return ids;
}

/**
 * The `after` event types (`xstate.after.<delay>.<state id>`) the active states
 * of `snapshot` wait for: how a traversal takes a delayed transition.
 *
 * @example
 * ```ts
 * pendingAfterEvents(openBreakerSnapshot); // [{ type: 'xstate.after.retryIn.circuitBreaker.OPEN' }]
 * ```
 */
export function pendingAfterEvents(snapshot: AnyMachineSnapshot): Array<{ type: string }> {
  return snapshot._nodes.flatMap((node: AnyStateNode) => node.after.map((t) => ({ type: String(t.eventType) })));
}

/**
 * The event types the active states of `snapshot` have a transition for (the
 * ones a traversal need try there).
 *
 * @example
 * ```ts
 * handledEventTypes(closedBreakerSnapshot).has('FAILURE'); // true
 * ```
 */
export function handledEventTypes(snapshot: AnyMachineSnapshot): Set<string> {
  return new Set(snapshot._nodes.flatMap((node: AnyStateNode) => [...node.transitions.keys()]));
}

/**
 * Whether `logic` is `machine` or a `machine.provide(…)` of it (a client runs
 * its machine provided with its actors): same config object, or the same root
 * id and the same state nodes.
 *
 * @example
 * ```ts
 * isMachineOf(httpClientMachine.provide({ actors: {} }), httpClientMachine); // true
 * ```
 */
export function isMachineOf(logic: unknown, machine: AnyStateMachine): boolean {
  if (logic === machine) return true;
  const other = logic as Partial<AnyStateMachine> | null;
  if (typeof other !== 'object' || other === null || !other.root || other.config === undefined) return false;
  if (other.config === machine.config) return true;
  return other.id === machine.id && stateIdsOf(other as AnyStateMachine).join() === stateIdsOf(machine).join();
}
