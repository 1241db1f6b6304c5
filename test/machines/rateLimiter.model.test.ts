import type { AnyMachineSnapshot } from 'xstate';
import { rateLimiterMachine, type RateLimiterContext } from '../../machines/rateLimiter.js';
import { edgeCoveringPaths, runPath } from '../../src/testing/index.js';
import { describeEdgeCoverage } from '../model/describeEdgeCoverage.js';

const AT = 5_000;
const serialize = (s: AnyMachineSnapshot) => {
  const c = s.context as RateLimiterContext;
  return JSON.stringify([s.value, Object.keys(c.pausedUntil).sort(), c.limits.api, c.lastLimited?.category ?? null]);
};
const model = edgeCoveringPaths(rateLimiterMachine, {
  inputs: [{ limits: { search: { tokensPerSecond: 1, burstCapacity: 1 } } }],
  serialize,
  events: () => [
    { type: 'ENABLE' },
    { type: 'DISABLE' },
    { type: 'PAUSE', category: 'api', ms: 500, at: AT },
    { type: 'PAUSE', category: '*', ms: 800, at: AT },
    { type: 'CONFIGURE', category: 'api', limit: { tokensPerSecond: 5, burstCapacity: 5 } },
    { type: 'LIMITED', category: 'search', retryAfter: 1_000, at: AT },
    // A restored snapshot's re-arm, 200 ms into the pause.
    { type: 'RESUME', at: AT + 200 },
  ],
});

describeEdgeCoverage('rateLimiter', model, (path) => runPath(rateLimiterMachine, path, { serialize }));
