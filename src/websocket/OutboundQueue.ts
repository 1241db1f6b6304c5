import { fn, num, oneOf, validateOptions } from '../config/validate.js';

/**
 * What a WebSocket accepts in `send()`, in Node (`ws`) and in browsers.
 *
 * @example const frame: WireData = JSON.stringify({ type: 'ping' });
 */
export type WireData = string | ArrayBuffer | ArrayBufferView;

/**
 * One message waiting in an {@link OutboundQueue}.
 *
 * @example
 * ```ts
 * const m: QueuedMessage = { data: '{"a":1}', size: 7, binary: false, original: { a: 1 } };
 * ```
 */
export interface QueuedMessage {
  /** The encoded frame, ready for `socket.send`. */
  data: WireData;
  /** Bytes on the wire (UTF-8 length for text). */
  size: number;
  /** A binary frame (e.g. `streamAudio`), as opposed to text. */
  binary: boolean;
  /** What the user passed to `send()`; reported when the message is dropped. */
  original?: unknown;
}

/**
 * What a full outbound queue (the messages kept while disconnected) does with one more message.
 * `drop-oldest` evicts from the head (reported), `drop-newest` drops the new
 * message (reported), `reject` refuses it (`push` returns false, nothing dropped:
 * the caller still holds the message).
 *
 * @example const policy: OverflowPolicy = 'drop-oldest';
 */
export type OverflowPolicy = 'drop-oldest' | 'drop-newest' | 'reject';

/**
 * Why the outbound queue (the messages kept while disconnected) dropped a message.
 *
 * @example const reason: DropReason = 'too-large';
 */
export type DropReason = 'overflow' | 'too-large' | 'disposed';

/**
 * Options of {@link OutboundQueue}.
 *
 * @example
 * ```ts
 * const options: OutboundQueueOptions = { maxMessages: 100, onDrop: (m, why) => console.warn(why, m.original) };
 * ```
 */
export interface OutboundQueueOptions {
  /** Most messages held (integer ≥ 1, or Infinity). Default 1000. */
  maxMessages?: number;
  /** Most bytes held (≥ 1, or Infinity). Default 16 MiB. */
  maxBytes?: number;
  /** Default `'drop-oldest'`. */
  overflow?: OverflowPolicy;
  /** Told about every message the queue drops, so none vanishes silently. */
  onDrop: (message: QueuedMessage, reason: DropReason) => void;
}

const POLICIES = ['drop-oldest', 'drop-newest', 'reject'] as const;
const INITIAL_CAPACITY = 16; // a power of two: indices wrap with a mask

/**
 * UTF-8 byte length of a string without encoding it: a portable loop over
 * UTF-16 code units (no Buffer, no TextEncoder allocation). A lone surrogate
 * counts 3 bytes, as U+FFFD, which is what the encoders send.
 */
function utf8Length(s: string): number {
  let bytes = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) bytes += 1;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 2; // a surrogate pair: 2 code units, 4 bytes
      i++;
    } else bytes += 2;
  }
  return bytes;
}

/**
 * Bytes `data` takes on the wire: UTF-8 length of text, `byteLength` of binary.
 *
 * @example wireByteLength('héllo'); // 6
 */
export function wireByteLength(data: WireData): number {
  return typeof data === 'string' ? utf8Length(data) : data.byteLength;
}

/** Whether a message is binary (sent as it is, counted by its bytes) rather than text or a value to stringify. @example isBinaryData(new Uint8Array(2)); // true */
export const isBinaryData = (x: unknown): x is ArrayBuffer | ArrayBufferView => x instanceof ArrayBuffer || ArrayBuffer.isView(x);

/**
 * Wraps a frame as a {@link QueuedMessage}, measuring its size.
 *
 * @example
 * ```ts
 * queue.push(toQueuedMessage(JSON.stringify(payload), payload));
 * ```
 */
export function toQueuedMessage(data: WireData, original?: unknown): QueuedMessage {
  const message: QueuedMessage = { data, size: wireByteLength(data), binary: typeof data !== 'string' };
  if (original !== undefined) message.original = original;
  return message;
}

/**
 * The bounded FIFO of messages a WebSocket holds while it is not connected.
 * A growable ring buffer: `push`, `shift` and `unshift` are O(1) amortised.
 * Every message it drops goes to `onDrop` with the reason.
 *
 * @example
 * ```ts
 * const queue = new OutboundQueue({ maxMessages: 2, onDrop: (m, why) => emit({ type: 'message_dropped', message: m.original, reason: why }) });
 * queue.push(toQueuedMessage('a'));
 * queue.push(toQueuedMessage('b'));
 * queue.push(toQueuedMessage('c')); // true; 'a' reported as 'overflow'
 * for (let m = queue.shift(); m; m = queue.shift()) {
 *   if (!trySend(m.data)) { queue.unshift(m); break; } // keep order after a failed write
 * }
 * ```
 */
