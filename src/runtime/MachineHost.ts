import type { AnyActorLogic, AnyActorRef, EventObject, InputFrom, SnapshotFrom } from 'xstate';
import type { AdoptEvent, AdoptManyEvent, ReleaseEvent } from '../../machines/adoption.js';
import type { ActorOwners } from './actorOwners.js';
import type { Clock } from './clock.js';
import type { Redactor } from '../security/Redactor.js';
import { createRootActor } from './createRootActor.js';
import type { Inspect } from './inspection.js';

/**
 * What a client gives its {@link MachineHost}: methods rather than closures, so
 * a thousand connections hold no extra function objects for it.
 */
export interface HostedClient<TLogic extends AnyActorLogic> {
  /** The machine's input, made anew for each actor (a root, or a child after adoption). */
  machineInput(): InputFrom<TLogic>;
  /** Every snapshot, from the first. */
  onMachineSnapshot(snapshot: SnapshotFrom<TLogic>): void;
  /** Every emitted event (one `'*'` listener: a listener per type costs memory on each connection). */
  onMachineEvent(event: EventObject): void;
  /** An error thrown inside the actor (an action, a guard): reported, never fatal. */
  onMachineError(error: unknown): void;
  /** What `inspect` sees through, asked only when `inspect` is given (a client may make it on demand). */
  machineRedactor?(): Redactor | undefined;
  /**
   * The actor was stopped from outside the client: its parent stopped it (or
   * ended). The client's state must say closed, and its waits end; its next
   * use makes a fresh root actor.
   */
  onMachineStopped?(): void;
}

export interface MachineHostOptions {
  /** The root actor's clock (a child runs on its system's). */
  clock: Clock;
  /** See `RootActorOptions.background`. */
  background?: boolean;
  /** A persisted snapshot to restore the root actor from (a child starts afresh: see {@link MachineHost.adopt}). */
  snapshot?: unknown;
  /** Where the actors the machine invokes look up the client they belong to (see `actorOwners`). */
  owners?: ActorOwners<unknown>;
  /** The root actor's inspection observer (a child is seen by its parent's system's). */
  inspect?: Inspect;
  /** What `inspect` sees through (else the client's `machineRedactor()`). */
  redactor?: Redactor;
}

/** Adoptions waiting for their parent, by parent: spawned together by {@link flushAdoptions}. */
interface AdoptionBatch {
  hosts: MachineHost<AnyActorLogic>[];
  names: Set<string>;
}
const batches = new WeakMap<AnyActorRef, AdoptionBatch>();

/** Parents about to end: their children are stopped with them, not released one by one. */
const ending = new WeakSet<AnyActorRef>();

/**
 * Says that `parent` is about to end (a manager's dispose): a client stopped
 * from now on leaves its child actor for the parent's own end to stop, rather
 * than asking for a release (each release copies the parent's children record).
 */
export function parentEnding(parent: AnyActorRef): void {
  ending.add(parent);
}

/**
 * Spawns every adoption waiting for `parent` with one `statewire.adoptMany`
 * (one copy of the parent's children record, where one event per child copies
 * it once each). Runs on the microtask after the first was queued, or earlier
 * when one of their actors is read. A parent that has stopped meanwhile adopts
 * nothing: those clients stay roots of their own.
 */
export function flushAdoptions(parent: AnyActorRef): void {
  const batch = batches.get(parent);
  if (batch === undefined) return;
  batches.delete(parent);
  const hosts = batch.hosts.filter((host) => host.waitingFor === parent);
  for (const host of hosts) host.waitingFor = undefined;
  if (hosts.length === 0) return;
  if (parent.getSnapshot().status !== 'active') {
    for (const host of hosts) host.stayRoot();
    return;
  }
  const event: AdoptManyEvent = { type: 'statewire.adoptMany', children: hosts.map((host) => host.adoptionOf(host.name!)) };
  parent.send(event);
  for (const host of hosts) {
    try {
      host.adopted(parent, host.name!);
    } catch (error) {
      // Not thrown from a microtask (that would end the process): the client reports it and runs alone.
      host.error(error);
      host.stayRoot();
    }
  }
}

/**
 * Runs a client's machine: as a root actor of its own, made on first use
 * (`host.actor`), or as a named child of a parent actor (a manager, a pool)
 * through {@link MachineHost.adopt}. The client reads `host.actor` wherever it
 * needs the actor, so it never holds a stale one.
 *
 * XState fixes an actor's system when the actor is made and cannot move a
 * running actor into another, so adopting a client whose actor already runs
 * stops that actor and spawns a fresh one under the parent. What the client
 * keeps outside the machine (queue, unacknowledged messages, listeners) is
 * untouched; the client re-opens what it had open.
 *
 * @example
 * ```ts
 * const host = new MachineHost(webSocketMachine, client, { clock: systemClock });
 * host.actor.send({ type: 'CONNECT', at: Date.now() }); // a root actor, made now
 * host.adopt(manager, 'realtime'); // from now `manager.system.get('realtime')`
 * ```
 */
