/**
 * `statewire/inspect`: the offline inspector. `startInspector()` serves a page
 * on 127.0.0.1 that shows every actor an `inspect` option is given, live.
 *
 * @module statewire/inspect
 */
// diagrams
export { describeMachine, mermaidIds, toDot, toMermaid } from './diagram/index.js';
export type { DiagramEdge, DiagramOptions, DiagramState, EdgeKind, MachineDiagram } from './diagram/index.js';
