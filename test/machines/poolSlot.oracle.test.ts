/**
 * The slot machine against oracles computed from its input (the backoff waits
 * of the shared policy, the counts, the emitted events), never read back from
 * the machine. Simulated clock; the slot's `work` actor is a stand-in that
 * records each job (create / validate / destroy, with its input, and each
 * abort) and answers when the test settles it.
 */
import { describe, expect, it } from 'vitest';
import { createActor, fromCallback, setup, SimulatedClock, type AnyActorRef } from 'xstate';
import { setImmediate as tick } from 'node:timers/promises';
import { backoffDelay, defaultBackoffPolicy } from '../../machines/backoffDelay.js';
import { nextRandom } from '../../machines/random.js';
import { poolSlotMachine, type PoolSlotEmitted, type PoolSlotEvent, type PoolSlotInput, type PoolSlotWork } from '../../machines/poolSlot.js';

type Job = 'create' | 'validate' | 'destroy';
interface Call {
  src: Job;
  input: unknown;
  resolve: (v?: unknown) => void;
  reject: (e: unknown) => void;
}

/** A `work` stand-in: each job the slot sends is recorded (`calls`, `aborts`) and answered by the test. */
function recordingWork() {
  const calls: Call[] = [];
  let aborts = 0;
  const work = fromCallback<PoolSlotWork, { slot: string }>(({ input, receive, sendBack }) => {
    receive((job) => {
      if (job.type === 'abort') return void aborts++;
      const src = job.type;
      const answer = (event: PoolSlotEvent) => sendBack(event);
      calls.push({
        src,
        input: src === 'destroy' ? { slot: input.slot, reason: (job as { reason: string }).reason } : { slot: input.slot },
        resolve: (v) => answer(src === 'create' ? { type: 'CREATED' } : src === 'validate' ? { type: 'CHECKED', healthy: v === true } : { type: 'DESTROYED' }),
        reject: (error) => answer(src === 'create' ? { type: 'CREATE_FAILED', error } : src === 'validate' ? { type: 'CHECK_FAILED', error } : { type: 'DESTROYED' }),
      });
    });
  });
  return { work, calls, aborts: () => aborts };
}
const input: PoolSlotInput = {
  name: 'db.slot3',
  createTimeout: 1_000,
  validateTimeout: 400,
  destroyTimeout: 300,
  backoff: { base: 100, maxDelay: 1_000, maxAttempts: null, minUptime: 0, jitter: 'equal' },
  seed: 11,
};

function start() {
  const clock = new SimulatedClock();
  const rec = recordingWork();
  const actor = createActor(poolSlotMachine.provide({ actors: { work: rec.work as never } }), { input, clock });
  const emitted: PoolSlotEmitted[] = [];
  actor.on('*', (e) => void emitted.push(e as PoolSlotEmitted));
  actor.subscribe({ error: () => {} });
  actor.start();
  const job = (src: Job) => {
    const call = rec.calls.at(-1);
    expect(call?.src).toBe(src);
    return call!;
  };
  const settle = async (src: Job, output?: unknown) => {
    job(src).resolve(output);
    await tick();
  };
  const fail = async (src: Job, message: string) => {
    job(src).reject(new Error(message));
    await tick();
  };
  return { actor, clock, emitted, settle, fail, rec, value: () => actor.getSnapshot().value, context: () => actor.getSnapshot().context };
}

/** The waits the policy gives for failures 1, 2, 3 … from `seed`: [d/2, d] for d = min(max, base·2^(n-1)). */
function expectedWaits(seed: number, n: number): number[] {
  const policy = { ...defaultBackoffPolicy, base: 100, maxDelay: 1_000, jitter: 'equal' as const };
  const waits: number[] = [];
  let s = seed;
  let previous = 0;
  for (let i = 1; i <= n; i++) {
    const [r, next] = nextRandom(s);
    s = next;
    previous = backoffDelay(policy, i, r, previous);
    const d = Math.min(1_000, 100 * 2 ** (i - 1));
    expect(previous).toBeGreaterThanOrEqual(d / 2);
    expect(previous).toBeLessThanOrEqual(d);
    waits.push(previous);
  }
  return waits;
}

