import { anyKey } from './anyState.js';
import { allStates, type MachineDiagram } from './describeMachine.js';

/**
 * Words Mermaid's state-diagram lexer reads as keywords (or that other diagram kinds
 * reserve): a state named `end` or `state` would break the diagram, so it gets a prefix.
 */
const RESERVED = new Set([
  'as', 'call', 'callback', 'choice', 'class', 'classdef', 'click', 'default', 'direction', 'end', 'fork',
  'graph', 'hide', 'href', 'join', 'left', 'note', 'of', 'right', 'scale', 'state', 'statediagram', 'style',
  'subgraph',
]);

/** A Mermaid-safe id for one name: letters, digits and `_` only, never a keyword, never starting with a digit. */
function safe(name: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9_]/g, '_');
  return cleaned === '' || /^[0-9_]/.test(cleaned) || RESERVED.has(cleaned.toLowerCase()) ? `s_${cleaned}` : cleaned;
}

/**
 * Mermaid ids for every state node of a diagram, keyed by XState state node id.
 * The root is named after the machine, every other state after its path below the root
 * (`session.link.connected` → `session_link_connected`), sanitised; a clash (`a.b_c` and
 * `a_b.c`) is settled in document order with `_2`, `_3`…, so the same definition
 * always gets the same ids. A composite's "(any state)" node is `<composite id>__any`,
 * under the key `anyKey(stateId)`.
 *
 * @example
 * ```ts
 * mermaidIds(describeMachine(webSocketMachine)).get('websocket.session.link'); // 'session_link'
 * ```
 */
export function mermaidIds(diagram: MachineDiagram): Map<string, string> {
  const ids = new Map<string, string>();
  const taken = new Set<string>();
  const rootPrefix = `${diagram.root.id}.`;
  const claim = (key: string, base: string) => {
    let id = base;
    for (let n = 2; taken.has(id.toLowerCase()); n++) id = `${base}_${n}`;
    taken.add(id.toLowerCase());
    ids.set(key, id);
    return id;
  };
  for (const state of allStates(diagram.root)) {
    const path = state === diagram.root ? diagram.id : state.id.startsWith(rootPrefix) ? state.id.slice(rootPrefix.length) : state.id;
    const id = claim(state.id, safe(path));
    if (state.children.length > 0) claim(anyKey(state.id), `${id}__any`);
  }
  return ids;
}
