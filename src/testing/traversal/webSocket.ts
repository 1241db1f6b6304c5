import type { AnyMachineSnapshot, EventObject } from 'xstate';
import { webSocketMachine, type Activity, type WebSocketInput } from '../../../machines/websocket.js';
import { reconnectLoopEvents } from './loopEvents.js';
import type { MachineTraversal } from './spec.js';

const input = { url: 'ws://127.0.0.1:1/ws', connectTimeout: 500, pingInterval: 1_000, pongTimeout: 200, minUptime: 300 };

/** Every event with the payloads the guards tell apart (codes 1000, 1006, terminal; status 401). */
const allEvents = [
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
  ...reconnectLoopEvents,
] as EventObject[];

/** The activity events in a cycle (idle → listening → thinking → speaking → idle): each activity once, few simple paths. */
const nextActivity: Record<Activity, string> = { idle: 'STREAM_AUDIO', listening: 'USER_MESSAGE', thinking: 'SPEAKING', speaking: 'IDLE' };
const activityEvents = new Set(Object.values(nextActivity));

function activityOf(s: AnyMachineSnapshot): Activity | undefined {
  const value = s.value as { session?: { link?: { connected?: { activity?: Activity } } } };
  return typeof value === 'object' ? value.session?.link?.connected?.activity : undefined;
}

/**
 * The WebSocket connection. For `xstate/graph` the state value is the vertex
 * (14 of them), and the activity events go round in a cycle, which keeps
 * `getSimplePaths` to seconds; edge coverage tries every event everywhere
 * (from the online and the offline start). Close and failure events carry the
 * codes and statuses the guards tell apart; the reconnect loop child's
 * snapshots and outcomes are synthesised.
 */
export const webSocketTraversal: MachineTraversal<WebSocketInput> = {
  machine: webSocketMachine,
  inputs: [input],
  serializeState: (s: AnyMachineSnapshot) => JSON.stringify(s.value),
  events: (s) => {
    const activity = activityOf(s);
    return allEvents.filter((e) => !activityEvents.has(e.type) || (activity !== undefined && nextActivity[activity] === e.type));
  },
  coverage: {
    // Started with the network down too (a browser tab opened offline).
    inputs: [input, { ...input, online: false }],
    events: () => allEvents,
  },
};
