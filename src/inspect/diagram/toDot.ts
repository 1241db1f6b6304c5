import type { AnyStateMachine } from 'xstate';
import { activeIds, type DiagramOptions } from './activeIds.js';
import { ANY_STATE, anyStates, type AnyStates } from './anyState.js';
import { allStates, describeMachine, type DiagramState } from './describeMachine.js';

/** A DOT string literal. */
function quote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\r?\n/g, '\\n')}"`;
}

/** What is written on a state: invoked actors, then targetless transitions. */
const notes = (state: DiagramState) => [...state.invokes.map((src) => `invoke ${src}`), ...state.internal];

/** A label: a name, then the notes, one per line. */
const label = (name: string, lines: string[]) => (lines.length === 0 ? name : `${name}\n${lines.join('\n')}`);

/** A state's name on the drawing: its key, `H` / `H*` for a history state. */
const nameOf = (state: DiagramState) => (state.type === 'history' ? (state.history === 'deep' ? 'H*' : 'H') : state.key);

/** The node id of a composite's "(any state)" node (see AnyStates). */
export const anyNode = (stateId: string) => `${stateId} ${ANY_STATE}`;

const cluster = (state: DiagramState) => quote(`cluster_${state.id}`);
const isComposite = (state: DiagramState) => state.children.length > 0;

function block(state: DiagramState, active: Set<string>, any: AnyStates, indent: string, out: string[]): void {
  const on = active.has(state.id);
  if (!isComposite(state)) {
    const attrs = [`label=${quote(label(nameOf(state), notes(state)))}`];
    if (state.type === 'final') attrs.push('peripheries=2');
    if (state.type === 'history') attrs.push('shape=circle');
    if (on) attrs.push('style="rounded,filled,bold"', 'fillcolor="#fde68a"', 'class="active"');
    out.push(`${indent}${quote(state.id)} [${attrs.join(', ')}];`);
    return;
  }
  const inner = `${indent}  `;
  out.push(`${indent}subgraph ${cluster(state)} {`);
  out.push(`${inner}label=${quote(nameOf(state))};`);
  const style = [state.type === 'parallel' ? 'dashed' : 'solid', 'rounded', ...(on ? ['filled', 'bold'] : [])];
  out.push(`${inner}style=${quote(style.join(','))};`);
  if (on) out.push(`${inner}fillcolor="#fef3c7";`, `${inner}class="active";`);
  // The composite's own node: the initial dot of a compound state, an invisible anchor of a
  // parallel one. Arrows to and from the composite attach to it and are clipped at the box.
  out.push(`${inner}${quote(state.id)} [${state.type === 'compound' ? 'shape=point, width=0.15' : 'shape=point, style=invis'}, label=""];`);
  if (any.states.has(state.id)) {
    out.push(`${inner}${quote(anyNode(state.id))} [label=${quote(label(ANY_STATE, notes(state)))}, style="rounded,dashed"];`);
  }
  for (const child of state.children) block(child, active, any, inner, out);
  if (state.type === 'compound') {
    for (const target of state.initial) {
      const composite = state.children.some((c) => c.id === target && isComposite(c));
      out.push(`${inner}${quote(state.id)} -> ${quote(target)}${composite ? ` [lhead=${quote(`cluster_${target}`)}]` : ''};`);
    }
  }
  for (const child of state.children) {
    if (child.type === 'history') for (const target of child.initial) out.push(`${inner}${quote(child.id)} -> ${quote(target)} [style=dashed, label="default"];`);
  }
  out.push(`${indent}}`);
}

/**
 * The machine as a Graphviz `digraph`, drawn from its definition: what `toMermaid`
 * shows (see there), with composite states as clusters (`cluster_<state id>`, dashed
 * for parallel ones), node ids that are the XState state node ids (a composite's own
 * node is its initial dot; its "(any state)" node is `<id> (any state)`), final states
 * with a double outline, and the `active` states filled. Render it with `dot -Tsvg`.
 *
 * @example
 * ```ts
 * import { circuitBreakerMachine } from 'statewire/machines';
 * import { toDot } from 'statewire/inspect';
 *
 * console.log(toDot(circuitBreakerMachine));
 * // digraph "circuitBreaker" {
 * //   …
 * //   "circuitBreaker.OPEN" -> "circuitBreaker.HALF_OPEN" [label="after retryIn [notIsolated]"];
 * ```
 */
export function toDot(machine: AnyStateMachine, options?: DiagramOptions): string {
  const diagram = describeMachine(machine);
  const active = activeIds(diagram, options);
  const byId = new Map(allStates(diagram.root).map((s) => [s.id, s]));
  const within = (inner: string, outer: string) => inner === outer || inner.startsWith(`${outer}.`);
  const out = [
    `digraph ${quote(diagram.id)} {`,
    '  compound=true;',
    '  fontname="Helvetica";',
    '  node [shape=box, style=rounded, fontname="Helvetica"];',
    '  edge [fontname="Helvetica", fontsize=10];',
  ];
  const any = anyStates(diagram);
  block(diagram.root, active, any, '  ', out);
  for (const edge of diagram.edges) {
    if (any.fromAny(edge)) {
      out.push(`  ${quote(anyNode(edge.source))} -> ${quote(edge.target)} [label=${quote(edge.label)}${edge.kind === 'always' ? ', style=dashed' : ''}];`);
      continue;
    }
    const source = byId.get(edge.source)!;
    const target = byId.get(edge.target)!;
    const attrs = [`label=${quote(edge.label)}`];
    // Clip at a composite's box, unless one end lies inside the other's box (Graphviz refuses that).
    if (isComposite(source) && !within(target.id, source.id)) attrs.push(`ltail=${cluster(source)}`);
    if (isComposite(target) && !within(source.id, target.id)) attrs.push(`lhead=${cluster(target)}`);
    if (edge.kind === 'always') attrs.push('style=dashed');
    out.push(`  ${quote(edge.source)} -> ${quote(edge.target)} [${attrs.join(', ')}];`);
  }
  out.push('}');
  return `${out.join('\n')}\n`;
}
