import { enqueueActions, type ActorLogic, type MachineContext, type Snapshot } from 'xstate';
import type { SharedStateInput, sharedStateMachine } from './sharedState.js';

/**
 * What a client machine (breaker, limiter, HTTP client) takes in its input to
 * run a `sharedState` child: a client whose state is shared through a store
 * (statewire/redis) shows under itself whether it decides alone.
 */
export interface SharedChildInput {
  /**
   * The child's input. Without it the machine has no `sharedState` child.
   *
   * @default undefined
   */
  sharedState?: SharedStateInput;
}

/**
 * A client machine's `sharedState` actor until src/ provides the real one (the
 * store's view, a provided `sharedStateMachine`): it does nothing. Typed as the
 * machine it stands for, so `.provide({ actors: { sharedState } })` takes the
 * view; not the machine itself, so an app that shares nothing bundles none of it.
 *
 * @example
 * ```ts
 * setup({ actors: { sharedState: sharedStateSlot } });
 * ```
 */
export const sharedStateSlot = {
  // The smallest actor logic there is (fromCallback would bring its code into every bundle): a snapshot that never changes.
  transition: (snapshot) => snapshot,
  getInitialSnapshot: () => ({ status: 'active', output: undefined, error: undefined }),
  getPersistedSnapshot: (snapshot) => snapshot,
} satisfies ActorLogic<Snapshot<undefined>, { type: string }> as unknown as typeof sharedStateMachine;

// Meant for every client machine, typed or not (as adoption.ts's actions are).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyEvent = any;

/**
 * The start action of a client machine: with `input.sharedState`, spawns the child
 * `sharedState` (its logic is the machine's `sharedState` actor, which src/
 * provides: a view that follows the store's one health check). It reads the
 * input from the start event, so the machine's context stays as it was, and a
 * restored snapshot brings its child back without spawning a second one.
 *
 * @example
 * ```ts
 * setup({ actors: { sharedState: sharedStateMachine } }).createMachine({ entry: spawnSharedState as never });
 * ```
 */
export const spawnSharedState = enqueueActions<MachineContext, AnyEvent, undefined, AnyEvent, AnyEvent, never, never, never, never>(({ event, enqueue }) => {
  const input = (event as { input?: SharedChildInput }).input?.sharedState;
  if (input !== undefined) enqueue.spawnChild('sharedState' as never, { id: 'sharedState', input } as never);
});
