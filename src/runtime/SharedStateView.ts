import type { AnyActorRef } from 'xstate';
import type { SharedStateInput, sharedStateMachine } from '../../machines/sharedState.js';

/**
 * A shared store's view of itself (`connected | degraded`), for each client
 * that uses the store to run as its own child (id `sharedState`), so the
 * inspector shows under the client when it decides alone. statewire/redis's
 * `redisState` has one (`sharedState`): every child follows the store's one
 * health check, so a hundred clients add no Redis command.
 *
 * @example
 * ```ts
 * const view = shared.sharedState!;
 * const actor = createActor(circuitBreakerMachine.provide({ actors: { sharedState: view.logic } }), { input: { sharedState: view.input } });
 * const forget = view.drive(actor.start().getSnapshot().children.sharedState!);
 * ```
 */
export interface SharedStateView {
  /** The child's logic: the `sharedStateMachine`, its check provided by the store. */
  readonly logic: typeof sharedStateMachine;
  /** The child's input. */
  readonly input: SharedStateInput;
  /** From now on `child` (a running actor of `logic`) hears of the store's losses and returns; the returned function ends that. */
  drive(child: AnyActorRef): () => void;
}

/**
 * The view `shared` offers, if any (a store may have none).
 *
 * @example
 * ```ts
 * const view = sharedStateViewOf(options.shared); // undefined: no child
 * ```
 */
export function sharedStateViewOf(shared: unknown): SharedStateView | undefined {
  const view = (shared as { sharedState?: SharedStateView } | undefined)?.sharedState;
  return typeof view?.drive === 'function' ? view : undefined;
}

/**
 * Follows the `sharedState` child of `actor` (if it has one) through `view`;
 * returns the function that stops following it (a no-op when there is none).
 *
 * @example
 * ```ts
 * this.forgetView = followSharedState(view, this.actor);
 * ```
 */
export function followSharedState(view: SharedStateView | undefined, actor: AnyActorRef): () => void {
  const child = (actor.getSnapshot() as { children?: Record<string, AnyActorRef | undefined> }).children?.sharedState;
  return view === undefined || child === undefined ? noop : view.drive(child);
}

const noop = (): void => {};
