import type { Clock } from '../runtime/clock.js';
import { sweepSchedule } from './sweepSchedule.js';

/** What a sweep checks: one connection, as the manager keeps it. */
export interface SweepTarget {
  /** Whether the connection is to be checked now (connected, no check of it still running). */
  readonly checkable: boolean;
  /** Runs one health check; resolves whether it passed (never rejects). */
  check(): Promise<boolean>;
}

/**
 * The manager's automatic health checks (the `healthSweep` actor's work):
 * rounds over the connections, each spread over `interval` (see
 * {@link sweepSchedule}), one timer at a time. A round works on the
 * connections there when it began; `done` is told how many were checked and
 * how many failed once all of them settled, and the next round begins (a check
 * slower than the interval delays it: rounds never overlap). `stop()` ends it:
 * no timer is left.
 *
 * @example
 * ```ts
 * const sweep = new HealthSweep(systemClock, 30_000, () => [...entries.values()], (checked, failed) => console.log(checked, failed));
 * sweep.start();
 * sweep.stop();
 * ```
 */
export class HealthSweep {
  private timer: unknown = undefined;
  private stopped = false;
  private round: SweepTarget[] = [];
  private cursor = 0;
  private batch = 0;
  private every = 0;
  private pending = 0;
  private checked = 0;
  private failed = 0;

  constructor(
    private readonly clock: Clock,
    private readonly interval: number,
    private readonly targets: () => SweepTarget[],
    private readonly done: (checked: number, failed: number) => void,
  ) {}

  start(): void {
    this.begin();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private begin(): void {
    this.round = this.targets();
    this.cursor = 0;
    this.checked = 0;
    this.failed = 0;
    const { every, batch } = sweepSchedule(this.round.length, this.interval);
    this.every = every;
    this.batch = batch;
    this.schedule();
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = this.clock.setTimeout(() => this.slice(), this.every);
  }

  private slice(): void {
    this.timer = undefined;
    if (this.stopped) return;
    const end = Math.min(this.round.length, this.cursor + this.batch);
    for (; this.cursor < end; this.cursor++) {
      const target = this.round[this.cursor]!;
      if (!target.checkable) continue;
      this.pending++;
      this.checked++;
      void target.check().then((ok) => this.settled(ok));
    }
    if (this.cursor < this.round.length) this.schedule();
    else if (this.pending === 0) this.finish();
    // else: the last check to settle ends the round (rounds never overlap)
  }

  private settled(ok: boolean): void {
    this.pending--;
    if (!ok) this.failed++;
    if (this.pending === 0 && this.cursor >= this.round.length && this.timer === undefined && !this.stopped) this.finish();
  }

  private finish(): void {
    this.done(this.checked, this.failed);
    this.begin();
  }
}