export class MachineHost<TLogic extends AnyActorLogic> {
  private current: AnyActorRef | undefined = undefined;
  private parent: AnyActorRef | undefined = undefined;
  private stopped = false;
  /** The name this client has under its parent; undefined for a root. */
  name: string | undefined = undefined;
  /** @internal The parent an adoption waits for (see {@link MachineHost.adoptSoon}). */
  waitingFor: AnyActorRef | undefined = undefined;
  /** Events sent while the adoption waits. */
  private held: EventObject[] | undefined = undefined;
  /** The actor was stopped by its parent (see {@link MachineHost.complete}). */
  private orphaned = false;
  /** The one `'*'` listener, bound once. */
  private readonly relay: (event: EventObject) => void;
  /**
   * One more party told of every snapshot, after the client (a manager's
   * member): it outlives attach and detach, and costs no XState subscription
   * (an observer object and two bound functions per connection).
   */
  watcher: { next(): void } | undefined = undefined;

  constructor(
    private readonly logic: TLogic,
    private readonly client: HostedClient<TLogic>,
    private readonly options: MachineHostOptions,
  ) {
    this.relay = (event) => client.onMachineEvent(event);
  }

  /** The actor (a root is made on the first read, a waiting adoption spawned); after {@link MachineHost.stop}, the stopped one. */
  get actor(): AnyActorRef {
    if (this.current !== undefined) return this.current;
    if (this.waitingFor !== undefined) flushAdoptions(this.waitingFor);
    return this.current ?? this.startRoot();
  }

  /** Whether an actor runs now (a root made on first use, or an adopted child whose parent has not stopped it). */
  get running(): boolean {
    return this.current !== undefined && !this.stopped && this.current.getSnapshot().status === 'active';
  }

  /**
   * Makes the machine a child of `parent` named `name` (its id and systemId).
   * The parent must take `statewire.adopt` and `statewire.release`
   * (machines/adoption.ts) and be sent to from outside its own transitions. A
   * running actor is stopped first; the returned actor is the new one.
   */
  adopt(parent: AnyActorRef, name: string): AnyActorRef {
    this.checkAdoption(parent, name);
    this.stop();
    parent.send({ type: 'statewire.adopt', ...this.adoptionOf(name) } satisfies AdoptEvent);
    return this.adopted(parent, name);
  }

  /**
   * Like {@link MachineHost.adopt} for a client whose machine does not run yet,
   * but spawned with the other adoptions queued for `parent` in this turn (see
   * {@link flushAdoptions}): the parent must also take `statewire.adoptMany`.
   * Until then `running` is false, events given to {@link MachineHost.send}
   * wait, and reading `actor` spawns the batch at once.
   */
  adoptSoon(parent: AnyActorRef, name: string): void {
    this.checkAdoption(parent, name);
    let batch = batches.get(parent);
    this.stop();
    this.current = undefined;
    this.name = name;
    this.waitingFor = parent;
    if (batch === undefined) {
      batch = { hosts: [], names: new Set() };
      batches.set(parent, batch);
      queueMicrotask(() => flushAdoptions(parent));
    }
    batch.hosts.push(this as MachineHost<AnyActorLogic>);
    batch.names.add(name);
  }

  /** Sends `event` to the actor, or, while an adoption waits, once it is spawned (in order). */
  send(event: EventObject): void {
    if (this.waitingFor !== undefined) (this.held ??= []).push(event);
    else if (this.orphaned) this.startRoot(false).send(event);
    else this.actor.send(event);
  }

  /** Whether an event of `type` waits for the adoption. */
  holds(type: string): boolean {
    return this.held?.some((event) => event.type === type) ?? false;
  }

  /** Whether the machine runs as (or waits to become) some parent's child. */
  get hasParent(): boolean {
    return this.parent !== undefined || this.waitingFor !== undefined;
  }

  /** @internal The adoption event's part for this client. */
  adoptionOf(name: string): { name: string; logic: AnyActorLogic; input: unknown } {
    return { name, logic: this.logic, input: { ...(this.client.machineInput() as object), name } };
  }

