import type { Clock } from '../runtime/clock.js';
import { Inbox } from '../runtime/Inbox.js';
import { parseValue, type MessageParse } from '../runtime/parseText.js';
import type { SSEHandler, SSEMessage } from './SSEMessage.js';
import { SseListeners } from './SseListeners.js';

/** What an {@link EventReceiver} needs from its connection. */
export interface EventReceiverOptions {
  parse: MessageParse;
  /** Most unread events the pull inbox holds. */
  inboxSize: number;
  clock: Clock;
  /** @internal A user callback (a `parse` function, an `on()` handler) threw: report it; delivery goes on. */
  callbackFailed(callback: string, error: unknown): void;
  /** An event nobody read was evicted from the full inbox (see {@link EventReceiver.handled}). */
  dropped(message: SSEMessage): void;
}

/**
 * The per-event path of an `SSEConnection`, from the stream to `on()` /
 * `once()` handlers and the `receive()` inbox, never through the actor: it
 * counts, tracks the last event id and activity (what `getStats()` shows),
 * decodes the data and hands the event on. The listener registry and the inbox
 * are made on first use.
 *
 * @example
 * ```ts
 * const receiver = new EventReceiver({ parse: 'auto', inboxSize: 1000, clock: systemClock, callbackFailed: report, dropped: warn });
 * receiver.deliver('price', '{"price":42}', '7'); // on('price') handlers run, receive() gets it
 * ```
 */
export class EventReceiver {
  eventsReceived = 0;
  bytesReceived = 0;
  lastEventId: string | null = null;
  /** When the last byte (event or comment) arrived. */
  lastActivityAt: number | null = null;
  /** A `retry:` not yet delivered with an event. */
  retryToReport: number | undefined = undefined;
  private listenersInstance: SseListeners | undefined = undefined;
  private inboxInstance: Inbox<SSEMessage> | undefined = undefined;

  constructor(private readonly options: EventReceiverOptions) {}

  /** Count, decode, hand to handlers and the inbox. */
  deliver(type: string, raw: string, lastEventId: string): void {
    this.eventsReceived++;
    // eventsource 4 reports '' both for "no id" and for an empty `id:` (which per spec
    // resets it); the former is far more common, so '' keeps the last id.
    if (lastEventId !== '') this.lastEventId = lastEventId;
    const parse = this.options.parse;
    const data = typeof parse === 'function' ? parsedBy(parse, raw, this) : parseValue(raw, parse);
    const message: SSEMessage = { id: this.lastEventId ?? '', event: type, data, raw };
    if (this.retryToReport !== undefined) {
      message.retry = this.retryToReport;
      this.retryToReport = undefined;
    }
    const handlers = this.listenersInstance?.of(type);
    if (handlers !== undefined) for (const handler of handlers) callHandler(handler, message, this);
    // Push and pull see the same stream; the inbox is bounded and only reports overflow nobody received.
    this.inbox.push(message);
  }

  /** The listener registry (made on first use). */
  get listeners(): SseListeners {
    return (this.listenersInstance ??= new SseListeners());
  }

  /** Whether events named `type` reach a handler (so one evicted unread was not lost). */
  handled(type: string): boolean {
    return this.listenersInstance?.has(type) === true;
  }

  /** The `receive()` inbox (made on first use). */
  get inbox(): Inbox<SSEMessage> {
    return (this.inboxInstance ??= new Inbox<SSEMessage>({
      capacity: this.options.inboxSize,
      clock: this.options.clock,
      onOverflow: this.options.dropped,
    }));
  }

  /** Events received and not read yet. */
  get unread(): number {
    return this.inboxInstance?.size ?? 0;
  }

  /** Unread events no `on()` / `once()` handler took either: the ones nobody saw. */
  get unseen(): number {
    return this.inboxInstance?.countWhere((m) => !this.handled(m.event)) ?? 0;
  }

  /** @internal A callback of the caller's threw. */
  callbackFailed(callback: string, error: unknown): void {
    this.options.callbackFailed(callback, error);
  }

  /** Rejects the `receive()` calls waiting now (the stream ended for good); later ones wait again. */
  interrupt(error: Error): void {
    this.inboxInstance?.interrupt(error);
  }

  /** Ends `receive()` (pending and future calls reject with `error`) and forgets every listener. */
  close(error: Error): void {
    this.inboxInstance?.close(error);
    this.listenersInstance = undefined;
  }
}

/** A `parse` function that throws is reported; the event is still delivered, with its data as sent. */
function parsedBy(parse: (text: string) => unknown, raw: string, receiver: EventReceiver): unknown {
  try {
    return parse(raw);
  } catch (error) {
    receiver.callbackFailed('parse', error);
    return raw;
  }
}

/** A handler that throws is reported; the other handlers and the inbox still get the event. */
function callHandler(handler: SSEHandler, message: SSEMessage, receiver: EventReceiver): void {
  try {
    handler(message);
  } catch (error) {
    receiver.callbackFailed(`on('${message.event}') handler`, error);
  }
}
