/**
 * Calls and failures over the last `windowMs`, kept in `buckets` time slices so
 * that recording is O(1) with no allocation and no timer. Plain numbers only: its
 * state is what `toJSON()` shows.
 *
 * @example
 * ```ts
 * const w = new RollingWindow(10_000, 10);
 * w.record(Date.now(), true);
 * w.calls; // 1
 * w.failures; // 1
 * ```
 */
export class RollingWindow {
  /** Calls in the window, as of the last `record`/`advance`. */
  calls = 0;
  /** Failures in the window, as of the last `record`/`advance`. */
  failures = 0;
  private readonly bucketMs: number;
  private readonly callsIn: Float64Array;
  private readonly failuresIn: Float64Array;
  /** Index (time / bucketMs) of the newest bucket; NaN before the first call. */
  private epoch = Number.NaN;

  constructor(
    readonly windowMs: number,
    readonly buckets = 10,
  ) {
    this.bucketMs = windowMs / buckets;
    this.callsIn = new Float64Array(buckets);
    this.failuresIn = new Float64Array(buckets);
  }

  /** Drops the slices that have left the window by `now`. */
  advance(now: number): void {
    const epoch = Math.floor(now / this.bucketMs);
    const gap = epoch - this.epoch;
    if (gap === 0 || gap < 0) return; // same slice, or the clock stepped back
    if (!(gap < this.buckets)) {
      this.reset();
    } else {
      for (let k = 1; k <= gap; k++) {
        const i = (epoch - gap + k) % this.buckets;
        this.calls -= this.callsIn[i]!;
        this.failures -= this.failuresIn[i]!;
        this.callsIn[i] = 0;
        this.failuresIn[i] = 0;
      }
    }
    this.epoch = epoch;
  }

  /** Counts one call at `now`. */
  record(now: number, failed: boolean): void {
    this.advance(now);
    const i = this.epoch % this.buckets;
    this.callsIn[i]!++;
    this.calls++;
    if (failed) {
      this.failuresIn[i]!++;
      this.failures++;
    }
  }

  /** Forgets everything (the circuit closed). */
  reset(): void {
    this.callsIn.fill(0);
    this.failuresIn.fill(0);
    this.calls = 0;
    this.failures = 0;
  }

  toJSON(): { windowMs: number; calls: number; failures: number } {
    return { windowMs: this.windowMs, calls: this.calls, failures: this.failures };
  }
}
