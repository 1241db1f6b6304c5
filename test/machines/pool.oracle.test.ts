/**
 * The pool machine against oracles from its input: slot names and seeds, the
 * rounds' timing, the wake timer, the drain. Simulated clock.
 */
import { describe, expect, it } from 'vitest';
import { createActor, setup, SimulatedClock, type AnyActorRef } from 'xstate';
import { nextRandom } from '../../machines/random.js';
import { poolMachine, type PoolEmitted, type PoolInput } from '../../machines/pool.js';

const input: PoolInput = {
  name: 'db',
  size: 3,
  seed: 42,
  cleanupInterval: 1_000,
  healthCheckInterval: 2_500,
  slot: { createTimeout: 100, validateTimeout: 100, destroyTimeout: 100, backoff: { base: 10, maxDelay: 100, maxAttempts: null, minUptime: 0, jitter: 'none' } },
};

function start(over: Partial<PoolInput> = {}) {
  const clock = new SimulatedClock();
  const actor = createActor(poolMachine, { input: { ...input, ...over }, clock });
  const emitted: PoolEmitted['type'][] = [];
  actor.on('*', (e) => void emitted.push((e as PoolEmitted).type));
  actor.subscribe({ error: () => {} });
  actor.start();
  return { actor, clock, emitted, value: () => actor.getSnapshot().value };
}

describe('pool: oracles from the input', () => {
  it('START spawns `size` slots named <name>.slot<i>, each with the next seed of the chain', () => {
    const { actor } = start();
    actor.send({ type: 'START' });
    const names = ['db.slot0', 'db.slot1', 'db.slot2'];
    expect(actor.getSnapshot().context.slots).toEqual(names);
    let seed = 42;
    for (const name of names) {
      seed = nextRandom(seed)[1];
      const slot = actor.system.get(name) as AnyActorRef;
      expect(slot.getSnapshot().value).toBe('empty');
      expect(slot.getSnapshot().context).toMatchObject({ name, record: { attempts: 1, delay: 0, seed }, createTimeout: 100 });
    }
  });

  it('cleanup every cleanupInterval, health_check every healthCheckInterval, none before START', () => {
    const { actor, clock, emitted } = start();
    clock.increment(10_000);
    expect(emitted).toEqual([]);
    actor.send({ type: 'START' });
    // SimulatedClock fires what is due at the new time only: step, as real time does.
    for (let t = 0; t < 5_000; t += 100) clock.increment(100);
    // cleanup at 1, 2, 3, 4, 5 s; health at 2.5 and 5 s.
    expect(emitted.filter((e) => e === 'cleanup')).toHaveLength(5);
    expect(emitted.filter((e) => e === 'health_check')).toHaveLength(2);
  });

  it('WAKE_IN arms one wake; a newer WAKE_IN replaces it', () => {
    const { actor, clock, emitted } = start({ cleanupInterval: 1e9, healthCheckInterval: 1e9 });
    actor.send({ type: 'START' });
    actor.send({ type: 'WAKE_IN', ms: 300 });
    clock.increment(100);
    actor.send({ type: 'WAKE_IN', ms: 50 });
    clock.increment(49);
    expect(emitted).toEqual([]);
    clock.increment(1);
    expect(emitted).toEqual(['wake']);
    clock.increment(1_000);
    expect(emitted).toEqual(['wake']);
  });

  it('DRAIN with a deadline: drain_deadline at the deadline, then stopped (its slots stopped with it); DRAINED first: no drain_deadline', () => {
    const timed = start();
    timed.actor.send({ type: 'START' });
    const slot = timed.actor.system.get('db.slot0') as AnyActorRef;
    timed.actor.send({ type: 'DRAIN', deadline: 700 });
    timed.clock.increment(699);
    expect(timed.value()).toEqual({ draining: 'timed' });
    timed.clock.increment(1);
    expect(timed.emitted).toEqual(['drain_deadline']);
    expect(timed.actor.getSnapshot().status).toBe('done');
    expect(slot.getSnapshot().status).toBe('stopped');

    const quick = start();
    quick.actor.send({ type: 'START' });
    quick.actor.send({ type: 'DRAIN', deadline: 700 });
    quick.actor.send({ type: 'DRAINED' });
    expect(quick.actor.getSnapshot().status).toBe('done');
    quick.clock.increment(1_000);
    expect(quick.emitted).toEqual([]);

    const open = start();
    open.actor.send({ type: 'START' });
    open.actor.send({ type: 'DRAIN', deadline: null });
    open.clock.increment(1e7);
    expect(open.value()).toEqual({ draining: 'open' });
    expect(open.emitted).toEqual([]);
  });
});

describe('pool: adoption', () => {
  it('adopts a child (systemId = name) and releases it, in any state', () => {
    const { actor } = start();
    const conn = setup({}).createMachine({ id: 'conn' });
    actor.send({ type: 'statewire.adopt', name: 'db.extra', logic: conn });
    expect(actor.system.get('db.extra')).toBe(actor.getSnapshot().children['db.extra']);
    actor.send({ type: 'START' });
    actor.send({ type: 'statewire.release', name: 'db.extra' });
    expect(actor.getSnapshot().children['db.extra']).toBeUndefined();
    expect(Object.keys(actor.getSnapshot().children).sort()).toEqual(['db.slot0', 'db.slot1', 'db.slot2']);
  });
});
