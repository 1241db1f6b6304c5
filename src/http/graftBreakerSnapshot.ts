import { createActor, type Snapshot } from 'xstate';
import { httpClientMachine, type HttpClientInput } from '../../machines/http.js';
import type { Clock } from '../runtime/clock.js';

/**
 * A persisted snapshot of a fresh HTTP client actor whose breaker child is
 * `breaker` (a breaker's own persisted snapshot). XState restores invoked
 * children only from their parent's persisted snapshot, so restoring a breaker
 * means grafting it into one.
 *
 * @example
 * ```ts
 * const snapshot = graftBreakerSnapshot(input, clock, savedBreakerSnapshot);
 * const actor = createActor(httpClientMachine, { input, clock, snapshot }).start();
 * ```
 */
export function graftBreakerSnapshot(input: HttpClientInput, clock: Clock, breaker: Snapshot<unknown>): Snapshot<unknown> {
  const template = createActor(httpClientMachine, { input, clock }).start();
  const fresh = template.getPersistedSnapshot() as unknown as { children: Record<string, { snapshot: unknown }> };
  template.stop();
  // A deep copy: the caller's snapshot object must not become part of the actor's state.
  fresh.children.breaker!.snapshot = JSON.parse(JSON.stringify(breaker));
  return fresh as unknown as Snapshot<unknown>;
}
