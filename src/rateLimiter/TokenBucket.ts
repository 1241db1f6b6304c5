/**
 * A token bucket: `rate` tokens per second up to `burst`, refilled from the time
 * passed to `take`, so a take is O(1) with no timer and a simulated clock drives it.
 *
 * @example
 * ```ts
 * const bucket = new TokenBucket(20, 30, Date.now());
 * const wait = bucket.take(Date.now()); // 0: granted; otherwise ms until a token is due
 * ```
 */
export class TokenBucket {
  tokens: number;
  private last: number;

  constructor(
    public rate: number,
    public burst: number,
    now: number,
  ) {
    this.tokens = burst;
    this.last = now;
  }

  private refill(now: number): void {
    const elapsed = now - this.last;
    if (elapsed > 0) {
      const tokens = this.tokens + (elapsed * this.rate) / 1000;
      this.tokens = tokens < this.burst ? tokens : this.burst;
      this.last = now;
    }
  }

  /** Takes `cost` tokens: returns 0 when granted, else the ms until they will be there. */
  take(now: number, cost = 1): number {
    this.refill(now);
    if (this.tokens >= cost) {
      this.tokens -= cost;
      return 0;
    }
    const wait = Math.ceil(((cost - this.tokens) * 1000) / this.rate);
    // Floating point can leave the refill over `wait` ms a hair short of `cost`;
    // the promised wait must be enough.
    return this.tokens + (wait * this.rate) / 1000 < cost ? wait + 1 : wait;
  }

  /** Changes rate and burst, keeping what is saved up (at most the new burst). */
  configure(rate: number, burst: number, now: number): void {
    this.refill(now);
    this.rate = rate;
    this.burst = burst;
    if (this.tokens > burst) this.tokens = burst;
  }
}
