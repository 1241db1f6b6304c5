const LF = 10;
const CR = 13;
const SPACE = 32;
const RETRY = [0x72, 0x65, 0x74, 0x72, 0x79, 0x3a]; // "retry:"
const NOT_RETRY = -1;
const IN_VALUE = RETRY.length;
// Node's native substring search over bytes; absent in browsers, where every chunk takes the byte loop.
const indexOfBytes: ((this: Uint8Array, value: string) => number) | undefined =
  typeof Buffer === 'function' ? (Buffer.prototype.indexOf as (this: Uint8Array, value: string) => number) : undefined;
const isLineEnd = (b: number | undefined) => b === LF || b === CR;

/**
 * What the raw bytes of an event stream show before the parser turns them into
 * events: how many arrived, how big the event being built has grown (so a
 * runaway event is cut off before it fills memory), and the server's `retry:`
 * field (which `eventsource` keeps to itself). One pass, no allocation; line
 * endings LF, CR and CRLF as the SSE spec allows, across chunk boundaries.
 *
 * `scan` stops where the parser should pause: right after a `retry:` line (so
 * the caller can apply it between the events before and after it), or at the
 * start of an event that passed `maxEventBytes` (so the complete events before
 * it still reach the parser).
 *
 * @example
 * ```ts
 * const watch = new StreamWatch(1024 * 1024);
 * const cut = watch.scan(chunk);
 * parser.feed(chunk.subarray(0, cut));
 * if (watch.oversized) abort('event too large');
 * else if (watch.retry !== undefined) useServerDelay(watch.takeRetry());
 * // then scan chunk.subarray(cut) the same way
 * ```
 */
export class StreamWatch {
  /** Bytes scanned in total. */
  bytes = 0;
  /** Bytes since the last blank line ended (the event being built, comments and line ends included). */
  pending = 0;
  /** The `retry:` value (ms) the last scan stopped after, until taken. */
  retry: number | undefined = undefined;
  /** The last scan stopped at an event larger than `maxEventBytes`; nothing more should be parsed. */
  oversized = false;
  private lineLength = 0;
  private afterCR = false;
  /** Progress through "retry:" at the start of the current line, or NOT_RETRY. */
  private retryMatch = 0;
  private retryValue = 0;
  private retryDigits = 0;
  private retrySpaceSkipped = false;

  constructor(readonly maxEventBytes: number) {}

  /**
   * Scans `chunk` and returns how many of its bytes may go to the parser now:
   * all of them, or fewer when a `retry:` line ended (`retry` is set) or the
   * event being built passed the limit (`oversized` is set; the count is where
   * that event began in this chunk). Scan the rest again after acting on it.
   */
  scan(chunk: Uint8Array): number {
    const bulk = this.canSkim(chunk) ? this.skim(chunk) : 0;
    return this.walk(chunk, bulk);
  }

  /**
   * Whether the chunk's complete lines can be taken in one step: no `retry:` in
   * it, none half-matched from the previous chunk, and no way to pass the limit.
   */
  private canSkim(chunk: Uint8Array): boolean {
    return (
      indexOfBytes !== undefined &&
      this.pending + chunk.length <= this.maxEventBytes &&
      (this.retryMatch === NOT_RETRY || (this.retryMatch === 0 && this.lineLength === 0)) &&
      indexOfBytes.call(chunk, 'retry:') === -1
    );
  }

  /**
   * Takes the chunk up to its last line end without a per-byte loop, and
   * returns where the byte loop must go on (the start of its last, partial
   * line). The pending count restarts after the last blank line: a line end
   * right after another one, the LF of a CRLF excepted.
   */
  private skim(chunk: Uint8Array): number {
    const last = Math.max(chunk.lastIndexOf(LF), chunk.lastIndexOf(CR));
    if (last === -1) return 0;
    let blankEnd = -1;
    for (let j = last; j > 0; j--) {
      const b = chunk[j]!;
      if (isLineEnd(b) && isLineEnd(chunk[j - 1]) && !(b === LF && chunk[j - 1] === CR)) {
        blankEnd = j + 1;
        break;
      }
    }
    // A blank line whose line end opens this chunk: the previous one ended a line.
    if (blankEnd === -1 && this.lineLength === 0 && !(chunk[0] === LF && this.afterCR) && isLineEnd(chunk[0])) blankEnd = 1;
    const taken = last + 1;
    this.bytes += taken;
    this.pending = blankEnd === -1 ? this.pending + taken : taken - blankEnd;
    this.lineLength = 0;
    this.afterCR = chunk[last] === CR;
    this.resetRetry();
    return taken;
  }

  /** The byte loop, from `from` to where the scan stops. */
  private walk(chunk: Uint8Array, from: number): number {
    const n = chunk.length;
    // Where the event being built began in this chunk (`from`: here or earlier).
    let eventStart = from;
    for (let i = from; i < n; i++) {
      const b = chunk[i]!;
      if (b === LF || b === CR) {
        this.pending++;
        // The LF of a CRLF ends nothing more.
        if (b === LF && this.afterCR) {
          this.afterCR = false;
          continue;
        }
        this.afterCR = b === CR;
        const blank = this.lineLength === 0;
        if (this.endLine()) {
          // Cut after the whole line end, so a CRLF is not split between two feeds.
          let end = i + 1;
          if (b === CR && chunk[end] === LF) {
            end++;
            this.pending++;
            this.afterCR = false;
          }
          this.bytes += end - from;
          return end;
        }
        if (blank) eventStart = b === CR && chunk[i + 1] === LF ? i + 2 : i + 1;
        continue;
      }
      this.afterCR = false;
      this.lineLength++;
      if (++this.pending > this.maxEventBytes) {
        this.oversized = true;
        this.bytes += i + 1 - from;
        return eventStart;
      }
      if (this.retryMatch !== NOT_RETRY) this.matchRetry(b);
    }
    this.bytes += n - from;
    return n;
  }

  /** Returns the pending `retry:` value and clears it. */
  takeRetry(): number | undefined {
    const value = this.retry;
    this.retry = undefined;
    return value;
  }

  /** Ends a line; true when it was a valid `retry:` line (`retry` is set). */
  private endLine(): boolean {
    let isRetry = false;
    if (this.lineLength === 0) {
      this.pending = 0; // a blank line: the event is complete
    } else if (this.retryMatch === IN_VALUE && this.retryDigits > 0) {
      this.retry = this.retryValue;
      isRetry = true;
    }
    this.lineLength = 0;
    this.resetRetry();
    return isRetry;
  }

  /** A new line: nothing of "retry:" matched yet. */
  private resetRetry(): void {
    this.retryMatch = 0;
    this.retryValue = 0;
    this.retryDigits = 0;
    this.retrySpaceSkipped = false;
  }

  private matchRetry(b: number): void {
    const k = this.retryMatch;
    if (k < IN_VALUE) {
      this.retryMatch = b === RETRY[k] ? k + 1 : NOT_RETRY;
    } else if (b >= 0x30 && b <= 0x39) {
      this.retryValue = this.retryValue * 10 + (b - 0x30);
      this.retryDigits++;
    } else if (b === SPACE && this.retryDigits === 0 && !this.retrySpaceSkipped) {
      this.retrySpaceSkipped = true; // "retry: 5000": one space after the colon is not part of the value
    } else {
      this.retryMatch = NOT_RETRY; // only ASCII digits make a valid value (spec)
    }
  }
}
