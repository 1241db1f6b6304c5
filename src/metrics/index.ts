/**
 * Connection metrics as users see them: the snapshot `getMetrics()` returns
 * (counters, latency percentiles, throughput and uptime). The recorders behind
 * it (`ConnectionMetrics`, `LatencyRecorder`) are the connections' own.
 *
 * @example
 * ```ts
 * import type { ConnectionMetricsSnapshot } from './metrics/index.js';
 * const report = (m: ConnectionMetricsSnapshot) => console.log(m.requestCount, m.errorRate);
 * ```
 *
 * @module
 */
export type { ConnectionMetricsSnapshot } from './ConnectionMetrics.js';
