import type { AnyMachineSnapshot, AnyStateMachine, AnyStateNode, InspectionEvent } from 'xstate';
import type { CoverageReport } from './coverageReport.js';
import { isMachineOf, stateIdsOf, transitionKey, transitionsOf } from './machineGraph.js';

/**
 * An inspection observer that records what one machine's actors did; see {@link transitionCoverage}.
 *
 * @example
 * ```ts
 * const coverage: TransitionCoverage = transitionCoverage(sseMachine);
 * createActor(sseMachine, { inspect: coverage }).start();
 * coverage.report().states.missing;
 * ```
 */
export interface TransitionCoverage {
  /** Pass as `inspect` (a statewire client's option, or `createActor(…, { inspect })`). */
  (event: InspectionEvent): void;
  /** Same function, as an observer's `next`. */
  next(event: InspectionEvent): void;
  /** States and transitions taken so far by every actor of the machine, and the missing ones by name. */
  report(): CoverageReport;
  /** Forgets what was recorded. */
  reset(): void;
}

/** What an inspection event's `actorRef` (or statewire's redacted view of it) offers. */
interface InspectedRef {
  logic?: unknown;
  src?: unknown;
  sessionId?: string;
}

/**
 * An inspection observer that records which states and transitions the actors
 * running `machine` take, from XState's `@xstate.microstep` events (eventless
 * `always` transitions included) and their snapshots, and reports coverage.
 * It follows every actor of `machine`: a root, or a child under a parent (an
 * ApiClient's `breaker`), and a `machine.provide(…)` of it (a client runs its
 * machine provided with its actors). Through a statewire client's `inspect`
 * option, events are redacted and `actorRef` is a view of the actor: the view
 * still has the actor's `logic`, which is what is matched.
 *
 * @example
 * ```ts
 * import { ApiClient } from 'statewire';
 * import { circuitBreakerMachine } from 'statewire/machines';
 * import { transitionCoverage } from 'statewire/testing';
 *
 * const coverage = transitionCoverage(circuitBreakerMachine);
 * const api = new ApiClient({ baseURL: 'http://127.0.0.1:8080', inspect: coverage });
 * await api.get('/health').catch(() => {});
 * coverage.report().transitions.missing; // e.g. ['circuitBreaker.OPEN --RESET#0', …]
 * ```
 */
export function transitionCoverage(machine: AnyStateMachine): TransitionCoverage {
  const allStates = stateIdsOf(machine);
  const allTransitions = [...transitionsOf(machine).values()].map((t) => t.key);
  const states = new Set<string>();
  const transitions = new Set<string>();
  // Which logic objects are this machine (decided once per logic), and which sessions run one.
  const logics = new WeakMap<object, boolean>();
  const sessions = new Set<string>();

  const ours = (ref: InspectedRef | undefined): boolean => {
    if (ref === undefined) return false;
    if (ref.sessionId !== undefined && sessions.has(ref.sessionId)) return true;
    const logic = (ref.logic ?? ref.src) as object | undefined;
    if (typeof logic !== 'object' || logic === null) return false;
    let mine = logics.get(logic);
    if (mine === undefined) logics.set(logic, (mine = isMachineOf(logic, machine)));
    if (mine && ref.sessionId !== undefined) sessions.add(ref.sessionId);
    return mine;
  };
  const see = (snapshot: unknown) => {
    const nodes = (snapshot as Partial<AnyMachineSnapshot> | undefined)?._nodes as AnyStateNode[] | undefined;
    for (const node of nodes ?? []) if (node.parent !== undefined) states.add(node.id);
  };

  const observe = (event: InspectionEvent) => {
    if (event.type !== '@xstate.microstep' && event.type !== '@xstate.snapshot') return;
    if (!ours(event.actorRef as InspectedRef)) return;
    see(event.snapshot);
    if (event.type === '@xstate.microstep') {
      for (const t of (event as unknown as { _transitions?: Array<{ source: AnyStateNode }> })._transitions ?? []) {
        transitions.add(transitionKey(t));
        // A transient state (left by an `always` at once) is never in a snapshot: its transition says it was active.
        for (let node: AnyStateNode | undefined = t.source; node?.parent !== undefined; node = node.parent) states.add(node.id);
      }
    }
  };
  const count = (all: string[], seen: Set<string>) => ({ covered: all.filter((k) => seen.has(k)).length, total: all.length, missing: all.filter((k) => !seen.has(k)) });
  return Object.assign(observe, {
    next: observe,
    report: (): CoverageReport => ({ states: count(allStates, states), transitions: count(allTransitions, transitions) }),
    reset: () => {
      states.clear();
      transitions.clear();
    },
  });
}
