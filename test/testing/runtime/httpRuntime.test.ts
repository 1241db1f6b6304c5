/**
 * The runtime HTTP model tests of statewire/testing against a real ApiClient and
 * the flaky server: generated call sequences, fixed ones, and proof that the
 * oracle fails (a wrong contract, a client that retries what it must not).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ApiClient } from '../../../src/index.js';
import { expectedHttpOutcome, httpProperty, runHttpCalls, type HttpRuntimeOptions } from '../../../src/testing/index.js';

const client = (baseURL: string) => new ApiClient({ baseURL, circuitBreaker: false, retryDelay: 1, maxRetryDelay: 20, timeout: 500 });
const options: HttpRuntimeOptions = { client, stepTimeout: 5_000 };

describe('runtime model tests: ApiClient', () => {
  it('the model follows the documented retry contract', () => {
    expect(expectedHttpOutcome({ method: 'GET', faults: ['unavailable', 'serverError'] })).toEqual({ kind: 'data', attempt: 2, requests: 3 });
    expect(expectedHttpOutcome({ method: 'GET', faults: ['serverError', 'serverError', 'badGateway'] })).toEqual({ kind: 'ApiError', status: 502, requests: 3 });
    expect(expectedHttpOutcome({ method: 'POST', faults: ['serverError'] })).toEqual({ kind: 'ApiError', status: 500, requests: 1 });
    expect(expectedHttpOutcome({ method: 'PUT', faults: ['notFound'] })).toEqual({ kind: 'ApiError', status: 404, requests: 1 });
    expect(expectedHttpOutcome({ method: 'GET', faults: ['redirect'] })).toEqual({ kind: 'data', attempt: 0, requests: 2 });
    expect(expectedHttpOutcome({ method: 'DELETE', faults: ['hang', 'hang', 'hang'] })).toEqual({ kind: 'TimeoutError', requests: 3 });
    expect(expectedHttpOutcome({ method: 'GET', faults: ['reset', 'reset'] }, { retries: 1 })).toEqual({ kind: 'NetworkError', requests: 2 });
  });

  it('keeps the retry contract over generated call sequences (15 runs of up to 6 calls)', async () => {
    await fc.assert(httpProperty(fc, options, { maxCommands: 6 }), { numRuns: 15, seed: Number(process.env.HTTP_MODEL_SEED) || undefined });
  }, 120_000);

  it('a fixed sequence: Retry-After, a redirect, a hang, a reset, a POST not retried', async () => {
    const violations = await runHttpCalls(options, [
      { method: 'GET', faults: ['unavailable', 'tooMany'] },
      { method: 'GET', faults: ['redirect'] },
      { method: 'PUT', faults: ['hang', 'slow'] },
      { method: 'DELETE', faults: ['reset', 'hang', 'reset'] },
      { method: 'POST', faults: ['badGateway'] },
      { method: 'GET', faults: ['badRequest'] },
    ]);
    expect(violations).toEqual([]);
  }, 30_000);

  it('the oracle fails a wrong contract: the client retries POST, the model was told it does not', async () => {
    const retriesPost = (baseURL: string) => new ApiClient({ baseURL, circuitBreaker: false, retryDelay: 1, timeout: 500, retryMethods: ['GET', 'POST'] });
    const violations = await runHttpCalls({ client: retriesPost }, [{ method: 'POST', faults: ['serverError'] }]);
    expect(violations).toEqual(['call 0 POST[serverError]: expected ApiError 500, got data of attempt 1', 'call 0 POST[serverError]: expected 1 request(s) at the server, saw 2']);
  }, 30_000);

  it('the property fails when the contract is wrong (fast-check finds a counterexample)', async () => {
    const failure = await fc
      .assert(httpProperty(fc, { ...options, contract: { retries: 1 } }, { faults: ['serverError', 'ok'] }), { numRuns: 40, seed: 3 })
      .then(
        () => undefined,
        (error: Error) => error,
      );
    expect(failure?.message).toMatch(/Counterexample/);
    expect(String((failure?.cause as Error | undefined)?.message)).toMatch(/^call \d+ (GET|POST|PUT|DELETE)\[/);
  }, 60_000);
});
