const LF = 10;
const CR = 13;
const SPACE = 32;
const RETRY = [0x72, 0x65, 0x74, 0x72, 0x79, 0x3a]; // "retry:"
const NOT_RETRY = -1;
const IN_VALUE = RETRY.length;

/**
 * What the raw bytes of an event stream show before the parser turns them into
 * events: how many arrived, how big the event being built has grown (so a
 * runaway event is cut off before it fills memory), and the server's `retry:`
 * field (which `eventsource` keeps to itself). One pass over each chunk, no
 * allocation; line endings LF, CR and CRLF as the SSE spec allows, across chunk
 * boundaries.
 *
 * @example
 * ```ts
 * const watch = new StreamWatch(1024 * 1024);
 * if (!watch.scan(chunk)) abort('event too large');
 * if (watch.retry !== undefined) useServerDelay(watch.takeRetry());
 * ```
 */
export class StreamWatch {
  /** Bytes seen in total. */
  bytes = 0;
  /** Bytes since the last blank line (the event being built, comments included). */
  pending = 0;
  /** The last `retry:` value (ms) not yet taken. */
  retry: number | undefined = undefined;
  private lineLength = 0;
  private afterCR = false;
  /** Progress through "retry:" at the start of the current line, or NOT_RETRY. */
  private retryMatch = 0;
  private retryValue = 0;
  private retryDigits = 0;
  private retrySpaceSkipped = false;

  constructor(readonly maxEventBytes: number) {}

  /** Scans one chunk; false when the event being built is larger than `maxEventBytes`. */
  scan(chunk: Uint8Array): boolean {
    const n = chunk.length;
    this.bytes += n;
    for (let i = 0; i < n; i++) {
      const b = chunk[i]!;
      if (b === LF || b === CR) {
        // The LF of a CRLF ends nothing more.
        if (b === LF && this.afterCR) {
          this.afterCR = false;
          continue;
        }
        this.afterCR = b === CR;
        this.endLine();
        continue;
      }
      this.afterCR = false;
      this.lineLength++;
      if (++this.pending > this.maxEventBytes) return false;
      if (this.retryMatch !== NOT_RETRY) this.matchRetry(b);
    }
    return true;
  }

  /** Returns the pending `retry:` value and clears it. */
  takeRetry(): number | undefined {
    const value = this.retry;
    this.retry = undefined;
    return value;
  }

  private endLine(): void {
    if (this.lineLength === 0) {
      this.pending = 0; // a blank line: the event is complete
    } else if (this.retryMatch === IN_VALUE && this.retryDigits > 0) {
      this.retry = this.retryValue;
    }
    this.lineLength = 0;
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
