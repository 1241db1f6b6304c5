/**
 * The endpoint machine, model-based: paths that together take every
 * transition, replayed on a real actor; after each step the context must be
 * what an independent rule (written here, not read from the machine) says the
 * children's reports add up to, and the emitted summaries must be the changes.
 */
import { expect } from 'vitest';
import type { AnyMachineSnapshot } from 'xstate';
import { endpointMachine, type EndpointContext, type EndpointEvent } from '../../machines/endpoint.js';
import { edgeCoveringPaths, runPath } from '../../src/testing/index.js';
import { describeEdgeCoverage } from '../model/describeEdgeCoverage.js';
import { EndpointOracle } from './endpointOracle.js';

const serialize = (s: AnyMachineSnapshot) => JSON.stringify([s.value, s.context]);
// The kit's input and events (src/testing/traversal/endpoint.ts: adoption tried only where the children
// are not there yet, as the exploration shares one actor system); replayed on the real machine, which spawns.
const model = edgeCoveringPaths(endpointMachine);

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
