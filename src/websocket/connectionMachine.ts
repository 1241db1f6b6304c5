import { fromCallback, type EventObject } from 'xstate';
import { webSocketMachine } from '../../machines/websocket.js';
import { actorOwners } from '../runtime/actorOwners.js';
import type { WebSocketConnection } from './WebSocketConnection.js';
import { runAttempt } from './SocketAttempt.js';
import { pollBackendHealth } from './healthPolling.js';

/** Finds the connection an invoked actor belongs to (no closure per connection). */
export const owners = actorOwners<WebSocketConnection>('WebSocketConnection');

/**
 * `webSocketMachine` with its I/O: the socket attempt and the backend health
 * poll, each finding its connection by the actor.
 */
export const connectionMachine = webSocketMachine.provide({
  actors: {
    socket: fromCallback<EventObject>(({ sendBack, self }) => runAttempt(owners.of(self), sendBack as never)),
    healthPoll: fromCallback(({ sendBack, self }) => pollBackendHealth(owners.of(self), () => sendBack({ type: 'HEALTHY' }))),
  },
});
