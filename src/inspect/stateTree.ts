/**
 * A machine's states as a tree, with the ones a state value makes active
 * marked: what the page draws when mermaid is not installed, and where the
 * active state node ids for the diagram come from.
 *
 * @module
 */
import type { AnyStateMachine } from 'xstate';

/**
 * One state node, as the page shows it.
 *
 * @example
 * ```ts
 * const open = tree.children.find((n: StateNodeView) => n.key === 'OPEN');
 * ```
 */
export interface StateNodeView {
  /** The state node's id (`circuitBreaker.OPEN`). */
  id: string;
  key: string;
  /** `atomic`, `compound`, `parallel`, `final` or `history`. */
  type: string;
  active: boolean;
  children: StateNodeView[];
}

interface NodeLike {
  id: string;
  key: string;
  type: string;
  states: Record<string, NodeLike>;
}

/**
 * The tree of `machine`'s states, with those `value` names marked active.
 *
 * @example
 * ```ts
 * const { tree, active } = stateTree(circuitBreakerMachine, 'OPEN'); // active: ['circuitBreaker.OPEN']
 * ```
 */
export function stateTree(machine: AnyStateMachine, value: unknown): { tree: StateNodeView; active: string[] } {
  const active: string[] = [];
  const walk = (node: NodeLike, on: boolean, v: unknown, depth: number): StateNodeView => {
    if (on && depth > 0) active.push(node.id);
    const children = depth > 32 ? [] : Object.values(node.states).map((child) => {
      // A string value names the one active child; an object names each active child (regions of a parallel state).
      const childOn = on && (typeof v === 'string' ? v === child.key : typeof v === 'object' && v !== null && Object.hasOwn(v, child.key));
      const childValue = childOn && typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[child.key] : undefined;
      return walk(child, childOn, childValue, depth + 1);
    });
    return { id: node.id, key: node.key, type: node.type, active: on && depth > 0, children };
  };
  const tree = walk(machine.root as unknown as NodeLike, true, value, 0);
  return { tree, active };
}
