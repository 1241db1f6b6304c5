import type { AnyActorRef, AnyMachineSnapshot, EventObject, SimulatedClock } from 'xstate';
import { httpClientMachine, type HttpClientContext } from '../../machines/http.js';
import type { CircuitState } from '../../machines/circuitBreaker.js';
import { edgeCoveringPaths, runPath } from '../../src/testing/index.js';
import { describeEdgeCoverage } from '../model/describeEdgeCoverage.js';

const serialize = (s: AnyMachineSnapshot) => JSON.stringify([s.value, (s.context as HttpClientContext).breakerState]);
const breakerSnapshot = (value: CircuitState) => ({ type: 'xstate.snapshot.breaker', snapshot: { value } });

/** The breaker's own transition relation: which snapshot can follow which. */
const nextBreakerStates: Record<CircuitState, CircuitState[]> = {
  CLOSED: ['CLOSED', 'OPEN'],
  OPEN: ['OPEN', 'HALF_OPEN'],
  HALF_OPEN: ['HALF_OPEN', 'OPEN', 'CLOSED'],
};

const model = edgeCoveringPaths(httpClientMachine, {
  inputs: [{ baseURL: 'http://127.0.0.1:1', breaker: { threshold: 1, volumeThreshold: 1, timeout: 1_000 } }],
  serialize,
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
});

/** Makes the real breaker child produce the snapshot the model step names. */
function perform(event: EventObject, actor: AnyActorRef, clock: SimulatedClock) {
  const breaker = actor.system.get('breaker') as AnyActorRef;
  const from = breaker.getSnapshot().value as CircuitState;
  const to = (event as unknown as { snapshot: { value: CircuitState } }).snapshot.value;
  const key = `${from}->${to}`;
  if (from === to) breaker.send(from === 'HALF_OPEN' ? { type: 'PROBE' } : { type: 'CONFIGURE' });
  else if (key === 'CLOSED->OPEN') breaker.send({ type: 'FAILURE', at: 0, failures: 1, calls: 1 });
  else if (key === 'OPEN->HALF_OPEN') clock.increment(breaker.getSnapshot().context.retryIn);
  else if (key === 'HALF_OPEN->OPEN') breaker.send({ type: 'PROBE_FAILURE', at: 0 });
  else if (key === 'HALF_OPEN->CLOSED') breaker.send({ type: 'PROBE_SUCCESS', at: 0 });
  else throw new Error(`the breaker cannot go ${key}`);
}

describeEdgeCoverage('http', model, (path) => runPath(httpClientMachine, path, { serialize, perform }));
