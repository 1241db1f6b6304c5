/**
 * SlotWorker: a slot's `work` actor answers each job with its result event,
 * drops the result of a job that was aborted or replaced, and closes a create
 * that finishes too late (through the public pool, on a simulated clock).
 */
import { describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import type { PoolSlotEvent } from '../../machines/poolSlot.js';
import { ConnectionPool } from '../../src/index.js';
import { SlotWorker, type WorkSignal } from '../../src/pool/SlotWorker.js';
import type { SlotWork } from '../../src/pool/pooledMachine.js';
import { settle } from './fakePool.js';

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

/** A pool stand-in whose jobs the test settles; it records what was asked. */
function harness() {
  const asked: Array<[string, unknown]> = [];
  const jobs: Array<ReturnType<typeof deferred<unknown>>> = [];
  const signals: WorkSignal[] = [];
  const next = <T>(what: string, arg: unknown) => {
    asked.push([what, arg]);
    const d = deferred<unknown>();
    jobs.push(d);
    return d.promise as Promise<T>;
  };
  let lookups = 0;
  const pool: SlotWork = {
    createFor: (slot, signal) => (signals.push(signal), next<void>('create', slot)),
    checkFor: (slot) => next<boolean>('validate', slot),
    destroyFor: (slot, reason) => next<void>('destroy', [slot, reason]),
  };
  const sent: PoolSlotEvent[] = [];
  const worker = new SlotWorker('p.slot0', () => (lookups++, pool), (e) => void sent.push(e));
  return { worker, asked, jobs, signals, sent, lookups: () => lookups };
}

describe('SlotWorker', () => {
  it('answers each job with its event, and finds its pool once', async () => {
    const h = harness();
    h.worker.receive({ type: 'create' });
    h.jobs[0]!.resolve(undefined);
    await settle(1);
    h.worker.receive({ type: 'validate' });
    h.jobs[1]!.resolve(true);
    await settle(1);
    h.worker.receive({ type: 'validate' });
    h.jobs[2]!.resolve('yes'); // only `true` is healthy
    await settle(1);
    h.worker.receive({ type: 'destroy', reason: 'evicted' });
    h.jobs[3]!.resolve(undefined);
    await settle(1);
    expect(h.asked).toEqual([
      ['create', 'p.slot0'],
      ['validate', 'p.slot0'],
      ['validate', 'p.slot0'],
      ['destroy', ['p.slot0', 'evicted']],
    ]);
    expect(h.sent).toEqual([{ type: 'CREATED' }, { type: 'CHECKED', healthy: true }, { type: 'CHECKED', healthy: false }, { type: 'DESTROYED' }]);
    expect(h.lookups()).toBe(1);
  });

  it('failures: a create or check that rejects reports its error; a failed destroy frees the slot all the same', async () => {
    const h = harness();
    const refused = new Error('refused');
    h.worker.receive({ type: 'create' });
    h.jobs[0]!.reject(refused);
    await settle(1);
    h.worker.receive({ type: 'validate' });
    h.jobs[1]!.reject('pong timeout');
    await settle(1);
    h.worker.receive({ type: 'destroy', reason: 'stopped' });
    h.jobs[2]!.reject(new Error('close failed'));
    await settle(1);
    expect(h.sent).toEqual([{ type: 'CREATE_FAILED', error: refused }, { type: 'CHECK_FAILED', error: 'pong timeout' }, { type: 'DESTROYED' }]);
  });

  it('a job that throws at once fails after this turn, as a rejection does', async () => {
    const boom = new Error('boom');
    const sent: PoolSlotEvent[] = [];
    const pool = {
      createFor: () => {
        throw boom;
      },
      checkFor: () => {
        throw boom;
      },
      destroyFor: () => {
        throw boom;
      },
    } as unknown as SlotWork;
    const worker = new SlotWorker('p.slot0', () => pool, (e) => void sent.push(e));
    worker.receive({ type: 'create' });
    expect(sent).toEqual([]);
    await settle(1);
    worker.receive({ type: 'validate' });
    await settle(1);
    worker.receive({ type: 'destroy', reason: 'destroyed' });
    await settle(1);
    expect(sent).toEqual([{ type: 'CREATE_FAILED', error: boom }, { type: 'CHECK_FAILED', error: boom }, { type: 'DESTROYED' }]);
  });

  it('abort drops the answer and tells the create (aborted, onAbort once); a new job replaces the one under way', async () => {
    const h = harness();
    h.worker.receive({ type: 'create' });
    let closed = 0;
    h.signals[0]!.onAbort = () => void closed++;
    h.worker.receive({ type: 'abort' });
    h.worker.abort(); // the slot stopping after: nothing more to abort
    expect(h.signals[0]).toMatchObject({ aborted: true, onAbort: undefined });
    expect(closed).toBe(1);
    h.jobs[0]!.resolve(undefined);
    await settle(1);
    expect(h.sent).toEqual([]);
    // Replaced: only the second job's answer counts.
    h.worker.receive({ type: 'validate' });
    h.worker.receive({ type: 'destroy', reason: 'dropped' });
    h.jobs[1]!.resolve(true);
    h.jobs[2]!.resolve(undefined);
    await settle(1);
    expect(h.sent).toEqual([{ type: 'DESTROYED' }]);
    // An abort after the answer changes nothing.
    h.worker.receive({ type: 'abort' });
    expect(h.sent).toEqual([{ type: 'DESTROYED' }]);
  });
});

describe('ConnectionPool: a create that outlives createTimeout', () => {
  it('counts as failed, and the resource it makes after all is closed and never handed out', async () => {
    const clock = new SimulatedClock();
    const made: Array<{ closed: boolean }> = [];
    const pending: Array<() => void> = [];
    const pool = new ConnectionPool<{ closed: boolean }>(
      { maxSize: 1, createTimeout: 1, createRetryDelay: 60, maxCreateRetryDelay: 60, acquireTimeout: 300, destroy: (r) => void (r.closed = true), clock },
      () =>
        new Promise((resolve) => {
          const r = { closed: false };
          made.push(r);
          pending.push(() => resolve(r));
        }),
    );
    const failures: unknown[] = [];
    pool.on('create_failed', (e) => void failures.push(e));
    const got = pool.acquire();
    await settle();
    expect(made).toHaveLength(1);
    clock.increment(1_000);
    await settle();
    expect(failures).toEqual([{ slot: expect.any(String), error: 'create timed out', attempt: 1 }]);
    pending[0]!();
    await settle();
    expect(made[0]!.closed).toBe(true);
    // The retry after the backoff makes the one the waiter gets.
    clock.increment(60_000);
    await settle();
    pending[1]!();
    await settle();
    expect(await got).toBe(made[1]);
    expect(made[1]!.closed).toBe(false);
    const stopped = pool.stop({ deadline: 0 });
    clock.increment(1);
    await stopped;
  });
});
