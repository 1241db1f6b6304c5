/**
 * The endpoint machine, model-based: paths that together take every
 * transition, replayed on a real actor; after each step the context must be
 * what an independent rule (written here, not read from the machine) says the
 * children's reports add up to, and the emitted summaries must be the changes.
 */
import { expect } from 'vitest';
import { createMachine, type AnyMachineSnapshot, type EventObject } from 'xstate';
import { endpointMachine, type EndpointContext, type EndpointEvent } from '../../machines/endpoint.js';
import { edgeCoveringPaths, runPath } from '../../src/testing/index.js';
import { describeEdgeCoverage } from '../model/describeEdgeCoverage.js';
import { EndpointOracle } from './endpointOracle.js';

const child = createMachine({ id: 'stub' });
const events: EndpointEvent[] = [
  { type: 'statewire.adopt', name: 'websocket', logic: child },
  { type: 'statewire.adopt', name: 'http', logic: child },
  { type: 'statewire.adopt', name: 'other', logic: child },
  { type: 'statewire.release', name: 'websocket' },
  { type: 'statewire.release', name: 'http' },
  { type: 'WEBSOCKET_STATUS', status: 'connecting' },
  { type: 'WEBSOCKET_STATUS', status: 'idle' },
  { type: 'WEBSOCKET_STATUS', status: 'waiting' },
  { type: 'HTTP_STATUS', health: 'healthy', breaker: 'CLOSED' },
  { type: 'HTTP_STATUS', health: 'unhealthy', breaker: 'OPEN' },
  { type: 'DISPOSE' },
];
const serialize = (s: AnyMachineSnapshot) => JSON.stringify([s.value, s.context]);
// Exploring shares one actor system between the explored snapshots, where a second spawn
// of 'http' would clash: the model runs without spawning, the replay with it.
const pure = endpointMachine.provide({ actions: { adoptChild: () => {}, releaseChild: () => {} } });
const model = edgeCoveringPaths(pure, { inputs: [{ env: 'test', wsUrl: 'ws://127.0.0.1/ws', apiUrl: 'http://127.0.0.1' }], serialize, events: () => events as EventObject[] });

describeEdgeCoverage('endpoint', model, (path) => {
  const oracle = new EndpointOracle();
  return runPath(endpointMachine, path, {
    serialize,
    check: (actual, _expected, event) => {
      oracle.take(event as EndpointEvent);
      const c = actual.context as EndpointContext;
      if (oracle.disposed) {
        expect(actual.status).toBe('done');
        expect(actual.value).toBe('disposed');
        return;
      }
      expect({ websocket: c.websocket, http: c.http }).toEqual(oracle.views);
      expect(c.status).toBe(oracle.summary);
      expect(actual.value).toEqual({ running: oracle.summary });
      expect(Object.keys(actual.children).sort()).toEqual(oracle.children());
    },
  });
});
