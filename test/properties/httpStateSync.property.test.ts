/**
 * One source of truth (#7 item 3): the values an HTTP client caches for its hot
 * path are derived from the machine's snapshot and cannot drift from it. Over
 * random sequences of answers from a real server (successes, 5xx, 4xx, waits
 * past the breaker's timeout), after every step:
 * - the breaker wrapper's cached state is the breaker actor's state, and so is
 *   the client machine's own record of it (`context.breakerState`);
 * - the health the client reports is the machine's health region;
 * - the retry counter is the machine's.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../src/index.js';
import { json, startServer, type TestServer } from '../helpers/testServer.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer((req, res) => {
    const status = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('status') ?? 200);
    json(res, status, { status });
  });
});
afterAll(() => server.close());

// Fewer runs per mutant under `npm run mutation` (real requests are slow).
const RUNS = process.env.STATEWIRE_MUTATION ? 8 : 25;

type Step = { kind: 'call'; status: 200 | 404 | 503; retries: 0 | 1 } | { kind: 'wait' };
const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('call' as const), status: fc.constantFrom(200 as const, 404 as const, 503 as const), retries: fc.constantFrom(0 as const, 1 as const) }),
  fc.constant({ kind: 'wait' as const }),
);

function check(client: ApiClient): void {
  const snapshot = client.actor.getSnapshot();
  const breakerValue = client.circuitBreaker.actor.getSnapshot().value;
  expect(client.getCircuitBreakerState().state).toBe(breakerValue);
  expect(client.circuitBreaker.state).toBe(breakerValue);
  expect(snapshot.context.breakerState).toBe(breakerValue);
  expect(client.getStats().health).toBe((snapshot.value as { active: { health: string } }).active.health);
  expect(client.getStats().retries).toBe(snapshot.context.retries);
}

describe('HTTP client: cached state == the machine snapshot', () => {
  it('holds after every step of random sequences', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 10 }), async (steps) => {
        const client = new ApiClient({ baseURL: server.url, retryDelay: 1, circuitBreakerOptions: { threshold: 2, volumeThreshold: 2, timeout: 20 } });
        try {
          check(client);
          for (const s of steps) {
            if (s.kind === 'wait') await new Promise((r) => setTimeout(r, 30));
            else await client.get(`/x?status=${s.status}`, { retries: s.retries }).catch(() => undefined);
            check(client);
          }
        } finally {
          await client.dispose();
        }
      }),
      { numRuns: RUNS },
    );
  });
});
