import type { AnyMachineSnapshot } from 'xstate';
import { rateLimiterMachine, type RateLimiterContext, type RateLimiterInput } from '../../../machines/rateLimiter.js';
import type { MachineTraversal } from './spec.js';

const AT = 5_000;

/**
 * The rate limiter: no guard reads its context, so the state value is the
 * vertex; edge coverage also tells apart which categories are paused (not until when), the `api`
 * limit CONFIGURE changes, and the last limited category; the deadlines and
 * `resumeIn` are times and are left out.
 */
export const rateLimiterTraversal: MachineTraversal<RateLimiterInput> = {
  machine: rateLimiterMachine,
  inputs: [{ limits: { search: { tokensPerSecond: 1, burstCapacity: 1 } } }],
  // No guard reads its context: the state value is the vertex.
  serializeState: (s: AnyMachineSnapshot) => JSON.stringify(s.value),
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
  coverage: {
    serializeState: (s: AnyMachineSnapshot) => {
      const c = s.context as RateLimiterContext;
      return JSON.stringify([s.value, Object.keys(c.pausedUntil).sort(), c.limits.api, c.lastLimited?.category ?? null]);
    },
  },
};
