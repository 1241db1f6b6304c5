/**
 * Which runtime object a running actor belongs to. A connection's machine is
 * built once for every connection (a `provide()` per instance costs ~29 KB);
 * its actors find their connection through the actor system they run in.
 *
 * @example
 * ```ts
 * const owners = actorOwners<MyConnection>('MyConnection');
 * owners.set(actor.system, this);
 * fromCallback(({ system, sendBack }) => owners.of(system).run(sendBack));
 * ```
 */
export function actorOwners<T>(kind: string): { set(system: object, owner: T): void; of(system: object): T } {
  const owners = new WeakMap<object, T>();
  return {
    set: (system, owner) => void owners.set(system, owner),
    of: (system) => {
      const owner = owners.get(system);
      if (owner === undefined) throw new Error(`${kind}: actor system without a connection`);
      return owner;
    },
  };
}
