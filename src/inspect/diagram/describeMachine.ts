import type { AnyStateMachine, AnyStateNode } from 'xstate';
import { guardLabel } from './guardLabel.js';

/** What kind of transition an edge is: it decides how its label starts. */
export type EdgeKind = 'event' | 'always' | 'after' | 'done' | 'error' | 'snapshot';

/** One drawn transition from one state node to one target (a transition with two targets is two edges). */
export interface DiagramEdge {
  /** State node id of the state that declares the transition (`circuitBreaker.OPEN`). */
  source: string;
  /** State node id of the target. */
  target: string;
  kind: EdgeKind;
  /** The full label: `FAILURE [shouldTrip]`, `after retryIn [notIsolated]`, `always [else]`, `onDone(attempt)`. */
  label: string;
}

/** One state node, as a diagram draws it. */
export interface DiagramState {
  /** XState's state node id (`snapshot._nodes.map(n => n.id)` lists the active ones). */
  id: string;
  /** Its key in its parent (the state's name, the contract the inspector shows); the machine id for the root. */
  key: string;
  type: 'atomic' | 'compound' | 'parallel' | 'final' | 'history';
  /** `shallow` or `deep` for a history state. */
  history?: 'shallow' | 'deep';
  /** Child states in definition order (a parallel state's children are its regions). */
  children: DiagramState[];
  /** Ids the initial transition enters (compound states), or a history state's default targets. */
  initial: string[];
  /** Actors invoked while the state is active: `src` (or the invoke id when `src` is inline logic). */
  invokes: string[];
  /**
   * Transitions without a target (they run actions and stay put; no exit, no entry):
   * listed on the state rather than drawn as loops, so the arrows show only state changes.
   */
  internal: string[];
}

/** A machine's definition, flattened into what every diagram format draws. */
export interface MachineDiagram {
  id: string;
  root: DiagramState;
  /** Every targeted transition, in definition order (states depth first; per state: `on`, `onDone`, invoke, `after`, `always`). */
  edges: DiagramEdge[];
}

type Transition = {
  eventType: string;
  target?: readonly AnyStateNode[];
  guard?: unknown;
  reenter?: boolean;
  delay?: number | string;
};

/** `retryIn` for a named delay, `5000ms` for a literal one. */
function delayLabel(delay: number | string | undefined): string {
  return typeof delay === 'number' ? `${delay}ms` : String(delay);
}

/** How an invoked actor is named on the diagram: its `src` key, or its id when `src` was inline logic. */
function invokeName(invoke: { src: unknown; id: string }): string {
  return typeof invoke.src === 'string' && !invoke.src.startsWith('xstate.invoke.') ? invoke.src : invoke.id;
}

function eventLabel(node: AnyStateNode, t: Transition): { kind: EdgeKind; event: string } {
  const type = t.eventType;
  if (type === '') return { kind: 'always', event: 'always' };
  if (type.startsWith('xstate.after.')) return { kind: 'after', event: `after ${delayLabel(t.delay)}` };
  if (type.startsWith('xstate.done.state.')) return { kind: 'done', event: 'onDone' };
  for (const [prefix, kind, word] of [
    ['xstate.done.actor.', 'done', 'onDone'],
    ['xstate.error.actor.', 'error', 'onError'],
    ['xstate.snapshot.', 'snapshot', 'onSnapshot'],
  ] as const) {
    if (!type.startsWith(prefix)) continue;
    const id = type.slice(prefix.length);
    const invoke = (node.invoke as { src: unknown; id: string }[]).find((i) => i.id === id);
    return { kind, event: `${word}(${invoke ? invokeName(invoke) : id})` };
  }
  return { kind: 'event', event: type };
}

/**
 * Labels for one event's candidate transitions, in order. An unguarded candidate after
 * guarded ones is `[else]`: the order of candidates is otherwise lost on a drawing.
 */
function labelsOf(node: AnyStateNode, candidates: readonly Transition[]): { t: Transition; kind: EdgeKind; label: string }[] {
  let guarded = false;
  return candidates.map((t) => {
    const { kind, event } = eventLabel(node, t);
    const guard = guardLabel(t.guard);
    const condition = guard !== undefined ? ` [${guard}]` : guarded ? ' [else]' : '';
    if (guard !== undefined) guarded = true;
    return { t, kind, label: `${event}${condition}${t.reenter ? ' (reenter)' : ''}` };
  });
}

/** A history state's default target (its `target`, else its parent's initial state). */
function historyTargets(node: AnyStateNode): string[] {
  const target = (node.config as { target?: string | string[] }).target;
  const parent = node.parent!;
  if (target === undefined) return parent.type === 'parallel' ? [parent.id] : (parent.initial?.target ?? []).map((n: AnyStateNode) => n.id);
  return (Array.isArray(target) ? target : [target]).map((path) => {
    if (path.startsWith('#')) return node.machine.getStateNodeById(path.slice(1)).id;
    let at: AnyStateNode = parent;
    for (const key of path.split('.')) at = at.states[key]!;
    return at.id;
  });
}

function describeState(node: AnyStateNode, edges: DiagramEdge[]): DiagramState {
  const internal: string[] = [];
  const candidateLists: Transition[][] = [...(node.transitions as Map<string, Transition[]>).values()];
  if (node.always) candidateLists.push(node.always as Transition[]);
  for (const candidates of candidateLists) {
    for (const { t, kind, label } of labelsOf(node, candidates)) {
      if (!t.target || t.target.length === 0) internal.push(label);
      else for (const target of t.target) edges.push({ source: node.id, target: target.id, kind, label });
    }
  }
  const type = node.type as DiagramState['type'];
  const state: DiagramState = {
    id: node.id,
    key: node.parent ? node.key : node.machine.id,
    type,
    children: [],
    initial: type === 'history' ? historyTargets(node) : (node.initial?.target ?? []).map((n: AnyStateNode) => n.id),
    invokes: (node.invoke as { src: unknown; id: string }[]).map(invokeName),
    internal,
  };
  if (node.history) state.history = node.history;
  // Children after the state's own edges: edges stay in document order, parents first.
  state.children = Object.values(node.states as Record<string, AnyStateNode>).map((child) => describeState(child, edges));
  return state;
}

/**
 * Reads a machine's definition (its state nodes, not a traversal: eventless `always`
 * and delayed `after` transitions are all there) into the format-neutral shape that
 * `toMermaid` and `toDot` draw.
 *
 * @example
 * ```ts
 * import { circuitBreakerMachine } from 'statewire/machines';
 * const { edges } = describeMachine(circuitBreakerMachine);
 * edges.find((e) => e.kind === 'after'); // { source: 'circuitBreaker.OPEN', target: 'circuitBreaker.HALF_OPEN', label: 'after retryIn [notIsolated]', … }
 * ```
 */
export function describeMachine(machine: AnyStateMachine): MachineDiagram {
  const edges: DiagramEdge[] = [];
  const root = describeState(machine.root, edges);
  return { id: machine.id, root, edges };
}

/** Every state of the diagram, depth first in definition order. */
export function allStates(state: DiagramState): DiagramState[] {
  return [state, ...state.children.flatMap(allStates)];
}
