import { expect } from 'vitest';
import type { AnyMachineSnapshot, EventObject } from 'xstate';
import { managerMachine, type ManagedEntry, type ManagerContext, type ManagerEvent } from '../../machines/manager.js';
import { edgeCoveringPaths, runPath } from '../../src/testing/index.js';
import { describeEdgeCoverage } from '../model/describeEdgeCoverage.js';

const byName = (list: ManagedEntry[]): Record<string, ManagedEntry | undefined> => Object.fromEntries(list.map((e) => [e.name, e]));

// The sweep count grows without bound, and every adoption needs a fresh system id (the
// exploration shares one system): the model tells snapshots apart by the rest.
const serialize = (s: AnyMachineSnapshot) => {
  const c = s.context as ManagerContext;
  return JSON.stringify([s.value, c.connections, c.lastSweep, Object.keys(s.children).length]);
};

// The kit's inputs, events and serialization (src/testing/traversal/manager.ts): what a user gets.
const model = edgeCoveringPaths(managerMachine);

/**
 * The oracle along a path: whether the backup must serve `p` after each event,
 * kept by a shadow written from the README's rule (the backup serves while the
 * primary is degraded or unhealthy, until it is healthy again; a backup must be
 * there when the primary joins; a removal ends the pairing).
 */
function shadow(): (event: EventObject) => boolean {
  let hasP = false;
  let hasF = false;
  let linked = false;
  let health = 'unknown';
  let servedByF = false;
  return (event) => {
    const e = event as ManagerEvent;
    if (e.type === 'ADDED') {
      for (const c of e.connections) {
        if (c.name === 'f' && !hasF) hasF = true;
        if (c.name === 'p' && !hasP) [hasP, health, linked, servedByF] = [true, c.health, hasF, false];
      }
    } else if (e.type === 'REMOVED') {
      if (e.names.includes('f')) [hasF, linked, servedByF] = [false, false, false];
      if (e.names.includes('p')) [hasP, linked, servedByF] = [false, false, false];
    } else if (e.type === 'CHANGED' && hasP) {
      health = e.changes[0]!.health;
    }
    if (linked && !servedByF && (health === 'degraded' || health === 'unhealthy')) servedByF = true;
    else if (linked && servedByF && health === 'healthy') servedByF = false;
    return servedByF;
  };
}

describeEdgeCoverage('managerMachine', model, async (path) => {
  const oracle = shadow();
  await runPath(managerMachine, path, {
    serialize,
    check: (actual, _model, event) => {
      const want = oracle(event);
      const connections = byName((actual.context as ManagerContext).connections);
      expect(connections.p?.usingFallback === true, `served by the backup after ${event.type}`).toBe(want);
      if (connections.p !== undefined) expect(connections.p.fallback === 'f').toBe(connections.f !== undefined && connections.f.fallbackFor === 'p');
    },
  });
});
