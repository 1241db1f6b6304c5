/**
 * managerMachine and its bookkeeping against expectations written out by hand
 * from the documented rules (never read back from the machine): joining,
 * leaving, status changes, failover and failback, rounds, the child tree.
 */
import { describe, expect, it } from 'vitest';
import { createActor, createMachine, fromCallback } from 'xstate';
import { applyAdded, applyChanges, applyRemoved, isDown, managerMachine, type ManagedEntry, type ManagerEmitted, type ManagerEvent } from '../../machines/manager.js';

type Entry = Omit<ManagedEntry, 'name'>;
const entry = (over: Partial<Entry> = {}): Entry => ({ type: 'websocket', status: 'closed', health: 'unknown', fallback: null, fallbackFor: null, usingFallback: false, ...over });
/** The helpers take and give lists; the expectations read best by name. */
const from = (record: Record<string, Entry>): ManagedEntry[] => Object.entries(record).map(([name, e]) => ({ name, ...e }));
const view = (list: readonly ManagedEntry[]): Record<string, Entry> => Object.fromEntries(list.map(({ name, ...e }) => [name, e]));
const added = (list: readonly ManagedEntry[], a: Parameters<typeof applyAdded>[1]) => {
  const r = applyAdded(list, a);
  return { connections: view(r.connections), emitted: r.emitted };
};
const changed = (list: readonly ManagedEntry[], c: Parameters<typeof applyChanges>[1]) => {
  const r = applyChanges(list, c);
  return { connections: view(r.connections), emitted: r.emitted, list: r.connections };
};

function start(input = { healthCheckInterval: 1000, concurrency: 4 }) {
  const emitted: ManagerEmitted[] = [];
  const errors: unknown[] = [];
  const actor = createActor(managerMachine, { input });
  actor.on('*', (e) => emitted.push(e as ManagerEmitted));
  actor.subscribe({ error: (e) => errors.push(e) });
  actor.start();
  return { actor, emitted, errors, context: () => actor.getSnapshot().context };
}

describe('isDown', () => {
  it('degraded and unhealthy are down; healthy and unknown are not', () => {
    expect(['healthy', 'degraded', 'unhealthy', 'unknown'].map((h) => isDown(h as never))).toEqual([false, true, true, false]);
  });
});

describe('applyAdded', () => {
  it('adds in order, with the reported type, status and health; an unknown health word is unknown', () => {
    const { connections, emitted } = added([], [
      { name: 'a', connectionType: 'http', status: 'connected', health: 'healthy' },
      { name: 'b', connectionType: 'sse', status: 'open', health: 'bogus' },
    ]);
    expect(connections).toEqual({ a: entry({ type: 'http', status: 'connected', health: 'healthy' }), b: entry({ type: 'sse', status: 'open' }) });
    expect(emitted).toEqual([]);
  });

  it('a name already there is skipped and the record given is left as it was', () => {
    const before = { a: entry({ health: 'healthy' }) };
    const list = from(before);
    const copy = structuredClone(list);
    const { connections } = added(list, [{ name: 'a', connectionType: 'http', status: 'x', health: 'degraded' }]);
    expect(connections).toEqual({ a: entry({ health: 'healthy' }) });
    expect(applyAdded(list, []).connections).not.toBe(list);
    expect(list).toEqual(copy);
  });

  it('a fallback added earlier (even in the same list) is linked both ways', () => {
    const { connections } = added([], [
      { name: 'f', connectionType: 'websocket', status: 'idle', health: 'healthy' },
      { name: 'p', connectionType: 'websocket', status: 'closed', health: 'unknown', fallback: 'f' },
    ]);
    expect(connections.p).toEqual(entry({ fallback: 'f' }));
    expect(connections.f).toEqual(entry({ status: 'idle', health: 'healthy', fallbackFor: 'p' }));
  });

  it('a fallback that is missing, backs another, or has its own backup is ignored', () => {
    expect(added([], [{ name: 'p', connectionType: 'x', status: 's', health: 'unknown', fallback: 'f' }]).connections.p!.fallback).toBeNull();
    const taken = { f: entry({ fallbackFor: 'q' }), q: entry({ fallback: 'f' }) };
    expect(added(from(taken), [{ name: 'p', connectionType: 'x', status: 's', health: 'unknown', fallback: 'f' }]).connections.p!.fallback).toBeNull();
    const chained = { f: entry({ fallback: 'g' }), g: entry({ fallbackFor: 'f' }) };
    const result = added(from(chained), [{ name: 'p', connectionType: 'x', status: 's', health: 'unknown', fallback: 'f' }]).connections;
    expect(result.p!.fallback).toBeNull();
    expect(result.f!.fallbackFor).toBeNull();
    expect(added([], [{ name: 'p', connectionType: 'x', status: 's', health: 'unknown', fallback: null }]).connections.p!.fallback).toBeNull();
  });

  it('a primary that joins already down fails over at once; one that joins unknown or healthy does not', () => {
    const base = { f: entry() };
    for (const [health, over] of [['degraded', true], ['unhealthy', true], ['unknown', false], ['healthy', false]] as const) {
      const { connections, emitted } = added(from(base), [{ name: 'p', connectionType: 'x', status: 's', health, fallback: 'f' }]);
      expect(connections.p!.usingFallback, health).toBe(over);
      expect(emitted, health).toEqual(over ? [{ type: 'failover', name: 'p', to: 'f', health }] : []);
    }
  });
});

