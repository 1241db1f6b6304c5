import {
  createActor,
  type Actor,
  type ActorRef,
  type AnyActorLogic,
  type EventObject,
  type InputFrom,
  type InspectionEvent,
  type Observer,
  type Snapshot,
  type SnapshotFrom,
} from 'xstate';
import { backgroundClock, type Clock } from './clock.js';

export interface RootActorOptions<TLogic extends AnyActorLogic> {
  input?: InputFrom<TLogic>;
  clock: Clock;
  snapshot?: SnapshotFrom<TLogic> | unknown;
  /** Called with an error thrown inside the actor (an action, a guard). */
  onError?: (error: unknown) => void;
  /** Every snapshot from the first (one subscription with the error observer: less to keep per actor). */
  onSnapshot?: (snapshot: SnapshotFrom<TLogic>) => void;
  systemId?: string;
  /**
   * The actor's timers only move it along while nobody awaits them (a breaker, a
   * rate limiter): they do not keep the process alive (see `backgroundClock`).
   * Default false.
   */
  background?: boolean;
  /** An observer to subscribe instead of `onSnapshot` / `onError` (its `next` and `error`). */
  observer?: { next(snapshot: SnapshotFrom<TLogic>): void; error(error: unknown): void };
  /** An XState inspection observer, as `createActor` takes (e.g. `@statelyai/inspect`'s `inspect`). */
  inspect?: Observer<InspectionEvent> | ((event: InspectionEvent) => void);
  /** Called with the actor after the observers are attached and before it starts (a restored snapshot may invoke at once). */
  beforeStart?: (actor: Actor<TLogic>) => void;
}

/**
 * Creates and starts a root actor with an error observer attached first. Without
 * one, an error thrown in an action is rethrown and, in Node, kills the process.
 *
 * @example
 * ```ts
 * const actor = createRootActor(circuitBreakerMachine, { clock: systemClock, onError: console.error });
 * ```
 */
export function createRootActor<TLogic extends AnyActorLogic>(
  logic: TLogic,
  options: RootActorOptions<TLogic>,
): Actor<TLogic> {
  const actor = createActor(logic, {
    input: options.input,
    clock: options.background ? backgroundClock(options.clock) : options.clock,
    snapshot: options.snapshot as SnapshotFrom<TLogic> | undefined,
    systemId: options.systemId,
    inspect: options.inspect,
  } as never) as Actor<TLogic>;
  actor.subscribe(options.observer ?? { next: options.onSnapshot, error: options.onError ?? reportActorError });
  options.beforeStart?.(actor);
  return actor.start();
}

function reportActorError(error: unknown): void {
  // Surfaced, never swallowed, never fatal.
  console.error('[statewire] actor error:', error);
}

const ignore = () => {};

/**
 * Subscribes to snapshots. Always use this rather than a bare
 * `actor.subscribe(next)`: XState rethrows an actor error, fatally, when any
 * observer lacks an `error` handler, even if another one has it.
 *
 * @example
 * ```ts
 * const sub = watch(actor, (snapshot) => console.log(snapshot.value));
 * sub.unsubscribe();
 * ```
 */
export function watch<TSnapshot extends Snapshot<unknown>>(
  actor: Pick<ActorRef<TSnapshot, EventObject>, 'subscribe'>,
  next: (snapshot: TSnapshot) => void,
): { unsubscribe(): void } {
  return actor.subscribe({ next, error: ignore });
}
