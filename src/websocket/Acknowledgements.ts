import type { Clock } from '../runtime/clock.js';
import { callUserFn, type CallbackSink } from '../runtime/callUserFn.js';
import type { QueuedMessage } from './OutboundQueue.js';

/** A sent message kept until acknowledged; `sentAt` starts its acknowledgement clock. */
export type SentMessage = QueuedMessage & { sentAt?: number };

/** The `delivery` option of a WebSocket connection, defaults applied. */
export interface DeliveryOptions {
  messageId: (message: unknown) => unknown;
  ackId: (incoming: unknown) => unknown;
  ackTimeout: number;
}

/**
 * At-least-once delivery's bookkeeping for one connection: the messages sent and
 * not yet acknowledged, in send order, and the one timer that finds an overdue
 * acknowledgement. The timer runs only while the link is open ({@link open} /
 * {@link close}), and never fires sooner than `ackTimeout` from when it is armed,
 * so it cannot spin in any state: a missing acknowledgement is found between
 * `ackTimeout` and twice that after the send. The ids come from the caller's
 * `messageId` / `ackId`, contained by `callUserFn` (a throw is reported to the
 * sink; the message is then not tracked, or the incoming one is no ack).
 *
 * @example
 * ```ts
 * const acks = new Acknowledgements(delivery, clock, sink, () => socket.terminate());
 * acks.track(toQueuedMessage(JSON.stringify(m), m)); // after writing it
 * if (acks.acknowledge(incoming)) return;            // an ack, not a message
 * ```
 */
export class Acknowledgements {
  /** Sent, not yet acknowledged, by id, in send order (a Map keeps insertion order). */
  private readonly pending = new Map<unknown, SentMessage>();
  private timer: unknown = undefined;
  private active = false;

  constructor(
    private readonly delivery: DeliveryOptions,
    private readonly clock: Clock,
    private readonly sink: CallbackSink,
    /** The oldest acknowledgement is overdue on an open link: drop it (the next open re-sends). */
    private readonly overdue: (ackTimeout: number) => void,
  ) {}

  /** Messages waiting for their acknowledgement. */
  get size(): number {
    return this.pending.size;
  }

  /** The id of a message to send, or undefined when it is not tracked (no id, or `messageId` threw). */
  idOf(message: QueuedMessage): unknown {
    return message.binary ? undefined : callUserFn(this.sink, 'delivery.messageId', this.delivery.messageId, message.original, undefined);
  }

  /** Whether the message with this id is still waiting for its acknowledgement. */
  has(id: unknown): boolean {
    return id !== undefined && id !== null && this.pending.has(id);
  }

  /** Keeps a message just written until its acknowledgement arrives. */
  track(message: SentMessage): void {
    const id = this.idOf(message);
    if (id === undefined || id === null) return;
    message.sentAt = this.clock.now();
    this.pending.set(id, message);
    if (this.timer === undefined && this.active) this.arm();
  }

  /** True when `incoming` acknowledges a tracked message (which is then forgotten). */
  acknowledge(incoming: unknown): boolean {
    const id = callUserFn(this.sink, 'delivery.ackId', this.delivery.ackId, incoming, undefined);
    return id !== undefined && id !== null && this.pending.delete(id);
  }

  /**
   * The link is open: every waiting message is handed to `resend` in send order,
   * its acknowledgement clock restarted, and the timer armed.
   */
  open(resend: (message: SentMessage) => void): void {
    const now = this.clock.now();
    for (const message of this.pending.values()) {
      message.sentAt = now;
      resend(message);
    }
    this.active = true;
    if (this.timer === undefined) this.arm();
  }

  /** The link is down: nothing is timed until the next {@link open}. */
  close(): void {
    this.active = false;
    if (this.timer !== undefined) {
      this.clock.clearTimeout(this.timer);
      this.timer = undefined;
    }
  }

  /** Stops the timer and returns what was still waiting (oldest first), forgetting it. */
  clear(): unknown[] {
    this.close();
    const originals = [...this.pending.values()].map((m) => m.original);
    this.pending.clear();
    return originals;
  }

  private arm(): void {
    const oldest = this.pending.values().next().value as SentMessage | undefined;
    if (oldest === undefined || !this.active) {
      this.timer = undefined;
      return;
    }
    const ackTimeout = this.delivery.ackTimeout;
    const due = (oldest.sentAt ?? this.clock.now()) + ackTimeout - this.clock.now();
    this.timer = this.clock.setTimeout(() => this.fired(), Math.max(due, ackTimeout));
  }

  private fired(): void {
    this.timer = undefined;
    const ackTimeout = this.delivery.ackTimeout;
    const oldest = this.pending.values().next().value as SentMessage | undefined;
    if (oldest !== undefined && this.active && this.clock.now() - (oldest.sentAt ?? 0) >= ackTimeout) {
      // The link takes writes but answers nothing: dropped; its close calls close(), the next open re-arms.
      this.overdue(ackTimeout);
      return;
    }
    this.arm();
  }
}
