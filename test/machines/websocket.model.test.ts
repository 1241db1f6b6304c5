import { fromCallback, type AnyMachineSnapshot } from 'xstate';
import { webSocketMachine } from '../../machines/websocket.js';
import { edgeCoveringPaths, loopStandIn, performLoopStep, reconnectLoopEvents as loopEvents, runPath } from '../../src/testing/index.js';
import { describeEdgeCoverage } from '../model/describeEdgeCoverage.js';

// The reconnect loop is a stand-in whose state the path sets (test/model/loopStandIn.ts).
const machine = webSocketMachine.provide({
  actors: { reconnect: loopStandIn as never, socket: fromCallback(() => {}) as never, healthPoll: fromCallback(() => {}) as never },
});

const serialize = (s: AnyMachineSnapshot) => JSON.stringify(s.value);
const model = edgeCoveringPaths(machine, {
  inputs: [
    { url: 'ws://127.0.0.1:1/ws', connectTimeout: 500, pingInterval: 1_000, pongTimeout: 200, minUptime: 300 },
    // Started with the network down (a browser tab opened offline).
    { url: 'ws://127.0.0.1:1/ws', connectTimeout: 500, pingInterval: 1_000, pongTimeout: 200, minUptime: 300, online: false },
  ],
  serialize,
  events: () => [
    { type: 'CONNECT' },
    { type: 'DISCONNECT' },
    { type: 'OPENED', at: 1 },
    // A browser socket without an app-level ping: no heartbeat.
    { type: 'OPENED', at: 1, heartbeat: false },
    { type: 'SOCKET_CLOSED', code: 1000, reason: 'bye', wasOpen: true },
    { type: 'SOCKET_CLOSED', code: 1006, reason: '', wasOpen: true },
    // Up long enough (OPENED at 1, minUptime 300): the attempt count resets.
    { type: 'SOCKET_CLOSED', code: 1006, reason: '', wasOpen: true, at: 10_000 },
    { type: 'SOCKET_CLOSED', code: 4401, reason: 'token expired', wasOpen: true, terminal: true },
    { type: 'SOCKET_FAILED', reason: 'ECONNREFUSED' },
    { type: 'SOCKET_FAILED', reason: 'Unexpected server response: 401', status: 401 },
    { type: 'PONG' },
    { type: 'HEALTHY' },
    { type: 'RETRY_NOW' },
    { type: 'ONLINE' },
    { type: 'OFFLINE' },
    { type: 'VISIBLE' },
    { type: 'STREAM_AUDIO' },
    { type: 'USER_MESSAGE' },
    { type: 'SPEAKING' },
    { type: 'IDLE' },
    // A restored snapshot's re-arm (what is left of the pending timer, or the loop's wait).
    { type: 'RESUME', at: 400 },
    ...loopEvents,
  ],
});

describeEdgeCoverage('websocket', model, (path) => runPath(machine, path, { serialize, perform: performLoopStep }));
