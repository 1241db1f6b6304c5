/**
 * The inspector's Server-Sent Events stream: each page gets the whole state
 * first, then what changed, in batches (one message per `flushMs` at most, so
 * a busy app costs the page one render per batch). A page that cannot keep up
 * is cut off (its `EventSource` reconnects and starts again from the whole
 * state) instead of buffering without end.
 *
 * @module
 */
import type { ServerResponse } from 'node:http';
import type { ActorSummary, InspectorStore, LogEntry, StoreChange } from './InspectorStore.js';

/** Bytes a page may fall behind before it is cut off. */
const MAX_BACKLOG = 8 * 1024 * 1024;

/**
 * The pages following the stream, and what they have not seen yet.
 *
 * @example
 * ```ts
 * const live = new LiveStream(() => store, 100);
 * const store = new InspectorStore(limits, redactor, (c) => live.change(c));
 * live.add(res);
 * ```
 */
export class LiveStream {
  readonly #clients = new Set<ServerResponse>();
  #actors = new Set<string>();
  #removed = new Set<string>();
  #events: LogEntry[] = [];
  #overflow = false;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly store: () => InspectorStore,
    private readonly flushMs: number,
  ) {}

  /** Pages following now. */
  get size(): number {
    return this.#clients.size;
  }

  /** Starts streaming to one page: the whole state first. */
  add(res: ServerResponse): void {
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
    res.write('retry: 1000\n\n');
    this.#clients.add(res);
    res.on('close', () => this.#clients.delete(res));
    this.#send(res, JSON.stringify({ type: 'init', state: this.store().state() }));
  }

  /** Notes one change for the next batch (nothing is kept while no page follows). */
  change(change: StoreChange): void {
    if (this.#clients.size === 0) return;
    if ('actor' in change) this.#actors.add(change.actor);
    else if ('removed' in change) {
      this.#removed.add(change.removed);
      this.#actors.delete(change.removed);
    } else if (!this.#overflow) {
      this.#events.push(change.event);
      // More new events than the buffer holds: the next message is the whole state instead.
      if (this.#events.length > this.store().limits.maxEvents) this.#resync();
    }
    this.#timer ??= setTimeout(() => this.flush(), this.flushMs);
    this.#timer.unref?.();
  }

  /** Sends what changed since the last batch. */
  flush(): void {
    this.#timer = undefined;
    const store = this.store();
    let message: unknown;
    if (this.#overflow) message = { type: 'init', state: store.state() };
    else {
      const actors = [...this.#actors].map((id) => store.summary(id)).filter((a): a is ActorSummary => a !== undefined);
      message = { type: 'update', actors, removed: [...this.#removed], events: this.#events, totals: store.totals() };
    }
    this.#overflow = false;
    this.#actors = new Set();
    this.#removed = new Set();
    this.#events = [];
    const text = JSON.stringify(message);
    for (const res of this.#clients) this.#send(res, text);
  }

  /** Ends every page's stream. */
  close(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    for (const res of this.#clients) res.end();
    this.#clients.clear();
  }

  #resync(): void {
    this.#overflow = true;
    this.#events = [];
  }

  #send(res: ServerResponse, text: string): void {
    if (res.writableLength > MAX_BACKLOG) {
      this.#clients.delete(res);
      res.destroy();
      return;
    }
    res.write(`data: ${text}\n\n`);
  }
}
