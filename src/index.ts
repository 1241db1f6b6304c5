/**
 * statewire: resilient connections as explicit XState v5 statecharts.
 * The pure machines are in `statewire/machines`.
 *
 * @module statewire
 */
export { CircuitBreaker, REJECTED } from './breaker/CircuitBreaker.js';
export type { Admission, BreakerTicket, CircuitBreakerOptions, CircuitBreakerState } from './breaker/CircuitBreaker.js';
export { RateLimiter } from './rateLimiter/RateLimiter.js';
export type { EndpointRateStats, RateLimiterOptions, RateLimiterStats } from './rateLimiter/RateLimiter.js';
export * from './retry/index.js';
export * from './errors.js';
export * from './config/index.js';
export { systemClock } from './runtime/clock.js';
export type { Clock } from './runtime/clock.js';
export type { Inspect } from './runtime/inspection.js';
export { watch } from './runtime/createRootActor.js';
export type { CircuitState } from '../machines/circuitBreaker.js';
export type { RateLimit } from '../machines/rateLimiter.js';
export type { BackoffPolicy, Jitter, BackoffKind } from '../machines/backoffDelay.js';
export * from './metrics/index.js';
export { ApiClient } from './http/ApiClient.js';
export type { ApiClientOptions, ApiResponse, RequestConfig, RequestInterceptor, RequestOptions, ResponseInterceptor } from './http/ApiClient.js';
export type { CallInit } from './http/apiClientOptions.js';
export type { WireBody } from './http/bodies.js';
export { HTTPConnection } from './http/HTTPConnection.js';
export type { HealthCheckResult, HTTPConnectionOptions, HTTPRequest } from './http/HTTPConnection.js';
export type { QueryParams } from './http/buildUrl.js';
export type { ConnectionEvent, ConnectionEventType, EventSeverity } from './runtime/ConnectionEvents.js';
export { CallbackError } from './runtime/callUserFn.js';
export type { HttpResponse } from './http/RequestPipeline.js';
export type { HttpTransport, TransportOptions, TransportRequest, TransportResponse } from './http/transports/HttpTransport.js';
export type { TransportChoice } from './http/transports/createHttpTransport.js';
export * from './security/index.js';
export { WebSocketConnection } from './websocket/WebSocketConnection.js';
export type { DroppedMessage, WebSocketStats } from './websocket/WebSocketConnection.js';
export type { WebSocketEventMap, WebSocketListener } from './websocket/webSocketEvents.js';
export type { WebSocketConnectionOptions } from './websocket/webSocketOptions.js';
export type { ReadyState } from './websocket/readyState.js';
export type { WebSocketHealthCheck } from './websocket/heartbeat.js';
export type { MessageParse } from './runtime/parseText.js';
export { SSEConnection } from './sse/SSEConnection.js';
export type { SSEMessage, SSEStats } from './sse/SSEConnection.js';
export type { SSEConnectionOptions, SSEHeaders } from './sse/sseOptions.js';
export type { SSEHandler } from './sse/SSEMessage.js';
export type { StreamHealth } from './sse/SSEStats.js';
export { GuruConnection } from './websocket/GuruConnection.js';
export type { GuruConnectionOptions } from './websocket/GuruConnection.js';
export type { DropReason, OverflowPolicy } from './websocket/OutboundQueue.js';
export type { WebSocketStatus, Activity } from '../machines/websocket.js';
export type { ConnectPhase } from './runtime/connectFailure.js';
export { Endpoint } from './endpoint/Endpoint.js';
export type { EndpointOptions, EndpointStats } from './endpoint/Endpoint.js';
export type { EndpointEventMap, EndpointListener } from './endpoint/EndpointListeners.js';
export type { MessageFormat } from './endpoint/messageFormat.js';
export type { EndpointRoutes } from './endpoint/routes.js';
export type { EndpointPreset } from './endpoint/presets.js';
export type { EndpointEnv, EndpointStatus } from '../machines/endpoint.js';
export { ConnectionPool } from './pool/ConnectionPool.js';
export type { AcquireOptions, PoolStats } from './pool/ConnectionPool.js';
export { WebSocketConnectionPool } from './pool/WebSocketConnectionPool.js';
export type { ConnectionPoolOptions } from './pool/poolOptions.js';
export type { PoolEventMap, PoolListener } from './pool/poolEvents.js';
export { ConnectionManager } from './manager/ConnectionManager.js';
export type { ManageableConnection, ManagedHealthCheck } from './manager/ConnectionManager.js';
export type { AddConnectionOptions, ConnectionManagerOptions, RemoveConnectionOptions } from './manager/managerOptions.js';
export type { BulkResult } from './manager/runBounded.js';
export type { GlobalHandler, ManagedEvent } from './manager/GlobalHandlers.js';
export type { ManagerStatistics } from './manager/managerStatistics.js';
