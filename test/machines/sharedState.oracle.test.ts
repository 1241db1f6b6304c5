/**
 * sharedState against an independent reference: a few lines that say, for any
 * sequence of store-check outcomes, failures, client-ready signals and elapsed
 * time, where the process should be and which events it should have emitted.
 * Random sequences (fast-check) are replayed on the real machine with a
 * simulated clock and compared with the reference, never with the machine itself.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createActor, fromPromise, SimulatedClock } from 'xstate';
import { sharedStateMachine, type SharedStateEmitted } from '../../machines/sharedState.js';

type Step = { kind: 'ok' } | { kind: 'err' } | { kind: 'fail' } | { kind: 'ready' } | { kind: 'time'; ms: number };
const RECHECK = 300;

/** The reference: where a process is, from the rules of issue 13 alone. */
function reference(steps: Step[]) {
  let state: 'connected' | 'checking' | 'waiting' = 'checking';
  let waited = 0;
  let ever = false;
  let lostAt = 0;
  let now = 0;
  let checks = 1;
  const emitted: string[] = [];
  for (const s of steps) {
    if (s.kind === 'time') {
      now += s.ms;
      if (state === 'waiting') {
        waited += s.ms;
        if (waited >= RECHECK) {
          state = 'checking';
          checks++;
        }
      }
    } else if (s.kind === 'ok' && state === 'checking') {
      if (ever) emitted.push(`restored:${now - lostAt}`);
      ever = true;
      state = 'connected';
    } else if (s.kind === 'err' && state === 'checking') {
      state = 'waiting';
      waited = 0;
    } else if (s.kind === 'fail' && state === 'connected') {
      emitted.push('degraded');
      lostAt = now;
      state = 'waiting';
      waited = 0;
    } else if (s.kind === 'ready' && state === 'waiting') {
      state = 'checking';
      checks++;
    }
  }
  return { state, emitted, checks };
}

async function replay(steps: Step[]) {
  const clock = new SimulatedClock();
  let settle: { resolve: (v: unknown) => void; reject: (e: unknown) => void } | undefined;
  let checks = 0;
  const machine = sharedStateMachine.provide({
    actors: {
      checkStore: fromPromise(() => {
        checks++;
        return new Promise((resolve, reject) => (settle = { resolve, reject }));
      }) as never,
    },
  });
  const actor = createActor(machine, { input: { recheckMs: RECHECK }, clock });
  const emitted: string[] = [];
  actor.on('*', (e: SharedStateEmitted) => emitted.push(e.type === 'shared_state_restored' ? `restored:${e.degradedFor}` : 'degraded'));
  let failure: unknown;
  actor.subscribe({ error: (e) => (failure = e) });
  actor.start();
  const flush = () => new Promise((r) => setImmediate(r));
  for (const s of steps) {
    if (s.kind === 'time') clock.increment(s.ms);
    else if (s.kind === 'ok' || s.kind === 'err') {
      if (settle === undefined) continue; // no check in flight: nothing to settle
      const { resolve, reject } = settle;
      settle = undefined;
      if (s.kind === 'ok') resolve({ at: clock.now() });
      else reject(new Error('refused'));
    } else if (s.kind === 'fail') actor.send({ type: 'FAILED', at: clock.now(), reason: 'timeout' });
    else actor.send({ type: 'CLIENT_READY' });
    await flush();
  }
  const snap = actor.getSnapshot();
  actor.stop();
  if (failure) throw failure;
  const state = snap.matches('connected') ? 'connected' : snap.matches({ degraded: 'checking' }) ? 'checking' : 'waiting';
  return { state, emitted, checks, context: snap.context };
}

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.constant<Step>({ kind: 'ok' }),
  fc.constant<Step>({ kind: 'err' }),
  fc.constant<Step>({ kind: 'fail' }),
  fc.constant<Step>({ kind: 'ready' }),
  fc.integer({ min: 1, max: 400 }).map((ms): Step => ({ kind: 'time', ms })),
);

describe('sharedState: against the reference', () => {
  it('starts degraded, checking, with nothing emitted: until the store answers once, the process decides alone', async () => {
    const r = await replay([]);
    expect(r).toMatchObject({ state: 'checking', emitted: [], checks: 1 });
    expect(r.context).toMatchObject({ waitingFor: 'check', everConnected: false, degradations: 0 });
  });

  it('the first success connects without a "restored"; a loss then a success emits degraded, then restored with how long it lasted', async () => {
    const r = await replay([{ kind: 'ok' }, { kind: 'time', ms: 50 }, { kind: 'fail' }, { kind: 'time', ms: RECHECK }, { kind: 'ok' }]);
    expect(r.state).toBe('connected');
    expect(r.emitted).toEqual(['degraded', `restored:${RECHECK}`]);
    expect(r.context).toMatchObject({ degradations: 1, reason: 'timeout', waitingFor: null });
  });

  it('a failed check waits recheckMs for the next one, unless the client says it is ready', async () => {
    expect((await replay([{ kind: 'err' }, { kind: 'time', ms: RECHECK - 1 }])).checks).toBe(1);
    expect((await replay([{ kind: 'err' }, { kind: 'time', ms: RECHECK }])).checks).toBe(2);
    expect((await replay([{ kind: 'err' }, { kind: 'ready' }])).checks).toBe(2);
    const reason = (await replay([{ kind: 'err' }])).context.reason;
    expect(reason).toBe('refused');
  });

  it('any sequence: state, emitted events and the number of checks agree with the reference', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 25 }), async (steps) => {
        const got = await replay(steps);
        const want = reference(steps);
        expect({ state: got.state, emitted: got.emitted, checks: got.checks }).toEqual(want);
      }),
      { numRuns: 200 },
    );
  });
});
