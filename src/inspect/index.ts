/**
 * `statewire/inspect`: the offline inspector. `startInspector()` serves a page
 * on 127.0.0.1 that shows every actor an `inspect` option is given, live: the
 * actor tree, the selected actor's statechart with its active states, its
 * redacted context and its events. Node only.
 *
 * @module statewire/inspect
 */
export { startInspector, type Inspector } from './startInspector.js';
export type { InspectorOptions } from './inspectorOptions.js';
export type { ActorSummary, InspectorLimits, InspectorState, InspectorTotals, LogEntry } from './InspectorStore.js';
export type { StateNodeView } from './stateTree.js';
// diagrams
export { describeMachine, mermaidIds, toDot, toMermaid } from './diagram/index.js';
export type { DiagramEdge, DiagramOptions, DiagramState, EdgeKind, MachineDiagram } from './diagram/index.js';