describe('applyRemoved', () => {
  it('removes the names given, skips unknown ones, leaves the record given as it was', () => {
    const before = from({ a: entry(), b: entry() });
    expect(view(applyRemoved(before, ['a', 'zz']))).toEqual({ b: entry() });
    expect(view(before)).toEqual({ a: entry(), b: entry() });
    expect(applyRemoved(before, [])).not.toBe(before);
  });

  it('removing another connection leaves a pair as it was', () => {
    const paired = from({ p: entry({ fallback: 'f', usingFallback: true }), f: entry({ fallbackFor: 'p' }), o: entry() });
    expect(view(applyRemoved(paired, ['o']))).toEqual({ p: entry({ fallback: 'f', usingFallback: true }), f: entry({ fallbackFor: 'p' }) });
  });

  it('a backup that leaves leaves its primary without one, served by itself; a primary that leaves frees its backup', () => {
    const paired = from({ p: entry({ fallback: 'f', usingFallback: true, health: 'degraded' }), f: entry({ fallbackFor: 'p' }), o: entry({ status: 'idle' }) });
    expect(view(applyRemoved(paired, ['f']))).toEqual({ p: entry({ health: 'degraded' }), o: entry({ status: 'idle' }) });
    expect(view(applyRemoved(paired, ['p']))).toEqual({ f: entry(), o: entry({ status: 'idle' }) });
    expect(view(applyRemoved(paired, ['p', 'f']))).toEqual({ o: entry({ status: 'idle' }) });
    expect(applyRemoved(paired, ['p']).map((e) => e.name)).toEqual(['f', 'o']);
  });
});

