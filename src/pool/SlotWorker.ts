import type { PoolSlotEvent, PoolSlotWork } from '../../machines/poolSlot.js';
import type { SlotWork } from './pooledMachine.js';

/**
 * What a create sees of its job being abandoned (the slot left `creating`, or
 * stopped): a plain object, not an `AbortController`.
 */
export interface WorkSignal {
  /** Set once the job is abandoned: its result is unwanted. */
  aborted: boolean;
  /** Called once when the job is abandoned, if set then (closes a connection made too late). */
  onAbort: (() => void) | undefined;
}

/**
 * One slot's `work` actor (machines/poolSlot.ts): runs the job the slot sends
 * (`create`, `validate`, `destroy`) on the pool and answers with the result
 * event, unless the job was replaced or aborted first. One per slot for its
 * whole life, because an invoked actor per job (two per create/destroy cycle)
 * cost more than everything else in the cycle.
 *
 * @example
 * ```ts
 * fromCallback(({ input, self, sendBack, receive }) => {
 *   const worker = new SlotWorker(input.slot, () => poolOwners.of(self), sendBack);
 *   receive(worker.receive);
 *   return worker.abort;
 * });
 * ```
 */
export class SlotWorker {
  private pool: SlotWork | undefined = undefined;

  /** The job under way (its signal): a result is reported only while it is still this one. */
  private job: WorkSignal | undefined = undefined;

  constructor(
    private readonly slot: string,
    private readonly findPool: () => SlotWork,
    private readonly sendBack: (event: PoolSlotEvent) => void,
  ) {}

  /** A job from the slot; any job under way is abandoned first. */
  readonly receive = (command: PoolSlotWork): void => {
    this.abort();
    if (command.type === 'abort') return;
    const job: WorkSignal = { aborted: false, onAbort: undefined };
    this.job = job;
    try {
      const pool = (this.pool ??= this.findPool());
      if (command.type === 'create') this.settle(job, pool.createFor(this.slot, job), CREATED, createFailed);
      else if (command.type === 'validate') this.settle(job, pool.checkFor(this.slot), checked, checkFailed);
      else this.settle(job, pool.destroyFor(this.slot, command.reason), DESTROYED, destroyFailed);
    } catch (error) {
      // A job that throws at once fails as one that rejects does (after this turn, as a result would).
      const failed = command.type === 'create' ? createFailed : command.type === 'validate' ? checkFailed : destroyFailed;
      this.settle(job, Promise.reject(error), DESTROYED, failed);
    }
  };

  /** Abandons the job under way (its result is dropped; a create's `onAbort` runs). */
  readonly abort = (): void => {
    const job = this.job;
    if (job === undefined) return;
    this.job = undefined;
    job.aborted = true;
    const onAbort = job.onAbort;
    job.onAbort = undefined;
    onAbort?.();
  };

  private settle<R>(job: WorkSignal, work: Promise<R>, ok: PoolSlotEvent | ((value: R) => PoolSlotEvent), failed: (error: unknown) => PoolSlotEvent): void {
    work.then(
      (value) => this.report(job, typeof ok === 'function' ? ok(value) : ok),
      (error: unknown) => this.report(job, failed(error)),
    );
  }

  private report(job: WorkSignal, event: PoolSlotEvent): void {
    if (this.job !== job) return;
    this.job = undefined;
    this.sendBack(event);
  }
}

// The answers that carry nothing are made once.
const CREATED: PoolSlotEvent = { type: 'CREATED' };
const DESTROYED: PoolSlotEvent = { type: 'DESTROYED' };
const HEALTHY: PoolSlotEvent = { type: 'CHECKED', healthy: true };
const UNHEALTHY: PoolSlotEvent = { type: 'CHECKED', healthy: false };
const createFailed = (error: unknown): PoolSlotEvent => ({ type: 'CREATE_FAILED', error });
const checked = (healthy: boolean): PoolSlotEvent => (healthy === true ? HEALTHY : UNHEALTHY);
const checkFailed = (error: unknown): PoolSlotEvent => ({ type: 'CHECK_FAILED', error });
// A failed close frees the slot as a finished one does (src/ reported the error).
const destroyFailed = (): PoolSlotEvent => DESTROYED;
