import { allStates, type DiagramEdge, type DiagramState, type MachineDiagram } from './describeMachine.js';

/** The label of a composite state's "any state" node. */
export const ANY_STATE = '(any state)';

/** The key under which `mermaidIds` names a composite's "any state" node. */
export const anyKey = (stateId: string) => `${stateId}\u0000any`;

/** Whether `id` lies strictly inside `state`. */
function inside(state: DiagramState, id: string): boolean {
  return state.children.some((child) => child.id === id || inside(child, id));
}

/**
 * Where a composite state's own transitions and notes are drawn.
 *
 * A transition declared on a composite state applies in every state inside it. Drawn
 * from the composite's box into its own children, layouts (Mermaid's dagre among them)
 * lose the arrow, and a note beside the box ends up far from it. So a composite that
 * has notes (invoked actors, targetless transitions) or transitions into its own
 * descendants gets one more node inside its box, "(any state)": it carries the notes,
 * and those transitions start from it. Transitions that leave the box start from the box.
 */
export interface AnyStates {
  /** Composite state ids that get an "(any state)" node. */
  readonly states: ReadonlySet<string>;
  /** Whether an edge is drawn from its source's "(any state)" node rather than from the source. */
  fromAny(edge: DiagramEdge): boolean;
}

export function anyStates(diagram: MachineDiagram): AnyStates {
  const byId = new Map(allStates(diagram.root).map((s) => [s.id, s]));
  const fromAny = (edge: DiagramEdge) => {
    const source = byId.get(edge.source)!;
    return source.children.length > 0 && inside(source, edge.target);
  };
  const states = new Set<string>();
  for (const state of byId.values()) {
    if (state.children.length > 0 && (state.invokes.length > 0 || state.internal.length > 0)) states.add(state.id);
  }
  for (const edge of diagram.edges) if (fromAny(edge)) states.add(edge.source);
  return { states, fromAny };
}
