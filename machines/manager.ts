import { assign, enqueueActions, fromCallback, setup } from 'xstate';
import { adoptChild, adoptChildren, releaseChild, type AdoptionEvent } from './adoption.js';
import { applyAdded, applyChanges, applyRemoved, type AddedConnection, type ConnectionChange, type ManagedEntry, type ManagerEmitted } from './managerEntries.js';

export { applyAdded, applyChanges, applyRemoved, isDown } from './managerEntries.js';
export type { AddedConnection, ConnectionChange, ManagedEntry, ManagedHealth, ManagerEmitted } from './managerEntries.js';

/** What the manager starts with (the `ConnectionManager` options it validated). */
export interface ManagerInput {
  /** ms between two health checks of one connection (0: no automatic checks). */
  healthCheckInterval: number;
  /** How many connections one bulk operation works on at once. */
  concurrency: number;
}

export interface ManagerContext extends ManagerInput {
  /** Every connection, in the order they joined: name, type, status, health, failover. */
  connections: ManagedEntry[];
  /** Health-check rounds completed since the manager was made. */
  sweeps: number;
  /** The latest round: how many connections were checked, how many failed. */
  lastSweep: { checked: number; failed: number } | null;
}

export type ManagerEvent =
  | AdoptionEvent
  /** Connections joined (batched by the runtime; each `fallback` names a backup added before it). */
  | { type: 'ADDED'; connections: AddedConnection[] }
  | { type: 'REMOVED'; names: string[] }
  /** Status and health of some connections changed (batched by the runtime). */
  | { type: 'CHANGED'; changes: ConnectionChange[] }
  | { type: 'START' }
  | { type: 'STOP' }
  /** The health-sweep actor finished one round over every connection. */
  | { type: 'SWEPT'; checked: number; failed: number }
  | { type: 'DISPOSE' };

/** What the `healthSweep` actor is given: the interval one round takes. */
export interface HealthSweepInput {
  interval: number;
}

/**
 * The parent of a `ConnectionManager`'s connections: `stopped ⇄ running →
 * disposed`. Its children are the connections themselves (adopted with
 * `statewire.adopt`, found with `system.get(name)`), and its context lists
 * them with their names, status and health, so an inspector shows the whole
 * tree. While `running`, the `healthSweep` actor (which `src/` provides) checks
 * the connections, staggered over `healthCheckInterval`, and reports each round
 * as `SWEPT`.
 *
 * Failover: a connection added with a `fallback` is served by that backup while
 * it is down (health `degraded` or `unhealthy`: waiting to reconnect, given up,
 * breaker open), announced by an emitted `failover`; `failback` when it is
 * `healthy` again.
 *
 * @example
 * ```ts
 * const actor = createActor(managerMachine, { input: { healthCheckInterval: 30000, concurrency: 16 } }).start();
 * actor.send({ type: 'ADDED', connections: [{ name: 'api', connectionType: 'http', status: 'closed', health: 'unknown' }] });
 * actor.send({ type: 'CHANGED', changes: [{ name: 'api', status: 'idle', health: 'healthy' }] });
 * actor.getSnapshot().context.connections[0]; // { name: 'api', health: 'healthy', … }
 * ```
 */
export const managerMachine = setup({
  types: {
    context: {} as ManagerContext,
    input: {} as ManagerInput,
    events: {} as ManagerEvent,
    emitted: {} as ManagerEmitted,
  },
  actors: {
    // src/ provides the real one (timers, health checks); the pure machine idles.
    healthSweep: fromCallback<ManagerEvent, HealthSweepInput>(() => () => {}),
  },
  actions: {
    add: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'ADDED') return;
      const { connections, emitted } = applyAdded(context.connections, event.connections);
      enqueue.assign({ connections });
      for (const e of emitted) enqueue.emit(e);
    }),
    remove: assign({ connections: ({ context, event }) => (event.type === 'REMOVED' ? applyRemoved(context.connections, event.names) : context.connections) }),
    change: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'CHANGED') return;
      const { connections, emitted } = applyChanges(context.connections, event.changes);
      enqueue.assign({ connections });
      for (const e of emitted) enqueue.emit(e);
    }),
    recordSweep: assign(({ context, event }) =>
      event.type === 'SWEPT' ? { sweeps: context.sweeps + 1, lastSweep: { checked: event.checked, failed: event.failed } } : {},
    ),
  },
  guards: {
    checksOn: ({ context }) => context.healthCheckInterval > 0,
  },
}).createMachine({
  id: 'connectionManager',
  context: ({ input }) => ({ ...input, connections: [], sweeps: 0, lastSweep: null }),
  on: {
    // adoptChild / releaseChild are typed for any parent; a typed one takes them as they are.
    'statewire.adopt': { actions: adoptChild as never },
    'statewire.adoptMany': { actions: adoptChildren as never },
    'statewire.release': { actions: releaseChild as never },
    ADDED: { actions: 'add' },
    REMOVED: { actions: 'remove' },
    CHANGED: { actions: 'change' },
  },
  initial: 'stopped',
  states: {
    stopped: {
      on: {
        START: [{ guard: 'checksOn', target: 'running' }, { target: 'idle' }],
        DISPOSE: 'disposed',
      },
    },
    /** Started with `healthCheckInterval: 0`: managing, with no automatic checks. */
    idle: {
      on: { STOP: 'stopped', DISPOSE: 'disposed' },
    },
    running: {
      invoke: { src: 'healthSweep', input: ({ context }) => ({ interval: context.healthCheckInterval }) },
      on: {
        STOP: 'stopped',
        SWEPT: { actions: 'recordSweep' },
        DISPOSE: 'disposed',
      },
    },
    disposed: { type: 'final' },
  },
});
