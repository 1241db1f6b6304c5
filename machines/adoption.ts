import { assign, enqueueActions, type AnyActorLogic, type MachineContext } from 'xstate';

// Any parent's event union and actor set: these actions are meant for every parent machine, typed or not.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyParentEvent = any;

/**
 * Asks a parent to run `logic` as its child named `name` (its id and its
 * systemId, so `parent.system.get(name)` finds it). The connection classes
 * send it when they are given to a manager or a pool; a parent machine handles
 * it with {@link adoptChild}.
 */
export interface AdoptEvent {
  type: 'statewire.adopt';
  name: string;
  logic: AnyActorLogic;
  input?: unknown;
}

/** Asks a parent to stop its child `name` (see {@link releaseChild}). */
export interface ReleaseEvent {
  type: 'statewire.release';
  name: string;
}

/**
 * Asks a parent to run many children at once (see {@link adoptChildren}): a
 * manager sends it for connections that join in one turn of the event loop.
 */
export interface AdoptManyEvent {
  type: 'statewire.adoptMany';
  children: ReadonlyArray<{ name: string; logic: AnyActorLogic; input?: unknown }>;
}

/** The events a parent of statewire connections takes. */
export type AdoptionEvent = AdoptEvent | AdoptManyEvent | ReleaseEvent;

/**
 * The action a parent machine runs on `statewire.adopt`: spawns the child
 * (a real child: in `snapshot.children`, stopped with its parent). A name
 * already taken is refused by XState itself ("Actor with system ID … already
 * exists"), reported through the parent's error observer.
 *
 * @example
 * ```ts
 * const parent = setup({ types: { events: {} as AdoptionEvent } }).createMachine({
 *   on: { 'statewire.adopt': { actions: adoptChild }, 'statewire.release': { actions: releaseChild } },
 * });
 * ```
 */
export const adoptChild = enqueueActions<MachineContext, AnyParentEvent, undefined, AnyParentEvent, AnyParentEvent, never, never, never, never>(
  ({ event, enqueue }) => {
    if (event.type !== 'statewire.adopt') return;
    const { name, logic, input } = event as AdoptEvent;
    enqueue.spawnChild(logic, { id: name, systemId: name, input });
  },
);

/**
 * The action a parent machine runs on `statewire.release`: stops the child.
 *
 * @example
 * ```ts
 * parent.send({ type: 'statewire.release', name: 'realtime' });
 * ```
 */
export const releaseChild = enqueueActions<MachineContext, AnyParentEvent, undefined, AnyParentEvent, AnyParentEvent, never, never, never, never>(
  ({ event, enqueue }) => {
    if (event.type === 'statewire.release') enqueue.stopChild((event as ReleaseEvent).name);
  },
);

/**
 * The action a parent machine runs on `statewire.adoptMany`: spawns every
 * child in one assign. XState copies a parent's children record for each
 * `spawnChild`, so 10,000 single adoptions copy it 10,000 times (quadratic);
 * an assign's spawns are merged into it once.
 *
 * @example
 * ```ts
 * on: { 'statewire.adoptMany': { actions: adoptChildren } }
 * ```
 */
export const adoptChildren = assign<MachineContext, AnyParentEvent, undefined, AnyParentEvent, never>(({ event, spawn }) => {
  if (event.type !== 'statewire.adoptMany') return {};
  // The spawner's types know only the machine's own actors; these are any logic.
  const spawnAny = spawn as unknown as (logic: AnyActorLogic, options: { id: string; systemId: string; input?: unknown }) => unknown;
  for (const { name, logic, input } of (event as AdoptManyEvent).children) spawnAny(logic, { id: name, systemId: name, input });
  return {};
});
