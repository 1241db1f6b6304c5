export type { MachinePath, PathPlan } from './machinePath.js';
export { planPath } from './machinePath.js';
export { atLeastOnceModel, initialWebSocketState, webSocketViolations } from './webSocketModel.js';
export type { WebSocketAction, WebSocketModel, WebSocketModelState, WebSocketObservation } from './webSocketModel.js';
export { WebSocketRun, describeWebSocketAction } from './WebSocketRun.js';
export type { WebSocketRuntimeOptions, WebSocketUnderTest } from './WebSocketRun.js';
export { WebSocketCommand, runWebSocketActions, runWebSocketPath, webSocketCommands, webSocketEventAction, webSocketProperty } from './webSocketCommands.js';
export type { WebSocketRunReport } from './webSocketCommands.js';
