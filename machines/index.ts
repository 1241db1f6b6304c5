/**
 * `statewire/machines`: the pure statecharts, for inspection, composition and
 * model-based tests. They do no I/O and read no clock; `statewire` runs them.
 *
 * @module statewire/machines
 */
export { circuitBreakerMachine } from './circuitBreaker.js';
export type {
  CircuitBreakerContext,
  CircuitBreakerEmitted,
  CircuitBreakerEvent,
  CircuitBreakerInput,
  CircuitState,
} from './circuitBreaker.js';
export { backoffMachine } from './backoff.js';
export type {
  AttemptInput,
  BackoffContext,
  BackoffEvent,
  BackoffInput,
  BackoffOutput,
  RetryAfterHint,
} from './backoff.js';
export { backoffDelay, baseDelay, defaultBackoffPolicy } from './backoffDelay.js';
export type { BackoffKind, BackoffPolicy, Jitter } from './backoffDelay.js';
export { rateLimiterMachine, defaultRateLimits } from './rateLimiter.js';
export type {
  RateLimit,
  RateLimiterContext,
  RateLimiterEmitted,
  RateLimiterEvent,
  RateLimiterInput,
} from './rateLimiter.js';
export { nextRandom } from './random.js';
export { adoptChild, adoptChildren, releaseChild } from './adoption.js';
export type { AdoptEvent, AdoptManyEvent, AdoptionEvent, ReleaseEvent } from './adoption.js';
export { httpClientMachine } from './http.js';
export type { HttpClientContext, HttpClientEmitted, HttpClientEvent, HttpClientInput, HttpHealth } from './http.js';
export { webSocketMachine, statusOf } from './websocket.js';
export type { Activity, WebSocketContext, WebSocketEmitted, WebSocketEvent, WebSocketInput, WebSocketStatus } from './websocket.js';
export { reconnectLoop } from './reconnectLoop.js';
export type {
  LoopCause,
  LoopRecord,
  LoopTracking,
  ReconnectLoopContext,
  ReconnectLoopEvent,
  ReconnectLoopInput,
  ReconnectLoopOutput,
  ReconnectPolicy,
} from './reconnectLoop.js';
export { sseMachine, sseStatusOf } from './sse.js';
export type { SseContext, SseEmitted, SseEndReason, SseEvent, SseInput, SseStatus } from './sse.js';
export { endpointMachine } from './endpoint.js';
export type {
  EndpointChildName,
  EndpointContext,
  EndpointEmitted,
  EndpointEnv,
  EndpointEvent,
  EndpointHttpView,
  EndpointInput,
  EndpointStatus,
  EndpointWebSocketView,
} from './endpoint.js';
export { sharedStateMachine } from './sharedState.js';
export type { SharedStateContext, SharedStateEmitted, SharedStateEvent, SharedStateInput, SharedStateValue, SharedStateWait, StoreChecked } from './sharedState.js';
export { poolSlotMachine } from './poolSlot.js';
export type { DestroyReason, PoolSlotContext, PoolSlotEmitted, PoolSlotEvent, PoolSlotInput, PoolSlotWork, PoolSlotWorkInput } from './poolSlot.js';
export { poolMachine } from './pool.js';
export type { PoolContext, PoolEmitted, PoolEvent, PoolInput } from './pool.js';
export { managerMachine } from './manager.js';
export type {
  AddedConnection,
  ConnectionChange,
  HealthSweepInput,
  ManagedEntry,
  ManagedHealth,
  ManagerContext,
  ManagerEmitted,
  ManagerEvent,
  ManagerInput,
} from './manager.js';
