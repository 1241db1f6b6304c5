/**
 * Diagrams of statewire's machines (or any XState v5 machine) from their definitions:
 * Mermaid `stateDiagram-v2` and Graphviz DOT.
 *
 * @module
 */
export { toMermaid } from './toMermaid.js';
export { toDot } from './toDot.js';
export { describeMachine } from './describeMachine.js';
export type { DiagramEdge, DiagramState, EdgeKind, MachineDiagram } from './describeMachine.js';
export { mermaidIds } from './mermaidIds.js';
export type { DiagramOptions } from './activeIds.js';