describe('poolSlot: oracles from the input', () => {
  it('each failed create waits the policy\'s jittered, capped delay before the next; a success resets the count', async () => {
    const { clock, value, context, emitted, fail, settle, actor } = start();
    actor.send({ type: 'CREATE' });
    const waits = expectedWaits(11, 6);
    for (const [i, wait] of waits.entries()) {
      await fail('create', 'ECONNREFUSED');
      expect(value()).toBe('backoff');
      expect(emitted.at(-1)).toEqual({ type: 'create_failed', slot: 'db.slot3', error: 'ECONNREFUSED', attempt: i + 1 });
      clock.increment(Math.ceil(wait) - 1);
      expect(value()).toBe('backoff');
      clock.increment(1);
      expect(value()).toBe('creating');
    }
    await settle('create');
    expect(value()).toBe('idle');
    expect(context()).toMatchObject({ created: 1, lastError: null, record: { attempts: 1 } });
    expect(emitted.at(-1)).toEqual({ type: 'created', slot: 'db.slot3', created: 1 });
  });

  it('a create that outlives createTimeout counts as failed', async () => {
    const { clock, value, emitted, actor } = start();
    actor.send({ type: 'CREATE' });
    clock.increment(999);
    expect(value()).toBe('creating');
    clock.increment(1);
    expect(value()).toBe('backoff');
    expect(emitted).toEqual([{ type: 'create_failed', slot: 'db.slot3', error: 'create timed out', attempt: 1 }]);
  });

  it('leases are counted (the pool\'s count wins when given); a drop while leased destroys on release', async () => {
    const { value, context, emitted, settle, actor } = start();
    actor.send({ type: 'CREATE' });
    await settle('create');
    actor.send({ type: 'LEASE' });
    actor.send({ type: 'RELEASE' });
    actor.send({ type: 'LEASE' });
    expect(context().leases).toBe(2);
    actor.send({ type: 'RELEASE' });
    actor.send({ type: 'LEASE', leases: 40 });
    expect(context().leases).toBe(40);
    actor.send({ type: 'DROPPED' });
    expect(value()).toBe('leased');
    expect(context().broken).toBe(true);
    actor.send({ type: 'RELEASE' });
    expect(value()).toBe('destroying');
    await settle('destroy');
    expect(value()).toBe('empty');
    expect(emitted.at(-1)).toEqual({ type: 'destroyed', slot: 'db.slot3', reason: 'dropped' });
    expect(context()).toMatchObject({ broken: false, reason: null });
  });

  it('health checks: healthy back to idle, unhealthy / failed / too slow destroyed with validation_failed', async () => {
    for (const [how, error] of [
      ['false', 'health check failed'],
      ['reject', 'pong timeout'],
      ['slow', 'health check timed out'],
    ] as const) {
      const { clock, value, emitted, settle, fail, actor } = start();
      actor.send({ type: 'CREATE' });
      await settle('create');
      actor.send({ type: 'CHECK' });
      await settle('validate', true);
      expect(value()).toBe('idle');
      actor.send({ type: 'CHECK' });
      if (how === 'false') await settle('validate', false);
      else if (how === 'reject') await fail('validate', 'pong timeout');
      else clock.increment(400);
      expect(value()).toBe('destroying');
      expect(emitted.filter((e) => e.type === 'validation_failed')).toEqual([{ type: 'validation_failed', slot: 'db.slot3', error }]);
      // A close that hangs frees the slot after destroyTimeout.
      clock.increment(299);
      expect(value()).toBe('destroying');
      clock.increment(1);
      expect(value()).toBe('empty');
      expect(emitted.at(-1)).toEqual({ type: 'destroyed', slot: 'db.slot3', reason: 'unhealthy' });
    }
  });

  it('CANCEL gives up a create or a backoff (freed); nothing else leaves empty but CREATE', async () => {
    const { value, emitted, fail, actor } = start();
    for (const e of ['LEASE', 'RELEASE', 'CHECK', 'DROPPED', 'CANCEL'] as const) actor.send({ type: e });
    actor.send({ type: 'DISCARD', reason: 'evicted' });
    expect(value()).toBe('empty');
    expect(emitted).toEqual([]);
    actor.send({ type: 'CREATE' });
    actor.send({ type: 'CANCEL' });
    expect(value()).toBe('empty');
    actor.send({ type: 'CREATE' });
    await fail('create', 'down');
    actor.send({ type: 'CANCEL' });
    expect(value()).toBe('empty');
    expect(emitted.filter((e) => e.type === 'freed')).toEqual([
      { type: 'freed', slot: 'db.slot3' },
      { type: 'freed', slot: 'db.slot3' },
    ]);
  });
});

