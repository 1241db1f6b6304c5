/**
 * Item 8: a breaker persisted while HALF_OPEN with its probe in flight restores to a
 * state that admits a probe again. The probe that was out belonged to the process
 * that took the snapshot; nothing will ever report it to the restored actor.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SimulatedClock, type Snapshot } from 'xstate';
import { ApiClient } from '../../src/http/ApiClient.js';
import { CircuitBreaker, REJECTED } from '../../src/breaker/CircuitBreaker.js';
import { startServer, type TestServer } from '../helpers/testServer.js';

/** A breaker snapshot taken in HALF_OPEN with `probes` probes out (timeout 10 s). */
function halfOpenSnapshot(probes: number, halfOpenMaxCalls = 1): Snapshot<unknown> {
  const clock = new SimulatedClock();
  clock.set(1_000_000);
  const breaker = new CircuitBreaker({ threshold: 1, volumeThreshold: 1, timeout: 10_000, halfOpenMaxCalls, clock });
  breaker.failure(breaker.admit());
  expect(breaker.state).toBe('OPEN');
  clock.increment(10_000);
  expect(breaker.state).toBe('HALF_OPEN');
  for (let i = 0; i < probes; i++) expect(breaker.admit()).not.toBe(REJECTED);
  const snapshot = JSON.parse(JSON.stringify(breaker.actor.getPersistedSnapshot())) as Snapshot<unknown>;
  breaker.dispose();
  return snapshot;
}

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('CircuitBreaker restored from HALF_OPEN', () => {
  it('admits a probe again when the snapshot had its probe in flight', () => {
    const breaker = new CircuitBreaker({ snapshot: halfOpenSnapshot(1), clock: new SimulatedClock() });
    expect(breaker.state).toBe('HALF_OPEN');
    const probe = breaker.admit();
    expect(probe).not.toBe(REJECTED);
    expect(breaker.admit()).toBe(REJECTED); // still one probe at a time
    breaker.success(probe);
    expect(breaker.state).toBe('CLOSED');
    breaker.dispose();
  });

  it('frees every slot of a restored HALF_OPEN, and no more than halfOpenMaxCalls', () => {
    const breaker = new CircuitBreaker({ snapshot: halfOpenSnapshot(2, 2), clock: new SimulatedClock() });
    expect(breaker.admit()).not.toBe(REJECTED);
    expect(breaker.admit()).not.toBe(REJECTED);
    expect(breaker.admit()).toBe(REJECTED);
    breaker.dispose();
  });

  it('an ApiClient given that snapshot sends its probe to the server and closes the circuit', async () => {
    server = await startServer();
    const client = new ApiClient({
      baseURL: server.url,
      retries: 0,
      circuitBreakerOptions: { threshold: 1, volumeThreshold: 1, timeout: 10_000, snapshot: halfOpenSnapshot(1) },
    });
    try {
      expect(client.circuitBreaker.state).toBe('HALF_OPEN');
      await expect(client.get('/ok')).resolves.toBeDefined();
      expect(server.requests.length).toBe(1);
      expect(client.circuitBreaker.state).toBe('CLOSED');
    } finally {
      await client.dispose();
    }
  });
});
