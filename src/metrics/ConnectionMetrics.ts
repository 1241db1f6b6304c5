import { systemClock, type Clock } from '../runtime/clock.js';
import { bool, num, optional, validateOptions, type Rule } from '../config/validate.js';
import { ConfigError } from '../errors.js';
import { LatencyRecorder } from './LatencyRecorder.js';

/**
 * Options of {@link ConnectionMetrics}.
 *
 * @example
 * ```ts
 * const options: ConnectionMetricsOptions = { enabled: config.monitoring, sampleSize: 2048 };
 * ```
 */
export interface ConnectionMetricsOptions {
  /** Time source (epoch ms). Default: the system clock. */
  clock?: Clock;
  /** The seed's `monitoring` option: false makes every method a no-op. Default true. */
  enabled?: boolean;
  /** Latest request durations kept for p50/p95/p99. Default 1024. */
  sampleSize?: number;
}

/**
 * What seed 000's `connection.getMetrics()` returns. Times in milliseconds.
 *
 * @example
 * ```ts
 * const { requestCount, errorRate, p95, throughput }: ConnectionMetricsSnapshot = metrics.snapshot();
 * ```
 */
export interface ConnectionMetricsSnapshot {
  /** Requests completed (successful or not). */
  requestCount: number;
  /** Failed requests plus errors recorded without a request (`recordError`). */
  errorCount: number;
  /** Share of requests that failed, 0..1; 0 when there were none. */
  errorRate: number;
  /** Mean duration of every request recorded (failed ones included), ms. */
  averageResponseTime: number;
  /** Percentiles of the latest `sampleSize` request durations, ms. */
  p50: number;
  p95: number;
  p99: number;
  /** Requests per second since the first request after the latest connect (or ever). */
  throughput: number;
  /** Milliseconds connected in the current connection; 0 when not connected. */
  uptime: number;
  /** Epoch ms when the latest request completed; null when none did. */
  lastRequestAt: number | null;
}

const clockRule: Rule<Clock | undefined> = {
  check(value, option) {
    if (value === undefined) return undefined;
    const c = value as Partial<Clock> | null;
    if (typeof c !== 'object' || c === null || typeof c.now !== 'function') {
      throw new ConfigError(option, value, 'expected a clock with a now() method');
    }
    return value as Clock;
  },
};

const spec = {
  clock: clockRule,
  enabled: bool({ default: true }),
  sampleSize: optional(num({ integer: true, min: 1, max: 1_048_576 })),
};

/**
 * Counters and latency of one connection: the numbers behind seed 000's
 * `getMetrics()`. `recordRequest` is O(1) with no allocation (hot path); the
 * derived figures are computed in `snapshot()`.
 *
 * @example
 * ```ts
 * const metrics = new ConnectionMetrics({ enabled: config.monitoring });
 * metrics.markConnected();
 * const start = Date.now();
 * const ok = await send().then(() => true, () => false);
 * metrics.recordRequest(Date.now() - start, ok);
 * console.log(metrics.snapshot().averageResponseTime);
 * ```
 */
export class ConnectionMetrics {
  /** False when built with `enabled: false`: nothing is counted. */
  readonly enabled: boolean;
  private readonly clock: Clock;
  private readonly latency: LatencyRecorder;
  private requests = 0;
  private failedRequests = 0;
  private otherErrors = 0;
  private lastRequestAt: number | null = null;
  /** Epoch ms of the current connection's start; null while disconnected. */
  private connectedAt: number | null = null;
  /** Start of the throughput span: the first request since the latest connect. */
  private spanStart: number | null = null;
  private spanRequests = 0;

  constructor(options: ConnectionMetricsOptions = {}) {
    const o = validateOptions('ConnectionMetrics', options, spec);
    this.enabled = o.enabled;
    this.clock = o.clock ?? systemClock;
    // A disabled instance never records, so one slot is enough.
    this.latency = new LatencyRecorder(o.enabled ? (o.sampleSize ?? 1024) : 1);
  }

  /**
   * Counts one completed request and its duration in ms.
   *
   * @example
   * ```ts
   * metrics.recordRequest(42, response.ok);
   * ```
   */
  recordRequest(durationMs: number, ok: boolean): void {
    if (!this.enabled) return;
    const now = this.clock.now();
    this.requests++;
    if (!ok) this.failedRequests++;
    this.latency.record(durationMs);
    this.lastRequestAt = now;
    if (this.spanStart === null) this.spanStart = now;
    this.spanRequests++;
  }

  /**
   * Counts an error that has no request duration (a socket error, a refused connect).
   *
   * @example
   * ```ts
   * socket.on('error', () => metrics.recordError());
   * ```
   */
  recordError(): void {
    if (!this.enabled) return;
    this.otherErrors++;
  }

  /**
   * Starts the uptime clock (from `at`, default now) and a new throughput span.
   * Calling it while already connected changes nothing.
   *
   * @example
   * ```ts
   * socket.on('open', () => metrics.markConnected());
   * ```
   */
  markConnected(at: number = this.clock.now()): void {
    if (!this.enabled || this.connectedAt !== null) return;
    this.connectedAt = at;
    // Requests made before this connection would inflate its rate.
    this.spanStart = null;
    this.spanRequests = 0;
  }

  /**
   * Stops the uptime clock (uptime reads 0 until the next `markConnected`).
   *
   * @example
   * ```ts
   * socket.on('close', () => metrics.markDisconnected());
   * ```
   */
  markDisconnected(): void {
    if (!this.enabled) return;
    this.connectedAt = null;
  }

  /**
   * The figures as of now, in a fresh object.
   *
   * @example
   * ```ts
   * const { requestCount, errorRate, p99 } = metrics.snapshot();
   * ```
   */
  snapshot(): ConnectionMetricsSnapshot {
    const now = this.clock.now();
    const elapsed = this.spanStart === null ? 0 : now - this.spanStart;
    return {
      requestCount: this.requests,
      errorCount: this.failedRequests + this.otherErrors,
      errorRate: this.requests === 0 ? 0 : this.failedRequests / this.requests,
      averageResponseTime: this.latency.mean,
      p50: this.latency.percentile(50),
      p95: this.latency.percentile(95),
      p99: this.latency.percentile(99),
      // Under 1 ms the rate would be meaningless (or infinite).
      throughput: elapsed < 1 ? 0 : this.spanRequests / (elapsed / 1000),
      uptime: this.connectedAt === null ? 0 : Math.max(0, now - this.connectedAt),
      lastRequestAt: this.lastRequestAt,
    };
  }

  /**
   * Zeroes the counters, latencies and throughput span. Whether the connection is
   * up is a fact, not a count: a connected instance stays connected and keeps its uptime.
   *
   * @example
   * ```ts
   * metrics.reset();
   * metrics.snapshot().requestCount; // 0
   * ```
   */
  reset(): void {
    this.requests = 0;
    this.failedRequests = 0;
    this.otherErrors = 0;
    this.lastRequestAt = null;
    this.spanStart = null;
    this.spanRequests = 0;
    this.latency.reset();
  }
}
