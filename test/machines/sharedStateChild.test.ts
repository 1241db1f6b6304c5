/**
 * The `sharedState` child of the client machines (breaker, limiter, HTTP
 * client): spawned from `input.sharedState` only, running the logic src/
 * provides, stopped with its parent's parts, brought back by a restored
 * snapshot without a second one. Expectations are written out, not read from
 * the machines.
 */
import { describe, expect, it } from 'vitest';
import { createActor, fromPromise, type AnyActorRef, type AnyStateMachine } from 'xstate';
import { circuitBreakerMachine } from '../../machines/circuitBreaker.js';
import { rateLimiterMachine } from '../../machines/rateLimiter.js';
import { httpClientMachine } from '../../machines/http.js';
import { sharedStateMachine } from '../../machines/sharedState.js';

const view = sharedStateMachine.provide({ actors: { checkStore: fromPromise(async () => ({ at: 5 })) } });
const machines: Array<[string, AnyStateMachine]> = [
  ['circuitBreaker', circuitBreakerMachine],
  ['rateLimiter', rateLimiterMachine],
  ['http', httpClientMachine],
];
const childrenOf = (actor: AnyActorRef) => Object.keys((actor.getSnapshot() as { children: object }).children).sort();
const start = (machine: AnyStateMachine, input: object, snapshot?: unknown) => {
  const actor = createActor(machine.provide({ actors: { sharedState: view } } as never), { input, snapshot: snapshot as never });
  actor.subscribe({ error: (e) => { throw e; } });
  return actor.start();
};

describe('the sharedState child of the client machines', () => {
  it.each(machines)('%s: with input.sharedState it runs the provided view as `sharedState`; without, no child', async (_name, machine) => {
    const own = machine === httpClientMachine ? ['breaker', 'rateLimiter'] : [];
    const plain = start(machine, {});
    expect(childrenOf(plain)).toEqual(own);
    // No input at all (a machine used on its own): no child either, and no error.
    const bare = start(machine, undefined as never);
    expect(childrenOf(bare)).toEqual(own);
    bare.stop();
    const shared = start(machine, { sharedState: { recheckMs: 70 } });
    expect(childrenOf(shared)).toEqual([...own, 'sharedState'].sort());
    const child = (shared.getSnapshot() as { children: Record<string, AnyActorRef> }).children.sharedState!;
    expect(child.getSnapshot().context.recheckMs).toBe(70);
    // The provided check answers: the child is connected (the placeholder would stay as it is).
    await new Promise((r) => setTimeout(r, 0));
    expect(child.getSnapshot().value).toBe('connected');
    // A restored snapshot brings the one child back, not two.
    const restored = start(machine, { sharedState: { recheckMs: 70 } }, shared.getPersistedSnapshot());
    expect(childrenOf(restored)).toEqual([...own, 'sharedState'].sort());
    for (const a of [plain, shared, restored]) a.stop();
  });

  it('http: DISPOSE stops the child with the breaker and the limiter', () => {
    const actor = start(httpClientMachine, { sharedState: {} });
    const child = (actor.getSnapshot() as { children: Record<string, AnyActorRef> }).children.sharedState!;
    actor.send({ type: 'DISPOSE' });
    expect(child.getSnapshot().status).toBe('stopped');
    expect(childrenOf(actor)).toEqual([]);
  });
});
