/**
 * The sharedState machine's contract, loaded inside each test (a dynamic
 * import), so that a machine that cannot even be built fails here as a test:
 * its id and state names (what the inspector shows), its defaults, the payload
 * of what it emits, and an unprovided machine waiting quietly, never failing.
 */
import { describe, expect, it } from 'vitest';
import { createActor, fromPromise, SimulatedClock } from 'xstate';

const load = async () => (await import('../../machines/sharedState.js')).sharedStateMachine;

describe('sharedState: contract', () => {
  it('is the machine `sharedState` with the states connected and degraded (checking, waiting)', async () => {
    const machine = await load();
    expect(machine.id).toBe('sharedState');
    expect(Object.keys(machine.root.states)).toEqual(['connected', 'degraded']);
    expect(Object.keys(machine.root.states.degraded!.states)).toEqual(['checking', 'waiting']);
  });

  it('without input: rechecks every 1000 ms; starts degraded, checking', async () => {
    const machine = await load();
    const actor = createActor(machine.provide({ actors: { checkStore: fromPromise(() => Promise.reject(new Error('down'))) as never } }), { input: undefined, clock: new SimulatedClock() });
    actor.start();
    expect(actor.getSnapshot().value).toEqual({ degraded: 'checking' });
    expect(actor.getSnapshot().context).toMatchObject({ recheckMs: 1000, waitingFor: 'check', reason: null, since: null, degradations: 0, everConnected: false });
    actor.stop();
  });

  it('unprovided, it waits for its store check forever and never fails', async () => {
    const machine = await load();
    const clock = new SimulatedClock();
    const errors: unknown[] = [];
    const actor = createActor(machine, { input: undefined, clock });
    actor.subscribe({ error: (e) => errors.push(e) });
    actor.start();
    await new Promise((r) => setImmediate(r));
    clock.increment(60_000);
    await new Promise((r) => setImmediate(r));
    expect(errors).toEqual([]);
    expect(actor.getSnapshot().value).toEqual({ degraded: 'checking' });
    actor.stop();
  });

  it('emits what happened: degraded with when and why; restored with when and for how long', async () => {
    const machine = await load();
    let settle: ((v: unknown) => void) | undefined;
    let fail: ((e: unknown) => void) | undefined;
    const actor = createActor(
      machine.provide({ actors: { checkStore: fromPromise(() => new Promise((resolve, reject) => ((settle = resolve), (fail = reject)))) as never } }),
      { input: { recheckMs: 10 }, clock: new SimulatedClock() },
    );
    const emitted: unknown[] = [];
    actor.on('*', (e) => emitted.push(e));
    actor.start();
    settle!({ at: 1_000 });
    await new Promise((r) => setImmediate(r));
    actor.send({ type: 'FAILED', at: 1_500, reason: 'timeout after 25 ms' });
    actor.send({ type: 'CLIENT_READY' });
    // A check that fails with no error object at all still says something.
    fail!(undefined);
    await new Promise((r) => setImmediate(r));
    expect(actor.getSnapshot().context.reason).toBe('undefined');
    actor.send({ type: 'CLIENT_READY' });
    settle!({ at: 4_000 });
    await new Promise((r) => setImmediate(r));
    expect(emitted).toEqual([
      { type: 'shared_state_degraded', at: 1_500, reason: 'timeout after 25 ms' },
      { type: 'shared_state_restored', at: 4_000, degradedFor: 2_500 },
    ]);
    expect(actor.getSnapshot().context).toMatchObject({ since: 4_000, degradations: 1, everConnected: true, waitingFor: null });
    actor.stop();
  });
});