describe('applyChanges', () => {
  const paired = from({ p: entry({ fallback: 'f' }), f: entry({ fallbackFor: 'p', health: 'healthy' }) });

  it('the last report of a name wins; unknown names are skipped; other entries stay', () => {
    const { connections } = changed(from({ a: entry(), b: entry({ status: 'idle', health: 'healthy' }) }), [
      { name: 'a', status: 'connecting', health: 'unknown' },
      { name: 'zz', status: 'idle', health: 'healthy' },
      { name: 'a', status: 'idle', health: 'healthy' },
    ]);
    expect(connections).toEqual({ a: entry({ status: 'idle', health: 'healthy' }), b: entry({ status: 'idle', health: 'healthy' }) });
  });

  it('a backup that is down too is not switched to; once it is up, the primary still down fails over to it', () => {
    const bothDown = changed(paired, [
      { name: 'f', status: 'waiting', health: 'degraded' },
      { name: 'p', status: 'waiting', health: 'degraded' },
    ]);
    expect(bothDown.emitted).toEqual([]);
    expect(bothDown.connections.p!.usingFallback).toBe(false);
    const backupUp = changed(bothDown.list, [{ name: 'f', status: 'idle', health: 'healthy' }]);
    expect(backupUp.emitted).toEqual([{ type: 'failover', name: 'p', to: 'f', health: 'degraded' }]);
    expect(backupUp.connections.p!.usingFallback).toBe(true);
  });

  it('down → failover to the backup; still down → nothing more; healthy → failback; unknown while failed over → stays', () => {
    const down = changed(paired, [{ name: 'p', status: 'waiting', health: 'degraded' }]);
    expect(down.emitted).toEqual([{ type: 'failover', name: 'p', to: 'f', health: 'degraded' }]);
    expect(down.connections.p).toEqual(entry({ fallback: 'f', status: 'waiting', health: 'degraded', usingFallback: true }));
    const worse = changed(down.list, [{ name: 'p', status: 'error', health: 'unhealthy' }]);
    expect(worse.emitted).toEqual([]);
    expect(worse.connections.p!.usingFallback).toBe(true);
    const unknown = changed(worse.list, [{ name: 'p', status: 'connecting', health: 'unknown' }]);
    expect(unknown.emitted).toEqual([]);
    expect(unknown.connections.p!.usingFallback).toBe(true);
    const back = changed(unknown.list, [{ name: 'p', status: 'idle', health: 'healthy' }]);
    expect(back.emitted).toEqual([{ type: 'failback', name: 'p', from: 'f' }]);
    expect(back.connections.p).toEqual(entry({ fallback: 'f', status: 'idle', health: 'healthy' }));
  });

  it('a backup going down changes nothing for its primary; a connection without a backup never fails over', () => {
    expect(changed(paired, [{ name: 'f', status: 'waiting', health: 'degraded' }]).emitted).toEqual([]);
    const alone = changed(from({ a: entry() }), [{ name: 'a', status: 'error', health: 'unhealthy' }]);
    expect(alone.emitted).toEqual([]);
    expect(alone.connections.a!.usingFallback).toBe(false);
  });

  it('one event per switched primary, in the order of the changes', () => {
    const two = from({ ...view(paired), q: entry({ fallback: 'g' }), g: entry({ fallbackFor: 'q' }) });
    const { emitted } = changed(two, [
      { name: 'q', status: 'waiting', health: 'degraded' },
      { name: 'p', status: 'error', health: 'unhealthy' },
    ]);
    expect(emitted).toEqual([
      { type: 'failover', name: 'q', to: 'g', health: 'degraded' },
      { type: 'failover', name: 'p', to: 'f', health: 'unhealthy' },
    ]);
  });
});

