import { createMachine, fromPromise } from 'xstate';
import { backoffMachine, type AttemptInput } from './backoff.js';

/**
 * The backoff machine entered at `up`, for connections that run their reconnect
 * loop only while they wait (the WebSocket and SSE machines): a loop running for
 * the whole life of a connection costs ~4.8 KB per open connection. The parent
 * invokes it when the link drops or an attempt fails, passing the attempts so far
 * (`attempts`) and the previous wait (`delay`), and tells it `DROPPED` at once
 * (with the server's `retryAfter`, if any). The loop then waits its jittered delay
 * and enters `attempting`, the parent's cue to open again, or ends `exhausted`.
 * The attempt itself is the parent's own state, so the loop's `attempt` actor
 * never settles.
 *
 * @example
 * ```ts
 * import { createActor } from 'xstate';
 * import { reconnectLoop } from 'statewire/machines';
 *
 * const loop = createActor(reconnectLoop, { input: { mode: 'reconnect', attempts: 2, base: 500, seed: 7 } });
 * loop.subscribe((s) => s.matches('attempting') && console.log('open again now'));
 * loop.start();
 * loop.send({ type: 'DROPPED', reason: 'closed 1006' });
 * ```
 */
export const reconnectLoop = createMachine({ ...backoffMachine.config, initial: 'up' }, backoffMachine.implementations).provide({
  actors: { attempt: fromPromise<unknown, AttemptInput>(() => new Promise(() => {})) },
}) as unknown as typeof backoffMachine;
