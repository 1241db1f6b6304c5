import type { AnyStateMachine } from 'xstate';
import { activeIds, type DiagramOptions } from './activeIds.js';
import { describeMachine, type DiagramState } from './describeMachine.js';
import { mermaidIds } from './mermaidIds.js';

/** How the `active` class looks (amber fill, dark outline). */
const ACTIVE_STYLE = 'fill:#fde68a,stroke:#92400e,stroke-width:3px';

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

function block(state: DiagramState, ids: Map<string, string>, indent: string, out: string[]): void {
  const id = ids.get(state.id)!;
  out.push(`${indent}state "${text(stateLabel(state))}" as ${id}`);
  const lines = notes(state);
  if (state.children.length === 0) {
    // An atomic state carries its notes inside its box.
    for (const line of lines) out.push(`${indent}${id} : ${text(line)}`);
    return;
  }
  out.push(`${indent}state ${id} {`);
  const inner = `${indent}  `;
  state.children.forEach((child, i) => {
    // Parallel regions are separated by `--`.
    if (state.type === 'parallel' && i > 0) out.push(`${inner}--`);
    block(child, ids, inner, out);
  });
  if (state.type === 'compound') for (const target of state.initial) out.push(`${inner}[*] --> ${ids.get(target)!}`);
  for (const child of state.children) {
    if (child.type === 'final') out.push(`${inner}${ids.get(child.id)!} --> [*]`);
    if (child.type === 'history') for (const target of child.initial) out.push(`${inner}${ids.get(child.id)!} --> ${ids.get(target)!} : default`);
  }
  out.push(`${indent}}`);
  // A composite's box holds its children: its own notes go beside it.
  if (lines.length > 0) {
    out.push(`${indent}note right of ${id}`);
    for (const line of lines) out.push(`${inner}${text(line)}`);
    out.push(`${indent}end note`);
  }
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
 * written on the state: inside an atomic state's box, in a note beside a composite.
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
  block(diagram.root, ids, '  ', out);
  // Arrows after every state is declared, at the top level: an id first named inside a
  // `state … { }` block would otherwise become a new state of that block.
  for (const edge of diagram.edges) out.push(`  ${ids.get(edge.source)!} --> ${ids.get(edge.target)!} : ${text(edge.label)}`);
  out.push(`  classDef active ${ACTIVE_STYLE}`);
  if (active.size > 0) out.push(`  class ${[...ids].filter(([id]) => active.has(id)).map(([, m]) => m).join(',')} active`);
  return `${out.join('\n')}\n`;
}
