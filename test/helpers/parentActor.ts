/**
 * A plain parent actor for clients (it takes `statewire.adopt` / `statewire.release`),
 * as a manager or an app's own machine would be.
 *
 * @example
 * ```ts
 * const parent = startParentActor();
 * new WebSocketConnection({ url }).attachTo(parent, 'realtime');
 * ```
 */
import { createActor, setup, type AnyActorRef } from 'xstate';
import { adoptChild, releaseChild, type AdoptionEvent } from '../../machines/adoption.js';
import type { Clock } from '../../src/runtime/clock.js';

export const parentMachine = setup({ types: { events: {} as AdoptionEvent } }).createMachine({
  id: 'app',
  on: { 'statewire.adopt': { actions: adoptChild }, 'statewire.release': { actions: releaseChild } },
});

/** Starts a parent with an error observer (errors go to `onError`, default console.error). */
export function startParentActor(options: { clock?: Clock; onError?: (error: unknown) => void } = {}): AnyActorRef {
  const parent = createActor(parentMachine, options.clock === undefined ? {} : { clock: options.clock as never });
  parent.subscribe({ error: options.onError ?? ((error) => console.error('[parent] actor error:', error)) });
  return parent.start();
}
