/**
 * The one file of the inspector that knows inspection event shapes: XState's
 * in-process `InspectionEvent`s (what `inspector.inspect` receives) and the JSON
 * that `@statelyai/inspect`'s `createWebSocketInspector()` sends from a browser
 * (what the ingest WebSocket receives). Both become the same few neutral
 * records that {@link InspectorStore} keeps. When the protocol changes (XState
 * v6 keeps only `@xstate.actor` and `@xstate.transition`), this file changes.
 *
 * @module
 */
import { createMachine, type AnyStateMachine, type InspectionEvent } from 'xstate';

/** An actor came into being (or was seen for the first time). */
export interface ActorRecord {
  kind: 'actor';
  sessionId: string;
  parentId?: string;
  rootId?: string;
  /** The actor's id in its parent (`system`-wide name for roots). */
  id: string;
  /** The machine's id, for machine actors. */
  machineId?: string;
  /** The machine itself, or a thunk that makes one from a serialised definition (browser actors). */
  machine?: () => AnyStateMachine | undefined;
  origin: 'node' | 'browser';
  at: number;
}

/** An actor received an event. */
export interface EventRecord {
  kind: 'event';
  sessionId: string;
  sourceId?: string;
  event: unknown;
  at: number;
}

/** An actor has a new snapshot. */
export interface SnapshotRecord {
  kind: 'snapshot';
  sessionId: string;
  status?: string;
  value?: unknown;
  context?: unknown;
  hasContext: boolean;
  /** The type of the event that led to it, when known. */
  cause?: string;
  at: number;
}

/** What the store keeps, whatever the source. */
export type InspectorRecord = ActorRecord | EventRecord | SnapshotRecord;

/** Longest serialised machine definition an ingested actor may bring (characters). */
const MAX_DEFINITION = 256 * 1024;

interface RefLike {
  sessionId: string;
  id?: string;
  _parent?: { sessionId?: string };
  logic?: unknown;
}

/**
 * Turns one in-process XState inspection event into records (none for the
 * kinds the inspector does not show: actions, microsteps).
 *
 * @example
 * ```ts
 * const inspect = (event: InspectionEvent) => { for (const r of fromXState(event, Date.now())) store.apply(r); };
 * ```
 */
export function fromXState(event: InspectionEvent, at: number): InspectorRecord[] {
  const ref = event.actorRef as unknown as RefLike;
  if (typeof ref?.sessionId !== 'string') return [];
  switch (event.type) {
    case '@xstate.actor': {
      const logic = ref.logic;
      const machine = isMachine(logic) ? logic : undefined;
      return [
        {
          kind: 'actor',
          sessionId: ref.sessionId,
          parentId: ref._parent?.sessionId,
          rootId: event.rootId,
          // A root's id is its session id: its machine's id names it better (as Stately's inspector does).
          id: typeof ref.id === 'string' && !(ref.id === ref.sessionId && machine !== undefined) ? ref.id : (machine?.id ?? ref.sessionId),
          machineId: machine?.id,
          machine: machine === undefined ? undefined : () => machine,
          origin: 'node',
          at,
        },
      ];
    }
    case '@xstate.event':
      return [{ kind: 'event', sessionId: ref.sessionId, sourceId: (event.sourceRef as RefLike | undefined)?.sessionId, event: event.event, at }];
    case '@xstate.snapshot':
      return [snapshotRecord(ref.sessionId, event.snapshot, at, event.event)];
    default:
      return [];
  }
}

/**
 * Turns one message from `@statelyai/inspect`'s WebSocket adapter (parsed
 * JSON) into records; anything else yields none. Session ids are prefixed
 * with `scope` (one per ingest connection), since each app numbers its own.
 *
 * @example
 * ```ts
 * socket.on('message', (data) => { for (const r of fromStately(JSON.parse(String(data)), Date.now(), 'browser1')) store.apply(r); });
 * ```
 */
