import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import {
  OutboundQueue,
  toQueuedMessage,
  wireByteLength,
  type DropReason,
  type OutboundQueueOptions,
  type OverflowPolicy,
  type QueuedMessage,
} from '../../src/websocket/OutboundQueue.js';

/** A queue that records every drop. */
function makeQueue(options: Partial<OutboundQueueOptions> = {}) {
  const drops: [string, DropReason][] = [];
  const queue = new OutboundQueue({
    onDrop: (m, reason) => drops.push([m.data as string, reason]),
    ...options,
  });
  return { queue, drops };
}

const msg = (text: string): QueuedMessage => toQueuedMessage(text, { text });
const texts = (ms: QueuedMessage[]) => ms.map((m) => m.data as string);

describe('wireByteLength / toQueuedMessage', () => {
  it('measures text as UTF-8 bytes, matching Buffer.byteLength', () => {
    for (const s of ['', 'abc', 'héllo', '€', '😀', 'a😀b€', '\ud800', 'x\udc00y', '\ud83d']) {
      expect(wireByteLength(s), JSON.stringify(s)).toBe(Buffer.byteLength(s, 'utf8'));
    }
  });

  it('measures binary by byteLength (ArrayBuffer and views)', () => {
    expect(wireByteLength(new ArrayBuffer(7))).toBe(7);
    expect(wireByteLength(new Uint16Array(4))).toBe(8);
    expect(wireByteLength(Buffer.from('héllo'))).toBe(6);
  });

  it('marks binary frames and keeps the original only when given', () => {
    expect(toQueuedMessage('hi', { a: 1 })).toEqual({ data: 'hi', size: 2, binary: false, original: { a: 1 } });
    const bin = toQueuedMessage(new Uint8Array(3));
    expect(bin.binary).toBe(true);
    expect(bin.size).toBe(3);
    expect('original' in bin).toBe(false);
  });

  it('agrees with Buffer.byteLength for arbitrary strings', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (s) => wireByteLength(s) === Buffer.byteLength(s, 'utf8')));
  });
});

