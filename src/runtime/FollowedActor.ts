import type { AnyActorRef, SnapshotFrom } from 'xstate';
import { watch } from './createRootActor.js';

type Listener = { type: string; handler: (event: never) => void; unsubscribe: () => void };

/**
 * The actor a runtime wrapper (a `CircuitBreaker`, a `RateLimiter`) drives,
 * which may be replaced: when an HTTP client is adopted by a parent, its
 * machine is spawned anew there and the wrapper follows the new child. The
 * snapshot watcher and every listener registered through {@link FollowedActor.on}
 * move with it, so nobody holds on to a stopped actor.
 *
 * @example
 * ```ts
 * const followed = new FollowedActor(actor, (snapshot) => cache(snapshot.value));
 * followed.on('circuit_breaker_opened', warn);
 * followed.follow(newActor); // `warn` now hears the new actor
 * ```
 */
export class FollowedActor<TRef extends AnyActorRef> {
  private ref: TRef;
  private watcher: { unsubscribe(): void };
  private readonly listeners = new Set<Listener>();

  constructor(
    ref: TRef,
    private readonly onSnapshot: (snapshot: SnapshotFrom<TRef>) => void,
  ) {
    this.ref = ref;
    this.watcher = watch(ref, onSnapshot as never);
    onSnapshot(ref.getSnapshot() as SnapshotFrom<TRef>);
  }

  /** The actor driven now. */
  get actor(): TRef {
    return this.ref;
  }

  /** Subscribes to an emitted event of whichever actor is followed; returns an unsubscribe function. */
  on(type: string, handler: (event: never) => void): () => void {
    const listener: Listener = { type, handler, unsubscribe: this.listen(type, handler) };
    this.listeners.add(listener);
    return () => {
      listener.unsubscribe();
      this.listeners.delete(listener);
    };
  }

  /** @internal Drives `ref` from now on: the watcher and the listeners move to it, and its snapshot is handed over. */
  follow(ref: TRef): void {
    if (ref === this.ref) return;
    this.watcher.unsubscribe();
    for (const l of this.listeners) l.unsubscribe();
    this.ref = ref;
    this.watcher = watch(ref, this.onSnapshot as never);
    for (const l of this.listeners) l.unsubscribe = this.listen(l.type, l.handler);
    this.onSnapshot(ref.getSnapshot() as SnapshotFrom<TRef>);
  }

  private listen(type: string, handler: (event: never) => void): () => void {
    const sub = this.ref.on(type, handler as never);
    return () => sub.unsubscribe();
  }
}
