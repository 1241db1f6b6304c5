import type { AnyActorRef, AnyMachineSnapshot, EventObject, SimulatedClock } from 'xstate';
import { httpClientMachine, type HttpClientContext } from '../../machines/http.js';
import type { CircuitState } from '../../machines/circuitBreaker.js';
import { edgeCoveringPaths, runPath } from '../../src/testing/index.js';
import { describeEdgeCoverage } from '../model/describeEdgeCoverage.js';

const serialize = (s: AnyMachineSnapshot) => JSON.stringify([s.value, (s.context as HttpClientContext).breakerState]);
// The kit's inputs and events, the breaker's snapshots synthesised (src/testing/traversal/httpClient.ts).
const model = edgeCoveringPaths(httpClientMachine);

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
