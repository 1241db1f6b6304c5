import { createActor, setup, type AnyActorRef } from 'xstate';
import { describe, expect, it } from 'vitest';
import { adoptChild, releaseChild, type AdoptionEvent } from '../../machines/adoption.js';
import { httpClientMachine } from '../../machines/http.js';

const parentMachine = setup({ types: { events: {} as AdoptionEvent } }).createMachine({
  id: 'parent',
  on: { 'statewire.adopt': { actions: adoptChild }, 'statewire.release': { actions: releaseChild } },
});

function startParent() {
  const errors: unknown[] = [];
  const parent = createActor(parentMachine);
  parent.subscribe({ error: (e) => errors.push(e) });
  parent.start();
  return { parent, errors };
}

describe('machines as named children of one parent', () => {
  it('two http client machines run side by side, each found by its name, each with its own breaker', () => {
    const { parent, errors } = startParent();
    parent.send({ type: 'statewire.adopt', name: 'api', logic: httpClientMachine, input: { name: 'api', breaker: { threshold: 1, volumeThreshold: 1 } } });
    parent.send({ type: 'statewire.adopt', name: 'billing', logic: httpClientMachine, input: { name: 'billing' } });
    expect(errors).toEqual([]);
    const api = parent.system.get('api') as AnyActorRef;
    const billing = parent.system.get('billing') as AnyActorRef;
    expect(Object.keys(parent.getSnapshot().children).sort()).toEqual(['api', 'billing']);
    expect(api.getSnapshot().context.name).toBe('api');
    const apiBreaker = parent.system.get('api.breaker') as AnyActorRef;
    expect(apiBreaker).toBe(api.getSnapshot().children.breaker);
    expect(parent.system.get('billing.breaker')).toBe(billing.getSnapshot().children.breaker);
    expect(parent.system.get('api.rateLimiter')).toBe(api.getSnapshot().children.rateLimiter);
    expect(parent.system.get('breaker')).toBeUndefined();

    // One client's breaker opening moves only that client's health.
    apiBreaker.send({ type: 'FAILURE', at: 0, failures: 1, calls: 1 });
    expect(api.getSnapshot().value).toEqual({ active: { connection: 'disconnected', health: 'unhealthy' } });
    expect(billing.getSnapshot().value).toEqual({ active: { connection: 'disconnected', health: 'unknown' } });
  });

  it('a taken name is refused, not silently shared', () => {
    const { parent, errors } = startParent();
    parent.send({ type: 'statewire.adopt', name: 'api', logic: httpClientMachine, input: { name: 'api' } });
    parent.send({ type: 'statewire.adopt', name: 'api', logic: httpClientMachine, input: { name: 'api' } });
    expect(String(errors[0])).toMatch(/api/);
  });

  it('stopping the parent stops its children and theirs; release stops one', () => {
    const { parent } = startParent();
    parent.send({ type: 'statewire.adopt', name: 'api', logic: httpClientMachine, input: { name: 'api' } });
    parent.send({ type: 'statewire.adopt', name: 'billing', logic: httpClientMachine, input: { name: 'billing' } });
    const api = parent.system.get('api') as AnyActorRef;
    const billing = parent.system.get('billing') as AnyActorRef;
    const breaker = parent.system.get('billing.breaker') as AnyActorRef;
    parent.send({ type: 'statewire.release', name: 'api' });
    expect(api.getSnapshot().status).toBe('stopped');
    expect(parent.system.get('api')).toBeUndefined();
    expect(billing.getSnapshot().status).toBe('active');
    parent.stop();
    expect(billing.getSnapshot().status).toBe('stopped');
    expect(breaker.getSnapshot().status).toBe('stopped');
  });

  it('the actions act only on their own event (a parent may run them from a catch-all handler)', () => {
    const catchAll = setup({ types: { events: {} as AdoptionEvent | { type: 'other'; name: string; logic?: unknown } } }).createMachine({
      on: { '*': { actions: [adoptChild, releaseChild] } },
    });
    const parent = createActor(catchAll).start();
    parent.send({ type: 'statewire.adopt', name: 'api', logic: httpClientMachine, input: { name: 'api' } });
    parent.send({ type: 'other', name: 'api' }); // a release would stop 'api'
    parent.send({ type: 'other', name: 'second', logic: httpClientMachine }); // an adopt would spawn 'second'
    expect(Object.keys(parent.getSnapshot().children)).toEqual(['api']);
    expect((parent.system.get('api') as AnyActorRef).getSnapshot().status).toBe('active');
    parent.send({ type: 'statewire.release', name: 'api' });
    expect(parent.getSnapshot().children).toEqual({});
    parent.stop();
  });

  it('a client machine that is its own root keeps the plain names', () => {
    const actor = createActor(httpClientMachine, { input: undefined }).start();
    expect(actor.system.get('breaker')).toBe(actor.getSnapshot().children.breaker);
    expect(actor.system.get('rateLimiter')).toBe(actor.getSnapshot().children.rateLimiter);
    actor.stop();
  });
});
