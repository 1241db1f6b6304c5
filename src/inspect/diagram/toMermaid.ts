import type { AnyStateMachine } from 'xstate';
import { activeIds, type DiagramOptions } from './activeIds.js';
import { describeMachine, type DiagramState } from './describeMachine.js';
import { mermaidIds } from './mermaidIds.js';
import { ANY_STATE, anyKey, anyStates, type AnyStates } from './anyState.js';

/** How the `active` class looks (amber fill, dark outline). */
const ACTIVE_STYLE = 'fill:#fde68a,stroke:#92400e,stroke-width:3px';
/** How an "(any state)" node looks (dashed: it is not a state of the machine). */
const ANY_STYLE = 'fill:#f8fafc,stroke:#64748b,stroke-dasharray:4 3';

/**
 * Text that Mermaid shows as written: the characters its grammar gives a meaning
 * (`:` `;` `#` quotes, braces, angle brackets) become entity codes, which it decodes on display.
 */
function text(value: string): string {
  return value.replace(/[#;:"{}<>]/g, (c) => `#${c.charCodeAt(0)};`).replace(/\s+/g, ' ');
}

/** The label a state shows: its key, `H` / `H*` for a history state. */
function stateLabel(state: DiagramState): string {
  if (state.type === 'history') return state.history === 'deep' ? 'H*' : 'H';
  return state.key;
}

/** Lines written on a state: invoked actors first, then transitions that stay in the state. */
function notes(state: DiagramState): string[] {
  return [...state.invokes.map((src) => `invoke ${src}`), ...state.internal];
}

function block(state: DiagramState, ids: Map<string, string>, any: AnyStates, indent: string, out: string[]): void {
  const id = ids.get(state.id)!;
  out.push(`${indent}state "${text(stateLabel(state))}" as ${id}`);
  if (state.children.length === 0) {
    // An atomic state carries its notes inside its box.
    for (const line of notes(state)) out.push(`${indent}${id} : ${text(line)}`);
    return;
  }
  out.push(`${indent}state ${id} {`);
  const inner = `${indent}  `;
  if (any.states.has(state.id)) {
    // The composite's notes and its transitions into itself (see AnyStates); in a parallel state, a region of its own.
    const anyId = ids.get(anyKey(state.id))!;
    out.push(`${inner}state "${text(ANY_STATE)}" as ${anyId}`);
    for (const line of notes(state)) out.push(`${inner}${anyId} : ${text(line)}`);
    if (state.type === 'parallel') out.push(`${inner}--`);
  }
  state.children.forEach((child, i) => {
    // Parallel regions are separated by `--`.
    if (state.type === 'parallel' && i > 0) out.push(`${inner}--`);
    block(child, ids, any, inner, out);
  });
  if (state.type === 'compound') for (const target of state.initial) out.push(`${inner}[*] --> ${ids.get(target)!}`);
  for (const child of state.children) {
    if (child.type === 'final') out.push(`${inner}${ids.get(child.id)!} --> [*]`);
    if (child.type === 'history') for (const target of child.initial) out.push(`${inner}${ids.get(child.id)!} --> ${ids.get(target)!} : default`);
  }
  out.push(`${indent}}`);
}

/**
 * The machine as a Mermaid `stateDiagram-v2`, drawn from its definition: nested and
 * parallel states (regions split by `--`), initial (`[*] -->`) and final (`--> [*]`)
 * states, history states (`H`, `H*`), every targeted transition as an arrow labelled
 * with its event and guard (`FAILURE [shouldTrip]`; a fallback after guarded
 * candidates is `[else]`), eventless ones as `always`, delayed ones as `after <delay>`
 * (a named delay by its name, a literal one in ms), invoked actors' `onDone(src)` /
 * `onError(src)`, and `(reenter)` where the transition re-enters its target.
 * Targetless transitions (actions only, the state stays) and invoked actors are
 * written on the state: inside an atomic state's box; for a composite, on an
 * "(any state)" node inside its box, which also starts the composite's transitions
 * into its own children (layouts lose arrows drawn from a box into itself).
 * The output depends only on the definition, in definition order.
 *
 * @example
 * ```ts
 * import { circuitBreakerMachine } from 'statewire/machines';
 * import { toMermaid } from 'statewire/inspect';
 *
 * console.log(toMermaid(circuitBreakerMachine, { active: ['circuitBreaker.OPEN'] }));
 * // stateDiagram-v2
 * //   state "circuitBreaker" as circuitBreaker
 * //   …
 * //   OPEN --> HALF_OPEN : after retryIn [notIsolated]
 * ```
 */
export function toMermaid(machine: AnyStateMachine, options?: DiagramOptions): string {
  const diagram = describeMachine(machine);
  const active = activeIds(diagram, options);
  const ids = mermaidIds(diagram);
  const out = ['stateDiagram-v2'];
  const any = anyStates(diagram);
  block(diagram.root, ids, any, '  ', out);
  // Arrows after every state is declared, at the top level: an id first named inside a
  // `state … { }` block would otherwise become a new state of that block.
  for (const edge of diagram.edges) {
    const source = ids.get(any.fromAny(edge) ? anyKey(edge.source) : edge.source)!;
    out.push(`  ${source} --> ${ids.get(edge.target)!} : ${text(edge.label)}`);
  }
  out.push(`  classDef active ${ACTIVE_STYLE}`, `  classDef anyState ${ANY_STYLE}`);
  if (any.states.size > 0) out.push(`  class ${[...any.states].map((id) => ids.get(anyKey(id))!).join(',')} anyState`);
  if (active.size > 0) out.push(`  class ${[...ids].filter(([id]) => active.has(id)).map(([, m]) => m).join(',')} active`);
  return `${out.join('\n')}\n`;
}
