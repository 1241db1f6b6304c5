import type { Clock } from './clock.js';

/**
 * Timed waits that a caller's signal can cut short and that their owner can end
 * all at once on dispose, so no promise is left hanging and no timer left behind.
 *
 * @example
 * ```ts
 * const waits = new PendingWaits(systemClock);
 * await waits.wait(250, signal);             // rejects with signal.reason on abort
 * waits.cancelAll(new Error('disposed'));    // rejects every pending wait
 * ```
 */
export class PendingWaits {
  private readonly pending = new Set<(error?: unknown) => void>();

  constructor(private readonly clock: Clock) {}

  wait(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const done = (error?: unknown) => {
        this.clock.clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.pending.delete(done);
        if (error === undefined) resolve();
        else reject(error);
      };
      const onAbort = () => done(signal!.reason);
      const timer = this.clock.setTimeout(() => done(), ms);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.pending.add(done);
    });
  }

  /** Rejects every pending wait with `error`. */
  cancelAll(error: unknown): void {
    for (const done of [...this.pending]) done(error);
  }

  get size(): number {
    return this.pending.size;
  }
}
