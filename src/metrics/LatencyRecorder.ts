import { num, validateOptions } from '../config/validate.js';

const capacitySpec = { capacity: num({ integer: true, min: 1, max: 1_048_576, default: 1024 }) };

/**
 * A fixed-memory latency reservoir: the last `capacity` samples in a ring buffer
 * (for percentiles) plus a running sum and count over every sample ever (for the
 * mean). `record` is O(1) and allocates nothing, so it can sit on a request's hot path.
 *
 * @example
 * ```ts
 * const latency = new LatencyRecorder(512);
 * latency.record(12.5);
 * latency.record(40);
 * latency.percentile(95); // 40
 * latency.mean; // 26.25
 * ```
 */
export class LatencyRecorder {
  /** How many of the latest samples the percentiles see. */
  readonly capacity: number;
  // Allocated on the first sample: many recorders (one per connection) never get one.
  private ring: Float64Array | null = null;
  /** Sorted copy of the ring's samples; rebuilt only when a sample arrived since. */
  private sorted: Float64Array | null = null;
  private sortedValid = true;
  private next = 0;
  private held = 0;
  private total = 0;
  private sum = 0;

  /** @param capacity Samples kept for percentiles (integer 1..1048576). Default 1024. */
  constructor(capacity = 1024) {
    this.capacity = validateOptions('LatencyRecorder', { capacity }, capacitySpec).capacity;
  }

  /**
   * Adds one sample in milliseconds. A negative value (a clock that stepped back)
   * counts as 0; NaN and ±Infinity are dropped, as they would poison the mean.
   *
   * @example
   * ```ts
   * const start = performance.now();
   * await work();
   * latency.record(performance.now() - start);
   * ```
   */
  record(ms: number): void {
    if (!Number.isFinite(ms)) return;
    const v = ms < 0 ? 0 : ms;
    (this.ring ??= new Float64Array(this.capacity))[this.next] = v;
    this.next = this.next + 1 === this.capacity ? 0 : this.next + 1;
    if (this.held < this.capacity) this.held++;
    this.total++;
    this.sum += v;
    this.sortedValid = false;
  }

  /**
   * The nearest-rank `p`-th percentile (0..100) of the samples held; 0 when empty.
   * `percentile(0)` is the smallest sample, `percentile(100)` the largest.
   *
   * @example
   * ```ts
   * for (const ms of [10, 20, 30, 40]) latency.record(ms);
   * latency.percentile(50); // 20
   * latency.percentile(99); // 40
   * ```
   */
  percentile(p: number): number {
    if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile: expected p between 0 and 100, got ${String(p)}`);
    const n = this.held;
    if (n === 0) return 0;
    if (!this.sortedValid) {
      // Copy then sort in place: the ring keeps arrival order for overwriting.
      const ring = this.ring!;
      const sorted = (this.sorted ??= new Float64Array(this.capacity));
      sorted.set(n === this.capacity ? ring : ring.subarray(0, n));
      sorted.subarray(0, n).sort();
      this.sortedValid = true;
    }
    const rank = Math.max(1, Math.ceil((p / 100) * n));
    return this.sorted![rank - 1]!;
  }

  /**
   * Mean of every sample recorded since construction or `reset()` (not only the
   * ones held); 0 when none.
   *
   * @example
   * ```ts
   * latency.record(10); latency.record(30);
   * latency.mean; // 20
   * ```
   */
  get mean(): number {
    return this.total === 0 ? 0 : this.sum / this.total;
  }

  /**
   * Samples recorded since construction or `reset()`, including those the ring
   * has overwritten.
   *
   * @example
   * ```ts
   * latency.count; // 0
   * latency.record(5);
   * latency.count; // 1
   * ```
   */
  get count(): number {
    return this.total;
  }

  /**
   * Forgets every sample.
   *
   * @example
   * ```ts
   * latency.reset();
   * latency.percentile(50); // 0
   * ```
   */
  reset(): void {
    this.next = 0;
    this.held = 0;
    this.total = 0;
    this.sum = 0;
    this.sortedValid = true;
  }
}
