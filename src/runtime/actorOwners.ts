/** What an actor ref exposes that the lookup walks: its parent (set by XState for every invoked or spawned child). */
interface ActorInTree {
  readonly _parent?: ActorInTree | undefined;
}

/** The table {@link actorOwners} returns. */
export interface ActorOwners<T> {
  set(actor: object, owner: T): void;
  delete(actor: object): void;
  /** The owner of `actor` or of its nearest registered ancestor; throws when there is none. */
  of(actor: object): T;
}

/**
 * Which runtime object a running actor belongs to, found by the actor itself
 * (as xstate's own `fromCallback` keys its instance state by the actor). A
 * connection's machine is built once for every connection (a `provide()` per
 * instance costs ~29 KB), so the actors it invokes (a socket, a health poll)
 * find their connection by walking up from themselves to the nearest actor a
 * connection registered. That works whether the connection's actor is a root or
 * one of many children in a manager's actor system.
 *
 * @example
 * ```ts
 * const owners = actorOwners<MyConnection>('MyConnection');
 * owners.set(actor, this);
 * fromCallback(({ self, sendBack }) => owners.of(self).run(sendBack));
 * ```
 */
export function actorOwners<T>(kind: string): ActorOwners<T> {
  const owners = new WeakMap<object, T>();
  return {
    set: (actor, owner) => void owners.set(actor, owner),
    delete: (actor) => void owners.delete(actor),
    of: (actor) => {
      for (let ref: ActorInTree | undefined = actor; ref !== undefined; ref = ref._parent) {
        const owner = owners.get(ref);
        if (owner !== undefined) return owner;
      }
      throw new Error(`${kind}: an actor that belongs to no connection`);
    },
  };
}
