/**
 * What the inspector remembers: the actors it has seen and their recent
 * events, in bounded buffers (a busy app cannot make it grow without end), each
 * value redacted and cut to a length before it is kept.
 *
 * @module
 */
import type { AnyStateMachine } from 'xstate';
import type { Redactor } from '../security/Redactor.js';
import { eventType, type InspectorRecord } from './inspectionAdapter.js';

/**
 * The inspector's buffer sizes. Both ends keep to them: the server's store and
 * the page's copy.
 *
 * @example
 * ```ts
 * const limits: InspectorLimits = { maxActors: 1000, maxEvents: 5000, maxEventsPerActor: 200, maxValueLength: 2048 };
 * ```
 */
export interface InspectorLimits {
  /** Actors kept; past it, the oldest stopped actor (else the oldest) is forgotten. */
  maxActors: number;
  /** Events kept in all; past it, the oldest is dropped. */
  maxEvents: number;
  /** Events kept per actor; past it, that actor's oldest is dropped. */
  maxEventsPerActor: number;
  /** Characters of one serialised context or event kept; the rest is cut. */
  maxValueLength: number;
}

/**
 * One actor as the page shows it.
 *
 * @example
 * ```ts
 * const root = state.actors.find((a: ActorSummary) => a.parentId === undefined);
 * ```
 */
export interface ActorSummary {
  sessionId: string;
  parentId?: string;
  rootId?: string;
  /** The actor's id (its name in its parent). */
  id: string;
  /** The machine's id, for a machine actor. */
  machineId?: string;
  /** Where the events came from: this process, or a browser through the ingest socket. */
  origin: 'node' | 'browser';
  /** `created` until the first snapshot, then XState's: `active`, `done`, `error`, `stopped`. */
  status: string;
  /** The state value, as dotted paths (`session.open.idle`; parallel regions joined by `, `). */
  state?: string;
  /** The context as redacted JSON text, cut at `maxValueLength`. */
  context?: string;
  createdAt: number;
  updatedAt: number;
  /** Events this actor received in all. */
  received: number;
  /** Of those, dropped from the buffer (by either cap). */
  dropped: number;
  /** Whether a statechart can be drawn for it. */
  hasMachine: boolean;
}

/**
 * One line of the event log.
 *
 * @example
 * ```ts
 * const types = state.events.map((e: LogEntry) => e.type);
 * ```
 */
export interface LogEntry {
  /** Rising with every event the inspector kept (across actors). */
  seq: number;
  /** When it happened (ms since the epoch). */
  at: number;
  sessionId: string;
  type: string;
  /** The sender's session id, when known. */
  sourceId?: string;
  /** The event as redacted JSON text, cut at `maxValueLength`. */
  event: string;
  /** The state the actor was in after it. */
  state?: string;
}

/**
 * Counts over everything the inspector has seen.
 *
 * @example
 * ```ts
 * if (state.totals.droppedEvents > 0) console.log(`${state.totals.droppedEvents} events dropped`);
 * ```
 */
export interface InspectorTotals {
  actors: number;
  /** Events in the buffer now. */
  events: number;
  /** Events received in all. */
  received: number;
  droppedEvents: number;
  droppedActors: number;
}

/**
 * Everything the page starts from (`GET /api/state`, the stream's first message).
 *
 * @example
 * ```ts
 * const state = (await (await fetch(`${inspector.url}api/state`)).json()) as InspectorState;
 * ```
 */
export interface InspectorState {
  limits: InspectorLimits;
  totals: InspectorTotals;
  actors: ActorSummary[];
  events: LogEntry[];
}

/** What changed, for the live stream. */
export type StoreChange = { actor: string } | { event: LogEntry } | { removed: string };

interface Kept {
  entry: LogEntry;
  dead: boolean;
}

interface ActorEntry {
  summary: ActorSummary;
  machine?: () => AnyStateMachine | undefined;
  value?: unknown;
  log: Queue<Kept>;
}

/**
 * The bounded store behind the inspector. Every value it keeps has been
 * through its own redactor, whatever the sender did before.
 *
 * @example
 * ```ts
 * const store = new InspectorStore(limits, new Redactor(), (change) => stream.push(change));
 * for (const record of fromXState(event, Date.now())) store.apply(record);
 * ```
 */
