import type { Clock } from '../runtime/clock.js';
import { sweepSchedule } from './sweepSchedule.js';

/** What a sweep checks: one connection, as the manager keeps it. */
export interface SweepTarget {
  /** Whether the connection is to be checked now (connected, no check of it still running). */
  readonly checkable: boolean;
  /** Runs one health check; resolves whether it passed (never rejects). */
  check(): Promise<boolean>;
}

/** One round's counts; it is reported once scanned and every check it started has settled. */
interface Round {
  targets: SweepTarget[];
  checked: number;
  failed: number;
  pending: number;
  scanned: boolean;
}

/**
 * The manager's automatic health checks (the `healthSweep` actor's work):
 * rounds over the connections, each spread over `interval` (see
 * {@link sweepSchedule}), one timer at a time. A round works on the
 * connections there when it began; once it has started every check, the next
 * round begins, so a slow or hanging check (bounded by its connection's
 * timeout) delays no other connection's checks: its connection is skipped
 * (not `checkable`) until it settles. `done` is told a round's counts once all
 * of its checks settled. `stop()` ends it: no timer is left.
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
  private round: Round = { targets: [], checked: 0, failed: 0, pending: 0, scanned: true };
  private cursor = 0;
  private batch = 0;
  private every = 0;

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
    this.round = { targets: this.targets(), checked: 0, failed: 0, pending: 0, scanned: false };
    this.cursor = 0;
    const { every, batch } = sweepSchedule(this.round.targets.length, this.interval);
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
    const round = this.round;
    const end = Math.min(round.targets.length, this.cursor + this.batch);
    for (; this.cursor < end; this.cursor++) {
      const target = round.targets[this.cursor]!;
      if (!target.checkable) continue;
      round.pending++;
      round.checked++;
      void target.check().then((ok) => this.settled(round, ok));
    }
    if (this.cursor < round.targets.length) return this.schedule();
    round.scanned = true;
    if (round.pending === 0) this.report(round);
    this.begin();
  }

  private settled(round: Round, ok: boolean): void {
    round.pending--;
    if (!ok) round.failed++;
    if (round.pending === 0 && round.scanned) this.report(round);
  }

  private report(round: Round): void {
    if (!this.stopped) this.done(round.checked, round.failed);
  }
}
