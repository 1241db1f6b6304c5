import { createMachine, type AnyMachineSnapshot, type EventObject } from 'xstate';
import { managerMachine, type ManagedEntry, type ManagerContext, type ManagerEvent, type ManagerInput } from '../../../machines/manager.js';
import type { MachineTraversal } from './spec.js';

const child = createMachine({ id: 'child' });
const byName = (list: ManagedEntry[]): Record<string, ManagedEntry | undefined> => Object.fromEntries(list.map((e) => [e.name, e]));
const added = (name: string, health: string, fallback: string | null = null) => ({ name, connectionType: 'websocket', status: health === 'healthy' ? 'idle' : 'closed', health, fallback });

// Every adoption needs a name no snapshot of any traversal used (a traversal's system keeps them all).
let adoptions = 0;

/**
 * The connection manager: its state value; edge coverage also tells apart its
 * connections (a primary `p` that may have the backup `f`: every failover
 * transition, with little state), the last sweep (not the sweep count, which
 * grows) and how many children it has. START goes
 * to `running` or `idle` as the input's `healthCheckInterval` says, hence two
 * inputs.
 */
export const managerTraversal: MachineTraversal<ManagerInput> = {
  machine: managerMachine,
  inputs: [
    { healthCheckInterval: 30_000, concurrency: 16 },
    { healthCheckInterval: 0, concurrency: 1 },
  ],
  // No guard reads what changes (START's reads the input): the state value is the vertex.
  serializeState: (s: AnyMachineSnapshot) => JSON.stringify(s.value),
  events: (snapshot) => {
    const connections = byName((snapshot.context as ManagerContext).connections);
    const list: ManagerEvent[] = [{ type: 'START' }, { type: 'STOP' }, { type: 'SWEPT', checked: 2, failed: 1 }, { type: 'DISPOSE' }];
    if (connections.f === undefined) list.push({ type: 'ADDED', connections: [added('f', 'healthy')] });
    else list.push({ type: 'REMOVED', names: ['f'] });
    if (connections.p === undefined) list.push({ type: 'ADDED', connections: [added('p', 'unknown', 'f')] });
    else {
      list.push({ type: 'REMOVED', names: ['p'] });
      for (const health of ['healthy', 'degraded']) list.push({ type: 'CHANGED', changes: [{ name: 'p', status: health === 'healthy' ? 'idle' : 'waiting', health }] });
    }
    const children = Object.keys(snapshot.children);
    if (children.length === 0) {
      list.push({ type: 'statewire.adopt', name: `x${++adoptions}`, logic: child });
      list.push({ type: 'statewire.adoptMany', children: [{ name: `x${++adoptions}`, logic: child }] });
    } else list.push({ type: 'statewire.release', name: children[0]! });
    return list as EventObject[];
  },
  coverage: {
    serializeState: (s: AnyMachineSnapshot) => {
      const c = s.context as ManagerContext;
      return JSON.stringify([s.value, c.connections, c.lastSweep, Object.keys(s.children).length]);
    },
  },
};
