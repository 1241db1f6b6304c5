/**
 * The runtime SSE model tests of statewire/testing against a real SSEConnection
 * and FaultSseServer: generated sequences (push, end, drop, reject, stall,
 * resume) keep "every event exactly once, in order, resumed by Last-Event-ID";
 * and the oracle fails a client that forgets Last-Event-ID.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SSEConnection } from '../../../src/index.js';
import { SseRun, sseProperty, sseViolations } from '../../../src/testing/index.js';

const connect = (url: string) => new SSEConnection({ url, retryDelay: 5, maxRetryDelay: 20, idleTimeout: 200 });

describe('runtime model tests: SSEConnection', () => {
  it('keeps exactly-once, in-order delivery over generated fault sequences (12 runs of up to 10 commands)', async () => {
    await fc.assert(sseProperty(fc, { connect, stepTimeout: 3_000 }, { maxCommands: 10 }), { numRuns: 12, seed: Number(process.env.SSE_MODEL_SEED) || undefined });
  }, 120_000);

  it('the oracle fails a client that reconnects without Last-Event-ID (events come twice)', async () => {
    // A fetch that strips Last-Event-ID: the server replays from the start.
    const forgetful: typeof fetch = (input, init) => {
      const headers = new Headers(init?.headers);
      headers.delete('last-event-id');
      return fetch(input, { ...init, headers });
    };
    const run = await SseRun.start({ connect: (url) => new SSEConnection({ url, retryDelay: 5, fetch: forgetful }), settleTimeout: 1_000 });
    try {
      const state = { pushed: 0, stalled: false };
      await run.apply({ kind: 'push' }, state);
      await run.apply({ kind: 'drop' }, state);
      await run.server.waitForRequests(2);
      const violations = await run.finish(state);
      expect(violations).toEqual(['event 1 was delivered 2 times']);
    } finally {
      await run.dispose();
    }
  }, 30_000);

  it('the oracle: a reconnect that goes back, an event under another id, a missing event', () => {
    const state = { pushed: 3, stalled: false };
    const received = [
      { id: '1', data: { n: 1 } },
      { id: '3', data: { n: 2 } },
    ];
    expect(sseViolations(state, received, [undefined, '1', undefined], true)).toEqual([
      'event 3 was delivered 0 times',
      'delivered an event never pushed, or under another id: {"id":"3","data":{"n":2}}',
      'reconnect 2 sent no Last-Event-ID after event 1',
    ]);
  });
});