export class OutboundQueue {
  readonly maxMessages: number;
  readonly maxBytes: number;
  readonly overflow: OverflowPolicy;
  private readonly onDrop: (message: QueuedMessage, reason: DropReason) => void;
  private ring: (QueuedMessage | undefined)[] = new Array<QueuedMessage | undefined>(INITIAL_CAPACITY);
  private head = 0;
  private count = 0;
  private byteCount = 0;

  constructor(options: OutboundQueueOptions) {
    const o = validateOptions('OutboundQueue', options, {
      maxMessages: num({ integer: true, min: 1, allowInfinity: true, default: 1000 }),
      maxBytes: num({ min: 1, allowInfinity: true, default: 16 * 1024 * 1024 }),
      overflow: oneOf(POLICIES, { default: 'drop-oldest' }),
      onDrop: fn<(message: QueuedMessage, reason: DropReason) => void>(),
    });
    this.maxMessages = o.maxMessages;
    this.maxBytes = o.maxBytes;
    this.overflow = o.overflow;
    this.onDrop = o.onDrop;
  }

  /** Messages held. */
  get length(): number {
    return this.count;
  }

  /** Bytes held (sum of `size`). */
  get bytes(): number {
    return this.byteCount;
  }

  /**
   * Appends `message`. Returns false when it was not queued: larger than
   * `maxBytes` on its own (dropped as `'too-large'`), or the queue is full under
   * `drop-newest` (dropped as `'overflow'`) or `reject` (refused, not reported).
   * Under `drop-oldest` it evicts from the head until the message fits.
   */
  push(message: QueuedMessage): boolean {
    if (message.size > this.maxBytes) {
      this.onDrop(message, 'too-large');
      return false;
    }
    if (!this.fits(message.size)) {
      if (this.overflow === 'reject') return false;
      if (this.overflow === 'drop-newest') {
        this.onDrop(message, 'overflow');
        return false;
      }
      // Take each victim out before reporting it, so a throwing onDrop leaves the queue consistent.
      do this.onDrop(this.shift()!, 'overflow');
      while (!this.fits(message.size));
    }
    if (this.count === this.ring.length) this.grow();
    this.ring[(this.head + this.count) & (this.ring.length - 1)] = message;
    this.count++;
    this.byteCount += message.size;
    return true;
  }

  /**
   * Puts `message` back at the head (a write failed). Never drops, so the
   * queue may exceed its bounds by the messages put back.
   */
  unshift(message: QueuedMessage): void {
    if (this.count === this.ring.length) this.grow();
    this.head = (this.head - 1) & (this.ring.length - 1);
    this.ring[this.head] = message;
    this.count++;
    this.byteCount += message.size;
  }

  /**
   * Puts `message` back `offset` places from the head (clamped to the length):
   * the `offset`-th write of a flush to fail goes back behind the ones that
   * failed before it, so A, B, C failing comes back A, B, C. Never drops, like
   * {@link OutboundQueue.unshift}; moves the `offset` messages before it.
   */
  putBack(message: QueuedMessage, offset: number): void {
    const at = Math.min(Math.max(0, offset), this.count);
    if (this.count === this.ring.length) this.grow();
    const mask = this.ring.length - 1;
    this.head = (this.head - 1) & mask;
    for (let i = 0; i < at; i++) this.ring[(this.head + i) & mask] = this.ring[(this.head + i + 1) & mask];
    this.ring[(this.head + at) & mask] = message;
    this.count++;
    this.byteCount += message.size;
  }

  /** Removes and returns the oldest message. */
  shift(): QueuedMessage | undefined {
    if (this.count === 0) return undefined;
    const message = this.ring[this.head]!;
    this.ring[this.head] = undefined; // let the payload be collected
    this.head = (this.head + 1) & (this.ring.length - 1);
    this.count--;
    this.byteCount -= message.size;
    return message;
  }

  /** Removes and returns every message, oldest first (for a flush). */
  drain(): QueuedMessage[] {
    const out = new Array<QueuedMessage>(this.count);
    for (let i = 0; i < out.length; i++) out[i] = this.shift()!;
    return out;
  }

  /**
   * Removes every message, reports each to `onDrop` with `reason`, and returns
   * them oldest first. All are reported even if `onDrop` throws; the first
   * error is rethrown afterwards.
   */
  clear(reason: 'disposed'): QueuedMessage[] {
    const all = this.drain();
    let failure: { error: unknown } | undefined;
    for (const message of all) {
      try {
        this.onDrop(message, reason);
      } catch (error) {
        failure ??= { error };
      }
    }
    if (failure) throw failure.error;
    return all;
  }

  private fits(size: number): boolean {
    return this.count < this.maxMessages && this.byteCount + size <= this.maxBytes;
  }

  /** Doubles the ring, unrolling it so the head is at index 0. */
  private grow(): void {
    const old = this.ring;
    const next = new Array<QueuedMessage | undefined>(old.length * 2);
    for (let i = 0; i < this.count; i++) next[i] = old[(this.head + i) & (old.length - 1)];
    this.ring = next;
    this.head = 0;
  }
}
