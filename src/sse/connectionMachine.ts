import { fromCallback, type EventObject } from 'xstate';
import { sseMachine } from '../../machines/sse.js';
import { actorOwners } from '../runtime/actorOwners.js';
import type { SSEConnection } from './SSEConnection.js';

/** Finds the connection an invoked actor belongs to (no closure per connection). */
export const owners = actorOwners<SSEConnection>('SSEConnection');

/** `sseMachine` with its I/O: the stream actor runs one attempt of the connection it finds by the actor. */
export const connectionMachine = sseMachine.provide({
  actors: {
    stream: fromCallback<EventObject>(({ sendBack, self }) => owners.of(self).runStream(sendBack as never)),
  },
});
