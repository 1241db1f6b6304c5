import type { Clock } from '../runtime/clock.js';

/**
 * Runs a health check every `interval` ms while started: the next check is
 * scheduled when the previous one has settled (never two at once). Its timer
 * does not keep a Node process alive (`unref`, as undici's timers): nobody
 * awaits it.
 *
 * @example
 * ```ts
 * const poller = new HealthPoller(clock, 15_000, () => conn.healthCheck());
 * poller.start(); // on connect
 * poller.stop();  // on disconnect / dispose
 * ```
 */
export class HealthPoller {
  private timer: unknown = undefined;
  private running = false;

  constructor(
    private readonly clock: Clock,
    private readonly interval: number,
    private readonly check: () => Promise<unknown>,
  ) {}

  start(): void {
    if (this.running || !(this.interval > 0)) return;
    this.running = true;
    this.schedule();
  }

  stop(): void {
    this.running = false;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  get active(): boolean {
    return this.running;
  }

  private schedule(): void {
    if (this.timer !== undefined) return; // restarted while a check was in flight
    const timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      // A failed check is reported by the check itself (events, health); the poll goes on.
      void this.check()
        .catch(() => {})
        .then(() => {
          if (this.running) this.schedule();
        });
    }, this.interval);
    (timer as { unref?: () => void } | undefined)?.unref?.();
    this.timer = timer;
  }
}
