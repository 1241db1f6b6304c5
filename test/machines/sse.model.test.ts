import { fromCallback, type AnyMachineSnapshot } from 'xstate';
import { sseMachine } from '../../machines/sse.js';
import { edgeCoveringPaths, loopStandIn, performLoopStep, reconnectLoopEvents as loopEvents, runPath } from '../../src/testing/index.js';
import { describeEdgeCoverage } from '../model/describeEdgeCoverage.js';

// The reconnect loop is a stand-in whose state the path sets (test/model/loopStandIn.ts).
const machine = sseMachine.provide({
  actors: { reconnect: loopStandIn as never, stream: fromCallback(() => {}) as never },
});

const serialize = (s: AnyMachineSnapshot) => JSON.stringify(s.value);
const model = edgeCoveringPaths(machine, {
  inputs: [{ url: 'http://127.0.0.1:1/events', connectTimeout: 500, minUptime: 300 }],
  serialize,
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
    ...loopEvents,
  ],
});

describeEdgeCoverage('sse', model, (path) => runPath(machine, path, { serialize, perform: performLoopStep }));
