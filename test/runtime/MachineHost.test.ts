import { createActor, fromCallback, setup, type AnyActorRef } from 'xstate';
import { describe, expect, it } from 'vitest';
import { adoptChild, releaseChild, type AdoptionEvent } from '../../machines/adoption.js';
import { actorOwners } from '../../src/runtime/actorOwners.js';
import { systemClock } from '../../src/runtime/clock.js';
import { MachineHost } from '../../src/runtime/MachineHost.js';

/** A runtime object that owns what its machine's invoked actor opens. */
class Owner {
  opened = 0;
  closed = 0;
  snapshots: string[] = [];
  emitted: string[] = [];
  errors: unknown[] = [];
  run(): () => void {
    this.opened++;
    return () => void this.closed++;
  }
  machineInput() {
    return {};
  }
  onMachineSnapshot(s: { value: unknown }) {
    this.snapshots.push(String(s.value));
  }
  onMachineEvent() {}
  onMachineError(e: unknown) {
    this.errors.push(e);
  }
}
const owners = actorOwners<Owner>('Owner');

const linkMachine = setup({
  types: { input: {} as { name?: string } | undefined, context: {} as { name: string | null }, events: {} as { type: 'OPEN' } | { type: 'CLOSE' } },
  actors: { link: fromCallback(({ self }) => owners.of(self).run()) },
}).createMachine({
  id: 'link',
  context: ({ input }) => ({ name: input?.name ?? null }),
  initial: 'closed',
  states: {
    closed: { on: { OPEN: 'open' } },
    open: { invoke: { src: 'link' }, on: { CLOSE: 'closed' } },
  },
});

const parentMachine = setup({ types: { events: {} as AdoptionEvent } }).createMachine({
  on: { 'statewire.adopt': { actions: adoptChild }, 'statewire.release': { actions: releaseChild } },
});

function hosted() {
  const owner = new Owner();
  const host = new MachineHost(linkMachine, owner, { clock: systemClock, owners });
  return { owner, host, errors: owner.errors };
}

function parent() {
  const p = createActor(parentMachine);
  p.subscribe({ error: () => {} });
  return p.start();
}

describe('MachineHost', () => {
  it('makes a root actor on first use, and hands over every snapshot from the first', () => {
    const { host, owner } = hosted();
    expect(host.running).toBe(false);
    host.actor.send({ type: 'OPEN' });
    expect(host.running).toBe(true);
    expect(owner.snapshots).toEqual(['closed', 'open']);
    expect(owner.opened).toBe(1);
    host.stop();
    expect(owner.closed).toBe(1);
    expect(host.running).toBe(false);
    expect(host.actor.getSnapshot().status).toBe('stopped');
  });

  it('adopted before first use: a real child of the parent, found by its name, whose invoked actors find their owner', () => {
    const { host, owner } = hosted();
    const p = parent();
    const child = host.adopt(p, 'realtime');
    expect(p.system.get('realtime')).toBe(child);
    expect((p.getSnapshot().children as Record<string, AnyActorRef | undefined>).realtime).toBe(child);
    expect(host.actor).toBe(child);
    expect(child.getSnapshot().context.name).toBe('realtime');
    host.actor.send({ type: 'OPEN' });
    expect(owner.opened).toBe(1);
    expect(owner.snapshots).toEqual(['closed', 'open']);
    // Stopping the parent stops the child, and the child's callback cleans up.
    p.stop();
    expect(owner.closed).toBe(1);
  });

  it('adopted while running: the old root is stopped (its link closed), the new child takes over', () => {
    const { host, owner } = hosted();
    host.actor.send({ type: 'OPEN' });
    const root = host.actor;
    const p = parent();
    host.adopt(p, 'realtime');
    expect(root.getSnapshot().status).toBe('stopped');
    expect(owner.closed).toBe(1);
    expect(host.actor).not.toBe(root);
    expect(owner.snapshots.at(-1)).toBe('closed');
    host.actor.send({ type: 'OPEN' });
    expect(owner.opened).toBe(2);
  });

  it('two owners under one parent do not mix up their actors', () => {
    const a = hosted();
    const b = hosted();
    const p = parent();
    a.host.adopt(p, 'a');
    b.host.adopt(p, 'b');
    b.host.actor.send({ type: 'OPEN' });
    expect([a.owner.opened, b.owner.opened]).toEqual([0, 1]);
    expect((p.system.get('b') as AnyActorRef).getSnapshot().value).toBe('open');
  });

  it('refuses an empty or taken name, and a parent that does not adopt', () => {
    const p = parent();
    const { host } = hosted();
    expect(() => host.adopt(p, '')).toThrow(/non-empty name/);
    hosted().host.adopt(p, 'taken');
    expect(() => host.adopt(p, 'taken')).toThrow(/already has an actor named "taken"/);
    const deaf = createActor(setup({}).createMachine({})).start();
    expect(() => host.adopt(deaf, 'x')).toThrow(/did not adopt "x"/);
  });

  it('stop() releases a child through its parent; the stopped actor stays readable', () => {
    const { host, owner } = hosted();
    const p = parent();
    host.adopt(p, 'realtime');
    host.actor.send({ type: 'OPEN' });
    host.stop();
    expect(p.system.get('realtime')).toBeUndefined();
    expect((p.getSnapshot().children as Record<string, AnyActorRef | undefined>).realtime).toBeUndefined();
    expect(owner.closed).toBe(1);
    expect(host.running).toBe(false);
    expect(host.actor.getSnapshot().status).toBe('stopped');
  });
});
