import { describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import type { Clock } from '../../src/runtime/clock.js';
import { ConfigError, TimeoutError } from '../../src/errors.js';
import { Inbox, type InboxOptions } from '../../src/runtime/Inbox.js';

/** A SimulatedClock that also counts the timers currently armed. */
function countingClock() {
  const sim = new SimulatedClock();
  const armed = new Set<unknown>();
  const clock: Clock & { armed: Set<unknown>; increment(ms: number): void } = {
    armed,
    now: () => sim.now(),
    setTimeout: (fn, ms) => {
      const id: number = sim.setTimeout((...args: unknown[]) => {
        armed.delete(id);
        fn(...args);
      }, ms);
      armed.add(id);
      return id;
    },
    clearTimeout: (id) => {
      armed.delete(id);
      sim.clearTimeout(id as number);
    },
    increment: (ms) => sim.increment(ms),
  };
  return clock;
}

function makeInbox<T = string>(options: Partial<InboxOptions<T>> = {}) {
  const clock = countingClock();
  const overflowed: T[] = [];
  const inbox = new Inbox<T>({ clock, onOverflow: (d) => overflowed.push(d), ...options });
  return { inbox, clock, overflowed };
}

/** Settles a promise into a plain record, so pending-ness can be checked synchronously later. */
function track<T>(p: Promise<T>) {
  const state: { status: 'pending' | 'fulfilled' | 'rejected'; value?: T; error?: unknown } = { status: 'pending' };
  p.then(
    (value) => Object.assign(state, { status: 'fulfilled', value }),
    (error: unknown) => Object.assign(state, { status: 'rejected', error }),
  );
  return state;
}

const tick = () => new Promise<void>((r) => setImmediate(r));

describe('Inbox', () => {
  describe('constructor', () => {
    it('defaults capacity to 1000', () => {
      expect(new Inbox({ onOverflow: () => {} }).capacity).toBe(1000);
    });

    it.each([
      ['capacity', 0],
      ['capacity', 2.5],
      ['clock', {}],
      ['onOverflow', undefined],
    ])('refuses %s = %j with a ConfigError naming it', (option, value) => {
      const options = { onOverflow: () => {}, [option]: value } as unknown as InboxOptions<string>;
      expect(() => new Inbox(options)).toThrow(ConfigError);
      try {
        new Inbox(options);
      } catch (e) {
        expect((e as ConfigError).option).toBe(option);
        expect((e as ConfigError).owner).toBe('Inbox');
      }
    });
  });

  describe('push', () => {
    it('stores items in FIFO order when nobody is waiting', async () => {
      const { inbox } = makeInbox();
      inbox.push('a');
      inbox.push('b');
      expect(inbox.size).toBe(2);
      expect(await inbox.receive()).toBe('a');
      expect(await inbox.receive()).toBe('b');
      expect(inbox.size).toBe(0);
    });

    it('hands the item straight to the oldest waiter, without storing it', async () => {
      const { inbox } = makeInbox();
      const first = inbox.receive();
      const second = inbox.receive();
      expect(inbox.waiting).toBe(2);
      inbox.push('a');
      expect(inbox.size).toBe(0);
      inbox.push('b');
      expect(await first).toBe('a');
      expect(await second).toBe('b');
      expect(inbox.waiting).toBe(0);
    });

    it('when full, drops the oldest stored item and reports it', async () => {
      const { inbox, overflowed } = makeInbox({ capacity: 2 });
      inbox.push('a');
      inbox.push('b');
      inbox.push('c');
      expect(overflowed).toEqual(['a']);
      expect(inbox.size).toBe(2);
      expect(await inbox.receive()).toBe('b');
      expect(await inbox.receive()).toBe('c');
    });

    it('keeps the new item even if onOverflow throws', async () => {
      const inbox = new Inbox<string>({
        capacity: 1,
        onOverflow: () => {
          throw new Error('handler bug');
        },
      });
      inbox.push('a');
      expect(() => inbox.push('b')).toThrow('handler bug');
      expect(await inbox.receive()).toBe('b');
    });

    it('stays FIFO across many pushes and receives (deque compaction)', async () => {
      const { inbox } = makeInbox<number>({ capacity: 10_000 });
      const got: number[] = [];
      for (let i = 0; i < 5000; i++) {
        inbox.push(i);
        if (i % 3 === 0) got.push(await inbox.receive());
      }
      while (inbox.size > 0) got.push(await inbox.receive());
      expect(got).toEqual(Array.from({ length: 5000 }, (_, i) => i));
    });
  });

  describe('receive', () => {
    it('rejects with TimeoutError after the timeout on the clock, and not before', async () => {
      const { inbox, clock } = makeInbox();
      const r = track(inbox.receive(100));
      clock.increment(99);
      await tick();
      expect(r.status).toBe('pending');
      clock.increment(1);
      await tick();
      expect(r.status).toBe('rejected');
      expect(r.error).toBeInstanceOf(TimeoutError);
      expect((r.error as TimeoutError).timeout).toBe(100);
      expect(inbox.waiting).toBe(0);
      expect(clock.armed.size).toBe(0);
    });

    it('clears its timer when an item arrives', async () => {
      const { inbox, clock } = makeInbox();
      const p = inbox.receive(100);
      expect(clock.armed.size).toBe(1);
      inbox.push('a');
      expect(clock.armed.size).toBe(0);
      expect(await p).toBe('a');
      clock.increment(1000); // nothing fires late
      expect(inbox.waiting).toBe(0);
    });

    it('arms no timer when an item is already stored, or when waiting forever', async () => {
      const { inbox, clock } = makeInbox();
      inbox.push('a');
      expect(await inbox.receive(100)).toBe('a');
      const forever = inbox.receive();
      const infinite = inbox.receive(Infinity);
      expect(clock.armed.size).toBe(0);
      clock.increment(1e9);
      inbox.push('b');
      inbox.push('c');
      expect([await forever, await infinite]).toEqual(['b', 'c']);
    });

    it('with timeout 0 returns a stored item or rejects at once', async () => {
      const { inbox, clock } = makeInbox();
      await expect(inbox.receive(0)).rejects.toBeInstanceOf(TimeoutError);
      expect(clock.armed.size).toBe(0);
      inbox.push('a');
      expect(await inbox.receive(0)).toBe('a');
    });

    it('a timed-out waiter is skipped: the next item goes to the next waiter', async () => {
      const { inbox, clock } = makeInbox();
      const short = track(inbox.receive(10));
      const long = inbox.receive(1000);
      clock.increment(10);
      await tick();
      expect(short.status).toBe('rejected');
      inbox.push('a');
      expect(await long).toBe('a');
      expect(inbox.size).toBe(0);
    });

    it('rejects with the signal`s reason, before or while waiting, and cleans up', async () => {
      const { inbox, clock } = makeInbox();
      inbox.push('kept');
      await expect(inbox.receive(undefined, AbortSignal.abort(new Error('early')))).rejects.toThrow('early');
      expect(inbox.size).toBe(1); // an aborted receive consumes nothing
      await inbox.receive();

      const controller = new AbortController();
      const waiting = inbox.receive(500, controller.signal);
      expect(clock.armed.size).toBe(1);
      controller.abort(new Error('late'));
      await expect(waiting).rejects.toThrow('late');
      expect(clock.armed.size).toBe(0);
      expect(inbox.waiting).toBe(0);
      inbox.push('after');
      expect(inbox.size).toBe(1); // not swallowed by the aborted waiter
    });

    it('removes its abort listener once settled', async () => {
      const { inbox } = makeInbox();
      const controller = new AbortController();
      const removed: string[] = [];
      const original = controller.signal.removeEventListener.bind(controller.signal);
      controller.signal.removeEventListener = ((type: string, listener: EventListener) => {
        removed.push(type);
        original(type, listener);
      }) as typeof controller.signal.removeEventListener;
      const p = inbox.receive(undefined, controller.signal);
      inbox.push('a');
      expect(await p).toBe('a');
      expect(removed).toEqual(['abort']);
    });

    it.each([-1, Number.NaN, 2 ** 31, '100'])('refuses a timeout of %s with a ConfigError', async (timeout) => {
      const { inbox, clock } = makeInbox();
      await expect(inbox.receive(timeout as number)).rejects.toBeInstanceOf(ConfigError);
      expect(clock.armed.size).toBe(0);
    });
  });

  describe('close', () => {
    it('rejects every pending receive with the error and clears their timers', async () => {
      const { inbox, clock } = makeInbox();
      const a = inbox.receive(1000).catch((e: Error) => e.message);
      const b = inbox.receive().catch((e: Error) => e.message);
      inbox.close(new Error('disposed'));
      expect(await Promise.all([a, b])).toEqual(['disposed', 'disposed']);
      expect(clock.armed.size).toBe(0);
      expect(inbox.closed).toBe(true);
    });

    it('lets stored items be received first, then rejects later receives', async () => {
      const { inbox } = makeInbox();
      inbox.push('a');
      inbox.close(new Error('disposed'));
      expect(await inbox.receive()).toBe('a');
      await expect(inbox.receive()).rejects.toThrow('disposed');
      await expect(inbox.receive(10)).rejects.toThrow('disposed');
    });

    it('keeps the first error when closed twice', async () => {
      const { inbox } = makeInbox();
      inbox.close(new Error('first'));
      inbox.close(new Error('second'));
      await expect(inbox.receive()).rejects.toThrow('first');
    });
  });

  it('countWhere counts stored items across the ring wrap; interrupt rejects waiters and stays open', async () => {
    const { inbox } = makeInbox<number>({ capacity: 4 });
    for (let i = 1; i <= 6; i++) inbox.push(i); // 1 and 2 evicted: the ring wrapped
    expect(inbox.countWhere((n) => n % 2 === 0)).toBe(2); // 4, 6
    expect(inbox.countWhere(() => true)).toBe(4);
    for (let i = 0; i < 4; i++) await inbox.receive(0);
    const waiting = track(inbox.receive());
    inbox.interrupt(new Error('session ended'));
    await tick();
    expect(waiting).toMatchObject({ status: 'rejected', error: new Error('session ended') });
    inbox.push(7);
    expect(await inbox.receive(0)).toBe(7);
  });
});
