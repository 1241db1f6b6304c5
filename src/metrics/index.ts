/**
 * Connection metrics: counters, latency percentiles, throughput and uptime.
 *
 * @example
 * ```ts
 * import { ConnectionMetrics } from './metrics/index.js';
 * const metrics = new ConnectionMetrics();
 * metrics.recordRequest(12, true);
 * metrics.snapshot().requestCount; // 1
 * ```
 *
 * @module
 */
export { LatencyRecorder } from './LatencyRecorder.js';
export { ConnectionMetrics } from './ConnectionMetrics.js';
export type { ConnectionMetricsOptions, ConnectionMetricsSnapshot } from './ConnectionMetrics.js';
