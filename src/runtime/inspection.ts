/**
 * The `inspect` option every client, manager, endpoint and pool takes: an
 * XState inspection observer (what `createActor(logic, { inspect })` takes),
 * wrapped so that nothing it sees carries a secret. This is the one file that
 * knows XState's inspection events, so a change of protocol (XState v6 keeps
 * only `@xstate.actor` and `@xstate.transition`) is met here.
 *
 * @module
 */
import type { AnyActorRef, InspectionEvent, Observer } from 'xstate';
import { ConfigError } from '../errors.js';
import { Redactor } from '../security/Redactor.js';

/**
 * An XState inspection observer: `createBrowserInspector().inspect` or
 * `createWebSocketInspector().inspect` from `@statelyai/inspect`, or your own
 * function. Every event it receives is redacted first: snapshots' context, the
 * events, action parameters, and what `actorRef.getSnapshot()` returns. So an
 * event's `actorRef` is a read-only view of the actor (its own fields, `_parent`
 * and `sessionId` included, with a redacted `getSnapshot()`): compare actors by
 * `sessionId`, not by identity.
 *
 * @example
 * ```ts
 * const seen: string[] = [];
 * const ws = new WebSocketConnection({ url, inspect: (e) => seen.push(e.type) });
 * ```
 */
export type Inspect = Observer<InspectionEvent> | ((event: InspectionEvent) => void);

/**
 * Refuses an `inspect` option that is neither a function nor an observer.
 *
 * @example
 * ```ts
 * checkInspect('ApiClient', options.inspect); // throws ConfigError for inspect: true
 * ```
 */
export function checkInspect(owner: string, value: unknown): Inspect | undefined {
  if (value === undefined) return undefined;
  const ok = typeof value === 'function' || (typeof value === 'object' && value !== null && typeof (value as { next?: unknown }).next === 'function');
  if (!ok) throw new ConfigError('inspect', value, 'expected an inspection observer (a function, or an object with next())', { owner, hint: 'pass createBrowserInspector().inspect from @statelyai/inspect' });
  return value as Inspect;
}

/**
 * The observer given to XState: redacts each inspection event, then hands it
 * to the user's `inspect`. A throwing user observer is reported, never fatal.
 *
 * @example
 * ```ts
 * createActor(machine, { inspect: redactedInspection(options.inspect) });
 * ```
 */
export function redactedInspection(inspect: Inspect, redactor: Redactor = new Redactor()): (event: InspectionEvent) => void {
  const deliver = typeof inspect === 'function' ? inspect : (event: InspectionEvent) => inspect.next?.(event);
  return (event) => {
    try {
      deliver(redactEvent(event, redactor));
    } catch (error) {
      console.error('[statewire] the inspect observer threw:', error);
    }
  };
}

function redactEvent(event: InspectionEvent, redactor: Redactor): InspectionEvent {
  const actorRef = redactedRef(event.actorRef as AnyActorRef, redactor);
  switch (event.type) {
    case '@xstate.snapshot':
      return { ...event, actorRef, snapshot: redactSnapshot(event.snapshot, redactor), event: redactMessage(event.event, redactor) };
    case '@xstate.event':
      return { ...event, actorRef, event: redactMessage(event.event, redactor) };
    case '@xstate.microstep':
      return { ...event, actorRef, snapshot: redactSnapshot(event.snapshot, redactor), event: redactMessage(event.event, redactor) };
    case '@xstate.action':
      return { ...event, actorRef, action: { type: event.action.type, params: redactParams(event.action.params, redactor) } };
    default:
      return { ...event, actorRef } as InspectionEvent;
  }
}

// Inspectors read `actorRef.getSnapshot()` themselves (on `@xstate.actor`): give them a
// view whose snapshot is redacted and whose every other field is the actor's own.
const views = new WeakMap<AnyActorRef, AnyActorRef>();

function redactedRef(actorRef: AnyActorRef, redactor: Redactor): AnyActorRef {
  let view = views.get(actorRef);
  if (view === undefined) {
    view = Object.create(actorRef, {
      getSnapshot: { value: () => redactSnapshot(actorRef.getSnapshot(), redactor) },
    }) as AnyActorRef;
    views.set(actorRef, view);
  }
  return view;
}

function redactSnapshot<T>(snapshot: T, redactor: Redactor): T {
  if (typeof snapshot !== 'object' || snapshot === null) return snapshot;
  const s = snapshot as { context?: unknown };
  // Machines keep only plain data in context; `children` (actor refs) stay as they are.
  return 'context' in s ? ({ ...snapshot, context: redactor.value(s.context) } as T) : snapshot;
}

function redactMessage<T>(message: T, redactor: Redactor): T {
  if (typeof message !== 'object' || message === null) return message;
  const plain: Record<string, unknown> = {};
  const named: Record<string, string> = {};
  for (const [key, value] of Object.entries(message)) {
    // A machine handed to `statewire.adopt`, an actor ref: shown by name, not walked.
    if (isPlain(value)) plain[key] = value;
    else named[key] = `[${(value as object).constructor?.name ?? 'object'}]`;
  }
  // Walked as one object, so a value under a secret key (`token`, `headers.Authorization`) is redacted.
  return { ...(redactor.value(plain) as object), ...named } as T;
}

// `xstate.spawnChild` / `sendTo` carry a live actor in their params: walked, its mailbox (with the
// event in flight) and options would be copied out unredacted. It goes as its redacted view instead.
function redactParams(params: unknown, redactor: Redactor): unknown {
  if (isActorRef(params)) return redactedRef(params, redactor);
  if (typeof params !== 'object' || params === null || Array.isArray(params) || !isPlain(params)) return redactor.value(params);
  const plain: Record<string, unknown> = {};
  const refs: Record<string, AnyActorRef> = {};
  for (const [key, value] of Object.entries(params)) {
    if (isActorRef(value)) refs[key] = redactedRef(value, redactor);
    else plain[key] = value;
  }
  return { ...(redactor.value(plain) as object), ...refs };
}

function isActorRef(value: unknown): value is AnyActorRef {
  const v = value as Partial<AnyActorRef> | null;
  return typeof v === 'object' && v !== null && typeof v.sessionId === 'string' && typeof v.send === 'function' && typeof v.getSnapshot === 'function';
}

function isPlain(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return true;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null || value instanceof Error;
}
