import { createMachine, type AnyMachineSnapshot, type EventObject } from 'xstate';
import { endpointMachine, type EndpointContext, type EndpointInput } from '../../../machines/endpoint.js';
import type { MachineTraversal } from './spec.js';

const child = createMachine({ id: 'stub' });

/**
 * The endpoint: the summary and which children are attached (edge coverage:
 * its whole context, which is finite). A traversal runs in one actor system where
 * an adopted name stays taken (its stop is never executed), so each child is
 * adopted from one snapshot only: `websocket` from the initial one, `http`
 * right after; releases and status reports go everywhere.
 */
export const endpointTraversal: MachineTraversal<EndpointInput> = {
  machine: endpointMachine,
  inputs: [{ env: 'test', wsUrl: 'ws://127.0.0.1/ws', apiUrl: 'http://127.0.0.1' }],
  // Which children are attached (the release guard's), and the summary; the children's reports are the events.
  serializeState: (s: AnyMachineSnapshot) => {
    const c = s.context as EndpointContext;
    return JSON.stringify([s.value, c.websocket.attached, c.http.attached]);
  },
  events: (s) => {
    const c = s.context as EndpointContext;
    const fresh = c.status === 'connecting' && c.websocket.status === 'closed' && c.http.health === 'unknown' && !c.http.attached;
    const adopt: EventObject[] = [];
    if (fresh && !c.websocket.attached) adopt.push({ type: 'statewire.adopt', name: 'websocket', logic: child } as EventObject);
    if (fresh && c.websocket.attached) adopt.push({ type: 'statewire.adopt', name: 'http', logic: child } as EventObject);
    return [
      ...adopt,
      { type: 'statewire.release', name: 'websocket' },
      { type: 'statewire.release', name: 'http' },
      { type: 'WEBSOCKET_STATUS', status: 'connecting' },
      { type: 'WEBSOCKET_STATUS', status: 'idle' },
      { type: 'WEBSOCKET_STATUS', status: 'waiting' },
      { type: 'HTTP_STATUS', health: 'healthy', breaker: 'CLOSED' },
      { type: 'HTTP_STATUS', health: 'unhealthy', breaker: 'OPEN' },
      { type: 'DISPOSE' },
    ] as EventObject[];
  },
  // Every transition: the whole context (finite) is the vertex.
  coverage: { serializeState: (s: AnyMachineSnapshot) => JSON.stringify([s.value, s.context]) },
};
