/**
 * The pool machines' definitions are valid statecharts: imported dynamically,
 * so a broken definition (a missing initial state, an unknown target, a lost
 * id) fails here as a test rather than as a suite that cannot load.
 */
import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';

const slotInput = {
  name: 'x.slot0',
  createTimeout: 10,
  validateTimeout: 10,
  destroyTimeout: 10,
  backoff: { base: 10, maxDelay: 100, maxAttempts: null, minUptime: 0, jitter: 'none' as const },
  seed: 1,
};

describe('pool machine definitions', () => {
  it('poolSlotMachine loads, starts empty and has its id', async () => {
    const { poolSlotMachine } = await import('../../machines/poolSlot.js');
    expect(poolSlotMachine.id).toBe('poolSlot');
    const actor = createActor(poolSlotMachine, { input: slotInput });
    expect(actor.getSnapshot().value).toBe('empty');
  });

  it('poolMachine loads, starts idle, runs its three regions, drains open or timed, and has its id', async () => {
    const { poolMachine } = await import('../../machines/pool.js');
    expect(poolMachine.id).toBe('pool');
    const actor = createActor(poolMachine, { input: { name: 'x', size: 1, seed: 1, cleanupInterval: 1000, healthCheckInterval: 1000, slot: slotInput } });
    actor.subscribe({ error: () => {} });
    actor.start();
    expect(actor.getSnapshot().value).toBe('idle');
    actor.send({ type: 'START' });
    expect(actor.getSnapshot().value).toEqual({ running: { cleanup: 'waiting', health: 'waiting', wake: 'unarmed' } });
    actor.send({ type: 'DRAIN', deadline: null });
    expect(actor.getSnapshot().value).toEqual({ draining: 'open' });
    expect(actor.getSnapshot().context.drainDeadline).toBeNull();
    actor.stop();
    const idle = createActor(poolMachine, { input: { name: 'y', size: 1, seed: 1, cleanupInterval: 1000, healthCheckInterval: 1000, slot: slotInput } }).start();
    idle.send({ type: 'DRAIN', deadline: 5 });
    expect(idle.getSnapshot().value).toBe('stopped');
    expect(idle.getSnapshot().status).toBe('done');
  });
});
