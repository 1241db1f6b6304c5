/**
 * `statewire/testing`: model-based testing for apps that use statewire.
 * Traversal options for `xstate/graph`, edge-covering paths, a transition
 * coverage observer, and fault-injecting servers on 127.0.0.1.
 *
 * @module statewire/testing
 */

// model-based testing
export { traversalOptions, type StatewireTraversalOptions, type TraversalOptionsOverrides, type MachineTraversal } from './traversalOptions.js';
export { edgeCoveringPaths, type CoveringOptions, type CoveringPath, type CoveringPaths, type PathStep } from './edgeCoveringPaths.js';
export { runPath, type RunOptions } from './runPath.js';
export { loopStandIn, performLoopStep, standInsFor, type LoopStandInEvent, type LoopStandInState, type PerformStep, type StandIns } from './standIns.js';
export { transitionCoverage, type TransitionCoverage } from './transitionCoverage.js';
export { formatCoverage, type CoverageCount, type CoverageReport } from './coverageReport.js';
export { reconnectLoopEvents } from './traversal/loopEvents.js';
export { afterDelays, stateIdsOf, transitionKey, transitionsOf, isMachineOf, type TransitionRef } from './machineGraph.js';

// fault-injecting servers
export * from './servers/index.js';
// runtime model tests
export * from './runtime/index.js';