  /** @internal Takes the child `parent` spawned for this client as the client's actor. */
  adopted(parent: AnyActorRef, name: string): AnyActorRef {
    const child = parent.system.get(name) as AnyActorRef | undefined;
    if (child === undefined) throw new Error(`the parent did not adopt "${name}": does it take 'statewire.adopt' (and 'statewire.adoptMany'), and was it sent to from outside its own actions?`);
    this.parent = parent;
    this.name = name;
    this.attach(child);
    child.subscribe(this);
    // Spawned and started inside the parent's transition: hand over what was missed.
    this.next(child.getSnapshot());
    const held = this.held;
    this.held = undefined;
    if (held !== undefined) for (const event of held) child.send(event);
    return child;
  }

  private checkAdoption(parent: AnyActorRef, name: string): void {
    if (typeof name !== 'string' || name === '') throw new TypeError('a child connection needs a non-empty name');
    if (parent.system.get(name) !== undefined || batches.get(parent)?.names.has(name) === true) throw new Error(`the parent already has an actor named "${name}"`);
  }

  /**
   * Undoes {@link MachineHost.adopt}: the parent stops the child, and a fresh
   * root actor of the client's own takes its place (made now, so the client's
   * observers see its first snapshot). As with adopt, the client re-opens what
   * it had open. A root stays as it is. Returns the actor.
   */
  detach(): AnyActorRef {
    if (this.waitingFor !== undefined) return this.stayRoot();
    if (this.parent === undefined) return this.actor;
    this.stop();
    this.current = undefined;
    // Afresh, as a child starts: the snapshot given at construction is long out of date.
    return this.startRoot(false);
  }

  /** Stops the actor (a root, or a child through its parent); `actor` stays readable, as stopped. */
  stop(): void {
    // A stopped client's held events go with it (its waits are its own to end).
    if (this.waitingFor !== undefined) this.cancelWaiting();
    const actor = this.current;
    if (actor === undefined || this.stopped) return;
    // A stopped actor sends nothing more: its observers need no unsubscribing.
    this.options.owners?.delete(actor);
    this.stopped = true;
    const { parent, name } = this;
    this.parent = undefined;
    this.name = undefined;
    // XState refuses to stop a child directly: its parent does (a parent that ended stopped it already).
    if (parent !== undefined && name !== undefined) {
      if (parent.getSnapshot().status === 'active' && !ending.has(parent)) parent.send({ type: 'statewire.release', name } satisfies ReleaseEvent);
    } else actor.stop();
  }

  /** @internal Observer of the actor's snapshots (the host is its own observer: no closures). */
  next(snapshot: unknown): void {
    this.client.onMachineSnapshot(snapshot as SnapshotFrom<TLogic>);
    this.watcher?.next();
  }

  /** @internal Observer of the actor's errors. */
  error(error: unknown): void {
    this.client.onMachineError(error);
  }

  /**
   * @internal Observer of the actor's end. Stopped through this host: nothing
   * to do. Stopped by its parent (a manager's dispose, a user's `app.stop()`):
   * the client is told, and the next use runs a root of its own.
   */
  complete(): void {
    const actor = this.current;
    if (this.stopped || actor === undefined || actor.getSnapshot().status !== 'stopped') return;
    this.options.owners?.delete(actor);
    // `actor` stays readable (stopped); the next event sent through the host starts a root.
    this.stopped = true;
    this.orphaned = true;
    this.parent = undefined;
    this.name = undefined;
    this.client.onMachineStopped?.();
  }

  /** Leaves the batch it waits in (the batch skips it); returns the events it held. */
  private cancelWaiting(): EventObject[] | undefined {
    const parent = this.waitingFor;
    if (parent !== undefined) batches.get(parent)?.names.delete(this.name!);
    this.waitingFor = undefined;
    this.name = undefined;
    const held = this.held;
    this.held = undefined;
    return held;
  }

  /** @internal Gives up a waiting adoption: a root of its own runs, and gets the held events. */
  stayRoot(): AnyActorRef {
    const held = this.cancelWaiting();
    const actor = this.actor;
    if (held !== undefined) for (const event of held) actor.send(event);
    return actor;
  }

  private startRoot(restore = true): AnyActorRef {
    const { clock, background, inspect } = this.options;
    // Asked only with `inspect`: a client may make its redactor on demand.
    const redactor = inspect === undefined ? undefined : (this.options.redactor ?? this.client.machineRedactor?.());
    const snapshot = restore ? this.options.snapshot : undefined;
    // Attached before start: a restored snapshot may invoke at once.
    return createRootActor(this.logic, { input: this.client.machineInput(), clock, background: background ?? false, snapshot, observer: this, beforeStart: (made) => this.attach(made), inspect, redactor });
  }

  private attach(actor: AnyActorRef): void {
    this.options.owners?.set(actor, this.client);
    this.current = actor;
    this.stopped = false;
    this.orphaned = false;
    actor.on('*', this.relay);
  }
}