export function fromStately(message: unknown, now: number, scope: string): InspectorRecord[] {
  if (typeof message !== 'object' || message === null) return [];
  const m = message as Record<string, unknown>;
  const text = (v: unknown) => (typeof v === 'string' && v.length > 0 && v.length <= 200 ? v : undefined);
  // Every app numbers its actors from x:0: ids are made unique per ingest connection.
  const scoped = (v: unknown) => (text(v) === undefined ? undefined : `${scope}/${v as string}`);
  const sessionId = scoped(m.sessionId);
  if (sessionId === undefined) return [];
  // `createdAt` is the sender's Date.now() as a string; the receiver's clock stands in for nonsense.
  const sent = Number(m.createdAt);
  const at = Number.isFinite(sent) && sent > 0 ? sent : now;
  switch (m.type) {
    case '@xstate.actor': {
      // Kept (for the diagram) only up to a size: a page cannot make the inspector hold megabytes per actor.
      const definition = typeof m.definition === 'string' && m.definition.length <= MAX_DEFINITION ? m.definition : undefined;
      const machineId = definition === undefined ? undefined : text(parseDefinition(definition)?.id);
      const records: InspectorRecord[] = [
        {
          kind: 'actor',
          sessionId,
          parentId: scoped(m.parentId),
          rootId: scoped(m.rootId),
          id: text(m.name) ?? sessionId,
          machineId,
          machine: machineId === undefined || definition === undefined ? undefined : lazyMachine(definition),
          origin: 'browser',
          at,
        },
      ];
      if (typeof m.snapshot === 'object' && m.snapshot !== null) records.push(snapshotRecord(sessionId, m.snapshot, at));
      return records;
    }
    case '@xstate.event':
      return typeof m.event === 'object' && m.event !== null ? [{ kind: 'event', sessionId, sourceId: scoped(m.sourceId), event: m.event, at }] : [];
    case '@xstate.snapshot':
      return typeof m.snapshot === 'object' && m.snapshot !== null ? [snapshotRecord(sessionId, m.snapshot, at, m.event)] : [];
    default:
      return [];
  }
}

/** The `type` of an event as the log shows it. */
export function eventType(event: unknown): string {
  const type = (event as { type?: unknown } | null)?.type;
  return typeof type === 'string' ? type : '(no type)';
}

function snapshotRecord(sessionId: string, snapshot: unknown, at: number, cause?: unknown): SnapshotRecord {
  const s = (typeof snapshot === 'object' && snapshot !== null ? snapshot : {}) as { status?: unknown; value?: unknown; context?: unknown };
  const type = (cause as { type?: unknown } | null | undefined)?.type;
  return { kind: 'snapshot', sessionId, status: typeof s.status === 'string' ? s.status : undefined, value: s.value, context: s.context, hasContext: 'context' in s, cause: typeof type === 'string' ? type : undefined, at };
}

function isMachine(logic: unknown): logic is AnyStateMachine {
  const l = logic as { root?: { states?: unknown }; id?: unknown } | null;
  return typeof l === 'object' && l !== null && typeof l.id === 'string' && typeof l.root === 'object' && l.root !== null && typeof l.root.states === 'object';
}

function parseDefinition(definition: string): { id?: unknown } | undefined {
  try {
    const parsed: unknown = JSON.parse(definition);
    return typeof parsed === 'object' && parsed !== null ? (parsed as { id?: unknown }) : undefined;
  } catch {
    return undefined;
  }
}

// A browser actor's definition is its machine config serialised (functions as `{ type: name }`):
// made into a machine, without implementations, only when its diagram is asked for.
function lazyMachine(definition: string): () => AnyStateMachine | undefined {
  let made: AnyStateMachine | null | undefined;
  return () => {
    if (made === undefined) {
      try {
        made = createMachine(JSON.parse(definition) as Parameters<typeof createMachine>[0]) as AnyStateMachine;
      } catch {
        made = null;
      }
    }
    return made ?? undefined;
  };
}
