import type { AnyMachineSnapshot } from 'xstate';
import { sseMachine, type SseInput } from '../../../machines/sse.js';
import { reconnectLoopEvents } from './loopEvents.js';
import type { MachineTraversal } from './spec.js';

/**
 * The SSE connection: its guards read events only (status 204, 401/410,
 * `terminal`), so the state value is enough; the loop's record, the server's
 * `retry:` and deadlines are left out. The reconnect loop child's snapshots
 * and outcomes are synthesised.
 */
export const sseTraversal: MachineTraversal<SseInput> = {
  machine: sseMachine,
  inputs: [{ url: 'http://127.0.0.1:1/events', connectTimeout: 500, minUptime: 300 }],
  serializeState: (s: AnyMachineSnapshot) => JSON.stringify(s.value),
  events: () => [
    { type: 'CONNECT' },
    { type: 'DISCONNECT' },
    { type: 'RETRY_NOW' },
    { type: 'OPENED', at: 1 },
    { type: 'RETRY_SET', ms: 250 },
    { type: 'STREAM_ENDED', reason: 'end', at: 100 },
    // Open long enough (OPENED at 1, minUptime 300): the attempt count resets.
    { type: 'STREAM_ENDED', reason: 'idle', at: 10_000 },
    { type: 'STREAM_FAILED', reason: 'ECONNREFUSED' },
    { type: 'STREAM_FAILED', reason: 'Non-200 status code (503)', status: 503 },
    { type: 'STREAM_FAILED', reason: 'Server sent HTTP 204, not reconnecting', status: 204 },
    { type: 'STREAM_FAILED', reason: 'Non-200 status code (401)', status: 401 },
    { type: 'STREAM_FAILED', reason: 'Non-200 status code (410)', status: 410, terminal: true },
    // A restored snapshot's re-arm (what is left of the pending timer, or the loop's wait).
    { type: 'RESUME', at: 400 },
    ...reconnectLoopEvents,
  ],
};
