import type { EventObject } from 'xstate';
import type { LoopRecord } from '../../../machines/reconnectLoop.js';

const record: LoopRecord = { attempts: 2, delay: 300, seed: 7 };

/**
 * The events a parent of the reconnect loop (`reconnect` child of the WebSocket,
 * SSE and pool-slot machines) hears from it, synthesised: its snapshots while it
 * waits or is paused (`xstate.snapshot.reconnect`, read by the parent's guards),
 * and how it ends (`xstate.done.actor.reconnect`: `attempting` or `exhausted`).
 *
 * @example
 * ```ts
 * events: () => [{ type: 'CONNECT' }, ...reconnectLoopEvents]
 * ```
 */
export const reconnectLoopEvents: readonly EventObject[] = [
  { type: 'xstate.snapshot.reconnect', snapshot: { value: 'waiting', context: record } } as EventObject,
  { type: 'xstate.snapshot.reconnect', snapshot: { value: 'paused', context: record } } as EventObject,
  { type: 'xstate.done.actor.reconnect', output: { outcome: 'attempting', ...record, attempts: 3 } } as EventObject,
  { type: 'xstate.done.actor.reconnect', output: { outcome: 'exhausted', ...record } } as EventObject,
];
