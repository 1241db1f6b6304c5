import type { AnyMachineSnapshot, EventObject } from 'xstate';
import { httpClientMachine, type HttpClientContext, type HttpClientInput } from '../../../machines/http.js';
import type { CircuitState } from '../../../machines/circuitBreaker.js';
import type { MachineTraversal } from './spec.js';

/** The breaker's own transition relation: which of its snapshots can follow which. */
const nextBreakerStates: Record<CircuitState, CircuitState[]> = {
  CLOSED: ['CLOSED', 'OPEN'],
  OPEN: ['OPEN', 'HALF_OPEN'],
  HALF_OPEN: ['HALF_OPEN', 'OPEN', 'CLOSED'],
};

/** A synthesised snapshot of the `breaker` child, as its `syncSnapshot` delivers it. */
const breakerSnapshot = (value: CircuitState): EventObject => ({ type: 'xstate.snapshot.breaker', snapshot: { value } }) as EventObject;

/**
 * The HTTP client: the state value (a traversal for `getSimplePaths` stays at
 * 9 vertices); for edge coverage also the breaker state it last saw (its guards
 * compare the next breaker snapshot with it). The counters and the last
 * check's time are left out. The breaker child's snapshots are synthesised, only those the breaker
 * itself can produce after the one seen last.
 */
export const httpClientTraversal: MachineTraversal<HttpClientInput> = {
  machine: httpClientMachine,
  inputs: [{ baseURL: 'http://127.0.0.1:1', breaker: { threshold: 1, volumeThreshold: 1, timeout: 1_000 } }],
  serializeState: (s: AnyMachineSnapshot) => JSON.stringify(s.value),
  events: (s) => [
    { type: 'CONNECT' },
    { type: 'DISCONNECT' },
    { type: 'DISPOSE' },
    { type: 'RETRY', attempt: 1, delay: 100, reason: 'HTTP 503' },
    { type: 'REQUEST_FAILED', reason: 'TimeoutError', fault: true, at: 1 },
    { type: 'REQUEST_FAILED', reason: 'HTTP 404', status: 404, fault: false, at: 1 },
    { type: 'RECOVERED', at: 2 },
    { type: 'HEALTH_CHECKED', ok: true, responseTime: 3, at: 3 },
    { type: 'HEALTH_CHECKED', ok: false, responseTime: 9, at: 4, reason: 'HTTP 500' },
    { type: 'HEALTH_RESTORED', health: 'healthy' },
    { type: 'HEALTH_RESTORED', health: 'degraded' },
    { type: 'HEALTH_RESTORED', health: 'unhealthy' },
    ...nextBreakerStates[(s.context as HttpClientContext).breakerState].map(breakerSnapshot),
  ],
  // Every transition: the breaker state last seen (its guards compare the next snapshot with it) is part of the vertex.
  coverage: { serializeState: (s: AnyMachineSnapshot) => JSON.stringify([s.value, (s.context as HttpClientContext).breakerState]) },
};