export class InspectorStore {
  readonly #actors = new Map<string, ActorEntry>();
  readonly #log = new Queue<Kept>();
  readonly #totals: InspectorTotals = { actors: 0, events: 0, received: 0, droppedEvents: 0, droppedActors: 0 };
  #seq = 0;

  constructor(
    readonly limits: InspectorLimits,
    private readonly redactor: Redactor,
    private readonly onChange: (change: StoreChange) => void = () => {},
  ) {}

  /** Takes one record in. */
  apply(record: InspectorRecord): void {
    if (record.kind === 'actor') {
      const known = this.#actors.get(record.sessionId);
      const entry = known ?? this.#add(record.sessionId, record.at);
      const s = entry.summary;
      s.id = this.redactor.text(record.id);
      if (record.parentId !== undefined) s.parentId = record.parentId;
      if (record.rootId !== undefined) s.rootId = record.rootId;
      if (record.machineId !== undefined) s.machineId = this.redactor.text(record.machineId);
      s.origin = record.origin;
      entry.machine = record.machine;
      s.hasMachine = record.machine !== undefined;
      s.updatedAt = record.at;
      this.onChange({ actor: s.sessionId });
      return;
    }
    const entry = this.#actors.get(record.sessionId) ?? this.#add(record.sessionId, record.at);
    const s = entry.summary;
    s.updatedAt = record.at;
    if (record.kind === 'snapshot') {
      if (record.status !== undefined) s.status = record.status;
      if (record.value !== undefined) {
        entry.value = this.redactor.value(record.value);
        s.state = stateText(entry.value);
      }
      if (record.hasContext) s.context = this.#json(record.context, 2);
      // A snapshot is the outcome of the oldest pending event of its type the actor received (events queue up meanwhile).
      if (record.cause !== undefined) {
        const type = this.redactor.text(record.cause);
        const cause = entry.log.findRecent((k) => k.entry.type === type && k.entry.state === undefined, 16);
        if (cause !== undefined) cause.entry.state = s.state;
      }
      this.onChange({ actor: s.sessionId });
      return;
    }
    const logged: LogEntry = { seq: ++this.#seq, at: record.at, sessionId: s.sessionId, type: this.redactor.text(eventType(record.event)), event: this.#json(record.event) };
    if (record.sourceId !== undefined) logged.sourceId = record.sourceId;
    const kept: Kept = { entry: logged, dead: false };
    s.received++;
    this.#totals.received++;
    this.#totals.events++;
    entry.log.push(kept);
    this.#log.push(kept);
    if (entry.log.size > this.limits.maxEventsPerActor) this.#drop(entry.log.shift()!);
    while (this.#totals.events > this.limits.maxEvents) this.#dropOldest();
    // Entries a per-actor cap dropped stay in the shared queue, dead, until it is compacted.
    if (this.#log.size > 2 * this.limits.maxEvents) this.#log.compact((k) => !k.dead);
    this.onChange({ event: logged });
  }

  /** Everything, as the page starts from it. */
  state(): InspectorState {
    return {
      limits: { ...this.limits },
      totals: { ...this.#totals, actors: this.#actors.size },
      actors: [...this.#actors.values()].map((a) => ({ ...a.summary })),
      events: this.#log.items().filter((k) => !k.dead).map((k) => ({ ...k.entry })),
    };
  }

  /** One actor's summary (a copy), or undefined. */
  summary(sessionId: string): ActorSummary | undefined {
    const entry = this.#actors.get(sessionId);
    return entry === undefined ? undefined : { ...entry.summary };
  }

  /** One actor's buffered events, oldest first. */
  events(sessionId: string): LogEntry[] {
    return (this.#actors.get(sessionId)?.log.items() ?? []).filter((k) => !k.dead).map((k) => ({ ...k.entry }));
  }

  /** The machine an actor runs, when there is one to draw. */
  machine(sessionId: string): AnyStateMachine | undefined {
    return this.#actors.get(sessionId)?.machine?.();
  }

  /** The state value of an actor's last snapshot (redacted), for drawing its active states. */
  value(sessionId: string): unknown {
    return this.#actors.get(sessionId)?.value;
  }

  /** The counts, as the page shows them. */
  totals(): InspectorTotals {
    return { ...this.#totals, actors: this.#actors.size };
  }

  #add(sessionId: string, at: number): ActorEntry {
    const summary: ActorSummary = { sessionId, id: sessionId, origin: 'node', status: 'created', createdAt: at, updatedAt: at, received: 0, dropped: 0, hasMachine: false };
    const entry: ActorEntry = { summary, log: new Queue() };
    this.#actors.set(sessionId, entry);
    if (this.#actors.size > this.limits.maxActors) this.#evictActor(sessionId);
    return entry;
  }

  // The oldest actor that has ended goes first; failing that, the oldest.
  #evictActor(keep: string): void {
    let victim: string | undefined;
    for (const [id, a] of this.#actors) {
      if (id === keep) continue;
      victim ??= id;
      if (a.summary.status !== 'active' && a.summary.status !== 'created') {
        victim = id;
        break;
      }
    }
    if (victim === undefined) return;
    const entry = this.#actors.get(victim)!;
    for (const k of entry.log.items()) if (!k.dead) this.#drop(k, false);
    this.#actors.delete(victim);
    this.#totals.droppedActors++;
    this.onChange({ removed: victim });
  }

  #dropOldest(): void {
    for (;;) {
      const k = this.#log.shift();
      if (k === undefined) return;
      if (k.dead) continue;
      // The oldest live entry overall is also the oldest of its actor.
      const entry = this.#actors.get(k.entry.sessionId);
      if (entry !== undefined && entry.log.first() === k) entry.log.shift();
      this.#drop(k);
      return;
    }
  }

  #drop(k: Kept, count = true): void {
    if (k.dead) return;
    k.dead = true;
    this.#totals.events--;
    this.#totals.droppedEvents++;
    const summary = this.#actors.get(k.entry.sessionId)?.summary;
    if (summary !== undefined && count) summary.dropped++;
  }

  #json(value: unknown, indent?: number): string {
    let text: string;
    try {
      text = JSON.stringify(this.redactor.value(value), null, indent) ?? 'undefined';
    } catch {
      text = '"[unserialisable]"';
    }
    const max = this.limits.maxValueLength;
    return text.length <= max ? text : `${text.slice(0, max)}… [cut: ${text.length - max} more characters]`;
  }
}

/**
 * A state value as text: `'a'`, `{ a: 'b' }` → `a.b`, parallel regions joined by `, `.
 *
 * @example
 * ```ts
 * stateText({ session: { open: 'idle' } }); // 'session.open.idle'
 * ```
 */
export function stateText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value !== 'object' || value === null) return String(value);
  const parts = Object.entries(value).map(([key, child]) => {
    const inner = typeof child === 'object' && child !== null && Object.keys(child).length === 0 ? '' : stateText(child);
    return inner === '' ? key : inner.split(', ').map((p) => `${key}.${p}`).join(', ');
  });
  return parts.join(', ');
}

/** A FIFO with O(1) push and shift, compacted as it goes. */
class Queue<T> {
  #items: T[] = [];
  #head = 0;

  get size(): number {
    return this.#items.length - this.#head;
  }

  push(item: T): void {
    this.#items.push(item);
  }

  shift(): T | undefined {
    if (this.#head >= this.#items.length) return undefined;
    const item = this.#items[this.#head++];
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return item;
  }

  first(): T | undefined {
    return this.#head < this.#items.length ? this.#items[this.#head] : undefined;
  }

  /** The oldest of the newest `limit` items that `test` accepts. */
  findRecent(test: (item: T) => boolean, limit: number): T | undefined {
    for (let i = Math.max(this.#head, this.#items.length - limit); i < this.#items.length; i++) if (test(this.#items[i]!)) return this.#items[i];
    return undefined;
  }

  items(): T[] {
    return this.#items.slice(this.#head);
  }

  compact(keep: (item: T) => boolean): void {
    this.#items = this.#items.slice(this.#head).filter(keep);
    this.#head = 0;
  }
}
