import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StreamWatch } from '../../src/sse/StreamWatch.js';

const bytes = (text: string) => new TextEncoder().encode(text);

/**
 * Feeds `text` in the given chunk sizes the way the reader does: each chunk is
 * scanned, and where the scan stops (after a retry: line) the rest is scanned
 * again; returns the watch, every retry seen and whether the limit was passed.
 */
function feed(text: string, sizes: number[] = [text.length], max = 1 << 20) {
  const watch = new StreamWatch(max);
  const all = bytes(text);
  const retries: number[] = [];
  let refused = false;
  let at = 0;
  for (let i = 0; at < all.length && !refused; i++) {
    const size = Math.max(1, sizes[i % sizes.length]!);
    let part = all.subarray(at, at + size);
    at += size;
    while (part.length > 0) {
      const cut = watch.scan(part);
      if (watch.oversized) {
        refused = true;
        break;
      }
      const retry = watch.takeRetry();
      if (retry !== undefined) retries.push(retry);
      part = part.subarray(cut);
    }
  }
  return { watch, retries, refused };
}

describe('scan: bytes', () => {
  it('counts every byte', () => {
    expect(feed('data: x\n\n', [3]).watch.bytes).toBe(9);
  });
});

describe('scan: retry:', () => {
  it('reads the value of a retry line, with or without the space after the colon', () => {
    expect(feed('retry: 2500\n\n').retries).toEqual([2500]);
    expect(feed('retry:300\r\n\r\n').retries).toEqual([300]);
  });

  it('ignores a value that is not all digits, and retry: inside a data line', () => {
    expect(feed('retry: 25x\n\ndata: retry: 5\n\nretry: \n\n').retries).toEqual([]);
  });

  it('ignores a field that only starts like retry', () => {
    expect(feed('retryx: 5\n\nretr: 5\n\n').retries).toEqual([]);
  });

  it('stops right after each retry line, so every value can be applied between the events around it', () => {
    const watch = new StreamWatch(1 << 20);
    const chunk = bytes('data: a\n\nretry: 1\n\nretry: 2\r\ndata: b\n\n');
    const first = watch.scan(chunk);
    expect(new TextDecoder().decode(chunk.subarray(0, first))).toBe('data: a\n\nretry: 1\n');
    expect(watch.takeRetry()).toBe(1);
    const rest = chunk.subarray(first);
    const second = watch.scan(rest);
    // A CRLF stays whole: the cut comes after its LF.
    expect(new TextDecoder().decode(rest.subarray(0, second))).toBe('\nretry: 2\r\n');
    expect(watch.takeRetry()).toBe(2);
    expect(watch.scan(rest.subarray(second))).toBe(rest.length - second);
    expect(watch.takeRetry()).toBeUndefined();
    expect(watch.bytes).toBe(chunk.length);
  });
});

describe('scan: maxEventBytes', () => {
  it('stops at the start of the event that passes the limit, so the complete events before it can still be parsed', () => {
    const watch = new StreamWatch(64);
    const chunk = bytes(`data: small\n\ndata: ${'x'.repeat(100)}`);
    const cut = watch.scan(chunk);
    expect(watch.oversized).toBe(true);
    expect(new TextDecoder().decode(chunk.subarray(0, cut))).toBe('data: small\n\n');
  });

  it('an event that began in an earlier chunk is cut at 0', () => {
    const { refused, watch } = feed(`data: ${'x'.repeat(100)}`, [10], 64);
    expect(refused).toBe(true);
    expect(watch.pending).toBeGreaterThan(64);
  });

  it('a blank line ends an event: many small events never pass the limit', () => {
    const text = 'data: 0123456789\n\n'.repeat(1000);
    expect(feed(text, [7], 32).refused).toBe(false);
  });

  it('CR, LF and CRLF line endings all end events, also split across chunks', () => {
    for (const end of ['\n', '\r', '\r\n']) {
      const text = `data: 0123456789${end}${end}`.repeat(50);
      expect(feed(text, [1], 32).refused).toBe(false);
    }
  });
});

describe('scan: chunking does not change what is seen (property)', () => {
  const line = fc.oneof(
    fc.stringMatching(/^data: [a-z0-9 ]{0,20}$/),
    fc.integer({ min: 0, max: 1_000_000 }).map((n) => `retry: ${n}`),
    fc.integer({ min: 0, max: 1_000_000 }).map((n) => `retry:${n}`),
    fc.constant(': comment'),
    fc.constant('id: 7'),
  );
  const stream = fc.tuple(fc.array(fc.array(line, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 10 }), fc.constantFrom('\n', '\r', '\r\n'));

  it('the same retries, byte count and verdict whatever the chunk sizes', () => {
    fc.assert(
      fc.property(stream, fc.array(fc.integer({ min: 1, max: 17 }), { minLength: 1, maxLength: 8 }), ([events, eol], sizes) => {
        const text = events.map((lines) => lines.join(eol) + eol + eol).join('');
        const whole = feed(text, [text.length], 40);
        const chunked = feed(text, sizes, 40);
        expect(chunked.refused).toBe(whole.refused);
        expect(chunked.watch.bytes).toBe(whole.watch.bytes);
        // A refused stream is closed at once: what came after the limit does not matter.
        if (whole.refused) return;
        const expected = events.flat().flatMap((l) => (l.startsWith('retry:') ? [Number(l.slice(6).trim())] : []));
        // Every value, in order, however the stream is chunked.
        expect(whole.retries).toEqual(expected);
        expect(chunked.retries).toEqual(expected);
        // The whole stream goes mostly through the skimming path, 1-17 byte chunks mostly through the byte loop.
        expect(chunked.watch.pending).toBe(whole.watch.pending);
        expect(feed(text, [1], 40).watch.pending).toBe(whole.watch.pending);
      }),
      { numRuns: 500 },
    );
  });
});