describe('managerMachine', () => {
  it('starts stopped with its input, no connection and no round', () => {
    const { actor, context } = start({ healthCheckInterval: 5000, concurrency: 3 });
    expect(actor.getSnapshot().value).toBe('stopped');
    expect(context()).toEqual({ healthCheckInterval: 5000, concurrency: 3, connections: [], sweeps: 0, lastSweep: null });
  });

  it('START runs the sweep actor with the interval; STOP stops it; SWEPT counts rounds only while running', () => {
    const runs: Array<{ interval: number; stopped: boolean }> = [];
    const machine = managerMachine.provide({
      actors: {
        healthSweep: fromCallback<ManagerEvent, { interval: number }>(({ input }) => {
          const run = { interval: input.interval, stopped: false };
          runs.push(run);
          return () => void (run.stopped = true);
        }),
      },
    });
    const actor = createActor(machine, { input: { healthCheckInterval: 750, concurrency: 1 } }).start();
    actor.send({ type: 'SWEPT', checked: 9, failed: 9 });
    expect(actor.getSnapshot().context.sweeps).toBe(0);
    actor.send({ type: 'START' });
    expect(actor.getSnapshot().value).toBe('running');
    expect(runs).toEqual([{ interval: 750, stopped: false }]);
    actor.send({ type: 'SWEPT', checked: 3, failed: 1 });
    actor.send({ type: 'SWEPT', checked: 4, failed: 0 });
    expect(actor.getSnapshot().context).toMatchObject({ sweeps: 2, lastSweep: { checked: 4, failed: 0 } });
    actor.send({ type: 'STOP' });
    expect(actor.getSnapshot().value).toBe('stopped');
    expect(runs).toEqual([{ interval: 750, stopped: true }]);
  });

  it('with healthCheckInterval 0, START manages without a sweep (idle); STOP and DISPOSE from there', () => {
    const { actor } = start({ healthCheckInterval: 0, concurrency: 1 });
    actor.send({ type: 'START' });
    expect(actor.getSnapshot().value).toBe('idle');
    expect(actor.getSnapshot().children).toEqual({});
    actor.send({ type: 'STOP' });
    expect(actor.getSnapshot().value).toBe('stopped');
    actor.send({ type: 'START' });
    actor.send({ type: 'DISPOSE' });
    expect(actor.getSnapshot().status).toBe('done');
  });

  it('DISPOSE ends it from stopped and from running; nothing changes afterwards', () => {
    for (const first of [[], [{ type: 'START' as const }]]) {
      const { actor, context } = start();
      for (const e of first) actor.send(e);
      actor.send({ type: 'DISPOSE' });
      expect(actor.getSnapshot().value).toBe('disposed');
      expect(actor.getSnapshot().status).toBe('done');
      actor.send({ type: 'ADDED', connections: [{ name: 'a', connectionType: 'x', status: 's', health: 'healthy' }] });
      expect(context().connections).toEqual([]);
    }
  });

  it('the pure machine runs its own idle sweep actor: running without a provided one is no error', () => {
    const { actor, errors } = start();
    actor.send({ type: 'START' });
    expect(actor.getSnapshot().value).toBe('running');
    expect(Object.keys(actor.getSnapshot().children)).toHaveLength(1);
    actor.send({ type: 'STOP' });
    expect(errors).toEqual([]);
    expect(managerMachine.id).toBe('connectionManager');
  });

  it('ADDED / CHANGED / REMOVED keep the connections by name and emit failover and failback', () => {
    const { actor, emitted, context } = start();
    actor.send({ type: 'ADDED', connections: [{ name: 'f', connectionType: 'websocket', status: 'idle', health: 'healthy' }] });
    actor.send({ type: 'ADDED', connections: [{ name: 'p', connectionType: 'websocket', status: 'closed', health: 'unknown', fallback: 'f' }] });
    actor.send({ type: 'CHANGED', changes: [{ name: 'p', status: 'waiting', health: 'degraded' }] });
    expect(view(context().connections).p!.usingFallback).toBe(true);
    actor.send({ type: 'CHANGED', changes: [{ name: 'p', status: 'idle', health: 'healthy' }] });
    expect(emitted).toEqual([
      { type: 'failover', name: 'p', to: 'f', health: 'degraded' },
      { type: 'failback', name: 'p', from: 'f' },
    ]);
    actor.send({ type: 'REMOVED', names: ['f'] });
    expect(context().connections).toEqual([{ name: 'p', ...entry({ status: 'idle', health: 'healthy' }) }]);
  });

  it('adopts children by name (system.get finds them) and releases them; a taken name is an error reported, not thrown', () => {
    const { actor, errors } = start();
    const child = createMachine({ id: 'c' });
    actor.send({ type: 'statewire.adopt', name: 'a', logic: child, input: undefined });
    expect(actor.system.get('a')).toBe(actor.getSnapshot().children.a);
    expect(actor.system.get('a')!._parent).toBe(actor);
    actor.send({ type: 'statewire.release', name: 'a' });
    expect(actor.system.get('a')).toBeUndefined();
    expect(actor.getSnapshot().children).toEqual({});
    actor.send({ type: 'statewire.adopt', name: 'b', logic: child });
    actor.send({ type: 'statewire.adopt', name: 'b', logic: child });
    expect(errors.length).toBe(1);
  });

  it('adopts many children with one event: each found by name, each a child, the record holding them all', () => {
    const { actor, errors } = start();
    const child = createMachine({ id: 'c' });
    const names = ['m1', 'm2', 'm3'];
    actor.send({ type: 'statewire.adoptMany', children: names.map((name) => ({ name, logic: child, input: { name } })) });
    for (const name of names) {
      expect(actor.system.get(name)).toBe(actor.getSnapshot().children[name]);
      expect(actor.system.get(name)!._parent).toBe(actor);
      expect(actor.system.get(name)!.getSnapshot().status).toBe('active');
    }
    expect(Object.keys(actor.getSnapshot().children)).toEqual(names);
    actor.send({ type: 'statewire.release', name: 'm2' });
    expect(Object.keys(actor.getSnapshot().children)).toEqual(['m1', 'm3']);
    expect(errors).toEqual([]);
  });
});