describe('poolSlot: every way to destroying', () => {
  /** A slot whose create / validate / destroy are deferred: each call is recorded with its input and settled by the test. */
  function deferredSlot(over: Partial<PoolSlotInput> = {}) {
    const rec = recordingWork();
    const calls = rec.calls;
    const clock = new SimulatedClock();
    const actor = createActor(poolSlotMachine.provide({ actors: { work: rec.work as never } }), {
      input: { ...input, ...over },
      clock,
    });
    const emitted: PoolSlotEmitted[] = [];
    actor.on('*', (e) => void emitted.push(e as PoolSlotEmitted));
    actor.subscribe({ error: () => {} });
    actor.start();
    const last = (src: Job) => calls.filter((c) => c.src === src).at(-1)!;
    const idle = async () => {
      actor.send({ type: 'CREATE' });
      last('create').resolve();
      await tick();
    };
    return { actor, clock, emitted, calls, aborts: rec.aborts, last, idle, value: () => actor.getSnapshot().value, context: () => actor.getSnapshot().context };
  }

  const ways = [
    ['idle, DISCARD evicted', async (s: ReturnType<typeof deferredSlot>) => s.actor.send({ type: 'DISCARD', reason: 'evicted' }), 'evicted'],
    ['idle, DROPPED', async (s: ReturnType<typeof deferredSlot>) => s.actor.send({ type: 'DROPPED' }), 'dropped'],
    ['validating, DISCARD stopped', async (s: ReturnType<typeof deferredSlot>) => (s.actor.send({ type: 'CHECK' }), s.actor.send({ type: 'DISCARD', reason: 'stopped' })), 'stopped'],
    ['validating, DROPPED', async (s: ReturnType<typeof deferredSlot>) => (s.actor.send({ type: 'CHECK' }), s.actor.send({ type: 'DROPPED' })), 'dropped'],
    ['leased, DISCARD reclaimed', async (s: ReturnType<typeof deferredSlot>) => (s.actor.send({ type: 'LEASE' }), s.actor.send({ type: 'DISCARD', reason: 'reclaimed' })), 'reclaimed'],
  ] as const;

  for (const [name, go, reason] of ways) {
    for (const end of ['done', 'error', 'timeout'] as const) {
      it(`${name} → destroying (${reason}), and the destroy ${end === 'timeout' ? 'times out' : end === 'done' ? 'settles' : 'fails'}: destroyed, the slot clean`, async () => {
        const s = deferredSlot();
        await s.idle();
        await go(s);
        expect(s.value()).toBe('destroying');
        expect(s.last('destroy').input).toEqual({ slot: 'db.slot3', reason });
        if (end === 'done') s.last('destroy').resolve();
        else if (end === 'error') s.last('destroy').reject(new Error('close failed'));
        else s.clock.increment(300);
        await tick();
        expect(s.value()).toBe('empty');
        expect(s.emitted.filter((e) => e.type === 'destroyed')).toEqual([{ type: 'destroyed', slot: 'db.slot3', reason }]);
        expect(s.context()).toMatchObject({ reason: null, broken: false, created: 1 });
      });
    }
  }

  it('the create and validate actors get the slot name; a long or non-Error failure is kept as a short message', async () => {
    const s = deferredSlot();
    s.actor.send({ type: 'CREATE' });
    expect(s.last('create').input).toEqual({ slot: 'db.slot3' });
    s.last('create').reject(new Error('x'.repeat(500)));
    await tick();
    expect(s.context().lastError).toBe('x'.repeat(200));
    // The backoff loop is told why.
    const loop = s.actor.getSnapshot().children.reconnect as AnyActorRef;
    expect(loop.getSnapshot().context.reason).toBe('x'.repeat(200));
    s.actor.send({ type: 'CANCEL' });
    s.actor.send({ type: 'CREATE' });
    s.last('create').reject('plain string');
    await tick();
    expect(s.context().lastError).toBe('plain string');
    s.actor.send({ type: 'CANCEL' });
    await s.idle();
    s.actor.send({ type: 'CHECK' });
    expect(s.last('validate').input).toEqual({ slot: 'db.slot3' });
    s.last('validate').reject(42);
    await tick();
    expect(s.emitted.at(-1)).toEqual({ type: 'validation_failed', slot: 'db.slot3', error: '42' });
  });

  it('each job goes to the work actor on entry, and leaving its state tells work to abort, answered or not', async () => {
    const s = deferredSlot();
    const jobs = () => s.calls.map((c) => c.src);
    s.actor.send({ type: 'CREATE' });
    s.actor.send({ type: 'CANCEL' }); // unanswered create: 1
    s.actor.send({ type: 'CREATE' });
    s.clock.increment(1_000); // createTimeout: 2
    expect(s.value()).toBe('backoff');
    s.actor.send({ type: 'CANCEL' });
    await s.idle(); // answered create: 3
    s.actor.send({ type: 'CHECK' });
    s.actor.send({ type: 'DISCARD', reason: 'evicted' }); // unanswered check: 4
    expect(s.last('destroy').input).toEqual({ slot: 'db.slot3', reason: 'evicted' });
    s.clock.increment(300); // destroyTimeout: 5
    expect(s.value()).toBe('empty');
    expect(jobs()).toEqual(['create', 'create', 'create', 'validate', 'destroy']);
    expect(s.aborts()).toBe(5);
    // Nothing but a job's state sends work anything.
    for (const e of ['LEASE', 'RELEASE', 'DROPPED'] as const) s.actor.send({ type: e });
    expect([jobs().length, s.aborts()]).toEqual([5, 5]);
  });

  it('a loop that gives up (maxAttempts) frees the slot and keeps its record', async () => {
    const s = deferredSlot({ backoff: { ...input.backoff, maxAttempts: 2 } });
    s.actor.send({ type: 'CREATE' });
    s.last('create').reject(new Error('down'));
    await tick();
    s.clock.increment(1_000);
    expect(s.value()).toBe('creating');
    s.last('create').reject(new Error('down'));
    await tick();
    expect(s.value()).toBe('empty');
    expect(s.emitted.at(-1)).toEqual({ type: 'freed', slot: 'db.slot3' });
    expect(s.context().record.attempts).toBe(2);
  });

  it('adopts a connection as its child (systemId = name) and releases it', async () => {
    const s = deferredSlot();
    const conn = setup({}).createMachine({ id: 'conn' });
    s.actor.send({ type: 'statewire.adopt', name: 'db.slot3.conn1', logic: conn });
    expect(Object.keys(s.actor.getSnapshot().children)).toEqual(['work', 'db.slot3.conn1']);
    expect(s.actor.system.get('db.slot3.conn1')).toBe((s.actor.getSnapshot().children as Record<string, AnyActorRef>)['db.slot3.conn1']);
    s.actor.send({ type: 'statewire.release', name: 'db.slot3.conn1' });
    expect(Object.keys(s.actor.getSnapshot().children)).toEqual(['work']);
  });
});
