/**
 * TEMPORARY: a minimal Mermaid generator standing in for src/inspect/diagram/
 * (branch h/diagram) until it is merged; deleted then.
 *
 * @module
 */
import type { AnyStateMachine } from 'xstate';

interface NodeLike {
  id: string;
  key: string;
  states: Record<string, NodeLike>;
  initial?: { target: NodeLike[] };
  transitions: Map<string, Array<{ target?: NodeLike[] }>>;
  always?: Array<{ target?: NodeLike[] }>;
}

/**
 * A `stateDiagram-v2` of `machine`, the state nodes in `options.active` highlighted.
 *
 * @example
 * ```ts
 * toMermaid(circuitBreakerMachine, { active: ['circuitBreaker.OPEN'] });
 * ```
 */
export function toMermaid(machine: AnyStateMachine, options: { active?: string[] } = {}): string {
  const lines = ['stateDiagram-v2'];
  const alias = new Map<string, string>();
  const name = (node: NodeLike) => {
    let a = alias.get(node.id);
    if (a === undefined) alias.set(node.id, (a = `s${alias.size}`));
    return a;
  };
  const label = (s: string) => s.replace(/[^\w.@ -]/g, '_');
  const edges: string[] = [];
  const walk = (node: NodeLike, indent: string) => {
    const initial = node.initial?.target[0];
    if (initial !== undefined) lines.push(`${indent}[*] --> ${name(initial)}`);
    for (const child of Object.values(node.states)) {
      const a = name(child);
      if (Object.keys(child.states).length > 0) {
        lines.push(`${indent}state "${label(child.key)}" as ${a} {`);
        walk(child, `${indent}  `);
        lines.push(`${indent}}`);
      } else lines.push(`${indent}state "${label(child.key)}" as ${a}`);
      for (const [event, ts] of child.transitions) for (const t of ts) for (const target of t.target ?? []) edges.push(`${a} --> ${name(target)}: ${label(event)}`);
      for (const t of child.always ?? []) for (const target of t.target ?? []) edges.push(`${a} --> ${name(target)}: always`);
    }
  };
  walk(machine.root as unknown as NodeLike, '  ');
  lines.push(...edges.map((e) => `  ${e}`));
  const active = (options.active ?? []).map((id) => alias.get(id)).filter((a): a is string => a !== undefined);
  if (active.length > 0) lines.push('  classDef active fill:#ffe082,stroke:#e65100,stroke-width:3px', `  class ${active.join(',')} active`);
  return lines.join('\n');
}