describe('OutboundQueue', () => {
  describe('constructor', () => {
    it('applies the defaults', () => {
      const { queue } = makeQueue();
      expect(queue.maxMessages).toBe(1000);
      expect(queue.maxBytes).toBe(16 * 1024 * 1024);
      expect(queue.overflow).toBe('drop-oldest');
    });

    it.each([
      ['maxMessages', 0],
      ['maxMessages', 1.5],
      ['maxBytes', -1],
      ['overflow', 'drop-random'],
      ['onDrop', undefined],
    ])('refuses %s = %s with a ConfigError naming it', (option, value) => {
      const options = { onDrop: () => {}, [option]: value } as unknown as OutboundQueueOptions;
      try {
        new OutboundQueue(options);
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(ConfigError);
        expect((e as ConfigError).option).toBe(option);
        expect((e as ConfigError).message).toContain('OutboundQueue');
      }
    });

    it('accepts Infinity for unbounded limits', () => {
      const { queue } = makeQueue({ maxMessages: Infinity, maxBytes: Infinity });
      for (let i = 0; i < 5000; i++) expect(queue.push(msg(String(i)))).toBe(true);
      expect(queue.length).toBe(5000);
    });
  });

  describe('push / shift', () => {
    it('is FIFO and tracks length and bytes', () => {
      const { queue } = makeQueue();
      expect(queue.shift()).toBeUndefined();
      queue.push(msg('a'));
      queue.push(msg('bb'));
      expect(queue.length).toBe(2);
      expect(queue.bytes).toBe(3);
      expect(queue.shift()?.data).toBe('a');
      expect(queue.shift()?.data).toBe('bb');
      expect(queue.length).toBe(0);
      expect(queue.bytes).toBe(0);
    });

    it('keeps FIFO while growing past the initial ring size with interleaved shift/push', () => {
      const { queue } = makeQueue();
      const expected: string[] = [];
      const got: string[] = [];
      let next = 0;
      // Push 3, shift 1 repeatedly so the head wraps around while the ring grows several times.
      for (let round = 0; round < 200; round++) {
        for (let k = 0; k < 3; k++) {
          const s = String(next++);
          expected.push(s);
          queue.push(msg(s));
        }
        got.push(queue.shift()!.data as string);
      }
      expect(queue.length).toBe(400);
      got.push(...texts(queue.drain()));
      expect(got).toEqual(expected);
    });
  });

  describe('overflow: drop-oldest', () => {
    it('evicts from the head, reports each, and accepts the new message', () => {
      const { queue, drops } = makeQueue({ maxMessages: 2 });
      queue.push(msg('a'));
      queue.push(msg('b'));
      expect(queue.push(msg('c'))).toBe(true);
      expect(drops).toEqual([['a', 'overflow']]);
      expect(texts(queue.drain())).toEqual(['b', 'c']);
    });

    it('evicts as many as the byte bound needs', () => {
      const { queue, drops } = makeQueue({ maxBytes: 10 });
      queue.push(msg('aaa'));
      queue.push(msg('bbb'));
      queue.push(msg('ccc'));
      expect(queue.push(msg('dddddddd'))).toBe(true); // 8 bytes: only 2 left, so a, b, c go
      expect(drops).toEqual([
        ['aaa', 'overflow'],
        ['bbb', 'overflow'],
        ['ccc', 'overflow'],
      ]);
      expect(queue.bytes).toBe(8);
      expect(texts(queue.drain())).toEqual(['dddddddd']);
    });
  });

  describe('overflow: drop-newest', () => {
    it('drops and reports the new message, keeping the queue as it was', () => {
      const { queue, drops } = makeQueue({ maxMessages: 2, overflow: 'drop-newest' });
      queue.push(msg('a'));
      queue.push(msg('b'));
      expect(queue.push(msg('c'))).toBe(false);
      expect(drops).toEqual([['c', 'overflow']]);
      expect(texts(queue.drain())).toEqual(['a', 'b']);
    });

    it('applies the byte bound too', () => {
      const { queue, drops } = makeQueue({ maxBytes: 4, overflow: 'drop-newest' });
      expect(queue.push(msg('abc'))).toBe(true);
      expect(queue.push(msg('de'))).toBe(false);
      expect(queue.push(msg('f'))).toBe(true);
      expect(drops).toEqual([['de', 'overflow']]);
    });
  });

  describe('overflow: reject', () => {
    it('refuses the new message without dropping anything (the caller still holds it)', () => {
      const { queue, drops } = makeQueue({ maxMessages: 1, overflow: 'reject' });
      expect(queue.push(msg('a'))).toBe(true);
      expect(queue.push(msg('b'))).toBe(false);
      expect(drops).toEqual([]);
      expect(texts(queue.drain())).toEqual(['a']);
      expect(queue.push(msg('b'))).toBe(true);
    });
  });

  describe('too-large', () => {
    it.each<OverflowPolicy>(['drop-oldest', 'drop-newest', 'reject'])(
      'drops a message bigger than maxBytes on its own as too-large under %s, evicting nothing',
      (overflow) => {
        const { queue, drops } = makeQueue({ maxBytes: 4, overflow });
        queue.push(msg('ab'));
        expect(queue.push(msg('hello'))).toBe(false);
        expect(drops).toEqual([['hello', 'too-large']]);
        expect(texts(queue.drain())).toEqual(['ab']);
      },
    );

    it('accepts a message of exactly maxBytes', () => {
      const { queue, drops } = makeQueue({ maxBytes: 4 });
      expect(queue.push(toQueuedMessage(new Uint8Array(4)))).toBe(true);
      expect(drops).toEqual([]);
    });
  });

  describe('unshift', () => {
    it('puts a failed write back at the head, keeping order for the flush', () => {
      const { queue } = makeQueue();
      for (const s of ['a', 'b', 'c']) queue.push(msg(s));
      const sent: string[] = [];
      let failOnce = true;
      for (let m = queue.shift(); m; m = queue.shift()) {
        if (m.data === 'b' && failOnce) {
          failOnce = false;
          queue.unshift(m);
          queue.push(msg('d')); // a newer send while reconnecting
          continue;
        }
        sent.push(m.data as string);
      }
      expect(sent).toEqual(['a', 'b', 'c', 'd']);
    });

    it('never drops, even beyond the bounds, and wraps the head in an empty ring', () => {
      const { queue, drops } = makeQueue({ maxMessages: 2, maxBytes: 2 });
      queue.unshift(msg('c'));
      queue.unshift(msg('b'));
      queue.unshift(msg('a'));
      expect(drops).toEqual([]);
      expect(queue.length).toBe(3);
      expect(queue.bytes).toBe(3);
      expect(texts(queue.drain())).toEqual(['a', 'b', 'c']);
    });

    it('grows the ring when unshifting into a full one', () => {
      const { queue } = makeQueue();
      for (let i = 1; i <= 16; i++) queue.push(msg(String(i)));
      queue.shift();
      queue.push(msg('17')); // ring full with the head at index 1
      queue.unshift(msg('1'));
      queue.unshift(msg('0'));
      expect(texts(queue.drain())).toEqual(Array.from({ length: 18 }, (_, i) => String(i)));
    });
  });

  describe('putBack', () => {
    it('puts failed writes back in their original order, ahead of what was queued since', () => {
      const { queue } = makeQueue();
      queue.push(msg('d')); // sent while the failures were on their way
      queue.putBack(msg('a'), 0);
      queue.putBack(msg('b'), 1);
      queue.putBack(msg('c'), 2);
      expect(texts(queue.drain())).toEqual(['a', 'b', 'c', 'd']);
    });

    it('clamps the offset to the length and never drops', () => {
      const { queue, drops } = makeQueue({ maxMessages: 1 });
      queue.putBack(msg('a'), 5);
      queue.putBack(msg('b'), 5);
      expect(drops).toEqual([]);
      expect(queue.bytes).toBe(2);
      expect(texts(queue.drain())).toEqual(['a', 'b']);
    });

    it('matches an array splice for any mix of push, shift and putBack (wrapping and growing)', () => {
      type Op = { op: 'push' } | { op: 'shift' } | { op: 'putBack'; offset: number };
      const op = fc.oneof(
        fc.constant<Op>({ op: 'push' }),
        fc.constant<Op>({ op: 'shift' }),
        fc.nat(40).map((offset): Op => ({ op: 'putBack', offset })),
      );
      fc.assert(
        fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
          const { queue } = makeQueue({ maxMessages: Infinity, maxBytes: Infinity });
          const model: string[] = [];
          let n = 0;
          for (const o of ops) {
            if (o.op === 'push') {
              const m = msg(String(n++));
              queue.push(m);
              model.push(m.data as string);
            } else if (o.op === 'shift') {
              expect(queue.shift()?.data).toBe(model.shift());
            } else {
              const m = msg(String(n++));
              queue.putBack(m, o.offset);
              model.splice(Math.min(o.offset, model.length), 0, m.data as string);
            }
            expect(queue.length).toBe(model.length);
          }
          expect(texts(queue.drain())).toEqual(model);
        }),
      );
    });
  });

  describe('drain', () => {
    it('returns everything in order and empties the queue without reporting', () => {
      const { queue, drops } = makeQueue();
      for (const s of ['x', 'y', 'z']) queue.push(msg(s));
      expect(texts(queue.drain())).toEqual(['x', 'y', 'z']);
      expect(queue.length).toBe(0);
      expect(queue.bytes).toBe(0);
      expect(drops).toEqual([]);
      expect(queue.drain()).toEqual([]);
    });
  });

  describe('clear', () => {
    it('reports every message as disposed and returns them in order', () => {
      const { queue, drops } = makeQueue();
      for (const s of ['a', 'b', 'c']) queue.push(msg(s));
      const cleared = queue.clear('disposed');
      expect(texts(cleared)).toEqual(['a', 'b', 'c']);
      expect(cleared[0]?.original).toEqual({ text: 'a' });
      expect(drops).toEqual([
        ['a', 'disposed'],
        ['b', 'disposed'],
        ['c', 'disposed'],
      ]);
      expect(queue.length).toBe(0);
    });

    it('reports all of them even when onDrop throws, then rethrows the first error', () => {
      const seen: string[] = [];
      const queue = new OutboundQueue({
        onDrop: (m) => {
          seen.push(m.data as string);
          throw new Error(`boom ${String(m.data)}`);
        },
      });
      for (const s of ['a', 'b']) queue.push(msg(s));
      expect(() => queue.clear('disposed')).toThrow('boom a');
      expect(seen).toEqual(['a', 'b']);
      expect(queue.length).toBe(0);
    });
  });

  describe('property: matches an array model', () => {
    type Op =
      | { op: 'push'; size: number }
      | { op: 'shift' }
      | { op: 'unshiftShifted' }
      | { op: 'drain' }
      | { op: 'clear' };

    const opArb: fc.Arbitrary<Op> = fc.oneof(
      { weight: 24, arbitrary: fc.record({ op: fc.constant('push' as const), size: fc.integer({ min: 0, max: 12 }) }) },
      { weight: 10, arbitrary: fc.constant({ op: 'shift' as const }) },
      { weight: 5, arbitrary: fc.constant({ op: 'unshiftShifted' as const }) },
      { weight: 1, arbitrary: fc.constant({ op: 'drain' as const }) },
      { weight: 1, arbitrary: fc.constant({ op: 'clear' as const }) },
    );

    it('agrees with the model for random op sequences and stays within bounds except by unshifted messages', () => {
      fc.assert(
        fc.property(
          // Small bounds hit every overflow path; large ones make the ring (16 slots) grow and wrap.
          fc.oneof(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 17, max: 60 })),
          fc.oneof(fc.integer({ min: 1, max: 30 }), fc.integer({ min: 100, max: 400 })),
          fc.constantFrom<OverflowPolicy>('drop-oldest', 'drop-newest', 'reject'),
          fc.array(opArb, { maxLength: 200, size: 'max' }),
          (maxMessages, maxBytes, overflow, ops) => {
            const drops: [number, DropReason][] = [];
            const queue = new OutboundQueue({ maxMessages, maxBytes, overflow, onDrop: (m, r) => drops.push([m.original as number, r]) });
            const model: { id: number; size: number }[] = [];
            const modelDrops: [number, DropReason][] = [];
            let lastShifted: QueuedMessage | undefined;
            let nextId = 0;
            const modelBytes = () => model.reduce((n, m) => n + m.size, 0);

            for (const step of ops) {
              const lengthBefore = queue.length;
              const bytesBefore = queue.bytes;
              switch (step.op) {
                case 'push': {
                  const id = nextId++;
                  const m: QueuedMessage = { data: 'x'.repeat(step.size), size: step.size, binary: false, original: id };
                  let expected: boolean;
                  if (step.size > maxBytes) {
                    modelDrops.push([id, 'too-large']);
                    expected = false;
                  } else {
                    const fits = () => model.length < maxMessages && modelBytes() + step.size <= maxBytes;
                    if (fits()) expected = true;
                    else if (overflow === 'reject') expected = false;
                    else if (overflow === 'drop-newest') {
                      modelDrops.push([id, 'overflow']);
                      expected = false;
                    } else {
                      while (!fits()) modelDrops.push([model.shift()!.id, 'overflow']);
                      expected = true;
                    }
                    if (expected) model.push({ id, size: step.size });
                  }
                  expect(queue.push(m)).toBe(expected);
                  // A push never takes the queue past a bound it was not already past (by unshifts).
                  expect(queue.length).toBeLessThanOrEqual(Math.max(maxMessages, lengthBefore));
                  expect(queue.bytes).toBeLessThanOrEqual(Math.max(maxBytes, bytesBefore));
                  break;
                }
                case 'shift': {
                  const got = queue.shift();
                  const want = model.shift();
                  expect(got?.original).toBe(want?.id);
                  if (got) lastShifted = got;
                  break;
                }
                case 'unshiftShifted':
                  if (lastShifted) {
                    queue.unshift(lastShifted);
                    model.unshift({ id: lastShifted.original as number, size: lastShifted.size });
                    expect(queue.length).toBe(lengthBefore + 1);
                    lastShifted = undefined;
                  }
                  break;
                case 'drain':
                  expect(queue.drain().map((m) => m.original)).toEqual(model.splice(0).map((m) => m.id));
                  break;
                case 'clear':
                  for (const m of model) modelDrops.push([m.id, 'disposed']);
                  expect(queue.clear('disposed').map((m) => m.original)).toEqual(model.splice(0).map((m) => m.id));
                  break;
              }
              expect(queue.length).toBe(model.length);
              expect(queue.bytes).toBe(modelBytes());
              expect(drops.length).toBe(modelDrops.length);
            }
            expect(drops).toEqual(modelDrops);
            expect(queue.drain().map((m) => m.original)).toEqual(model.map((m) => m.id));
          },
        ),
        { numRuns: 300 },
      );
    });
  });
});
