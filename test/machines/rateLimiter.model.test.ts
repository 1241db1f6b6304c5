import type { AnyMachineSnapshot } from 'xstate';
import { rateLimiterMachine, type RateLimiterContext } from '../../machines/rateLimiter.js';
import { edgeCoveringPaths, runPath } from '../../src/testing/index.js';
import { describeEdgeCoverage } from '../model/describeEdgeCoverage.js';

const serialize = (s: AnyMachineSnapshot) => {
  const c = s.context as RateLimiterContext;
  return JSON.stringify([s.value, Object.keys(c.pausedUntil).sort(), c.limits.api, c.lastLimited?.category ?? null]);
};
// The kit's inputs, events and serialization (src/testing/traversal/rateLimiter.ts): what a user gets.
const model = edgeCoveringPaths(rateLimiterMachine);

describeEdgeCoverage('rateLimiter', model, (path) => runPath(rateLimiterMachine, path, { serialize }));
