/**
 * The acknowledgement bookkeeping of at-least-once delivery, on a hand-driven
 * clock: the timer runs only while open and is never armed below `ackTimeout`.
 */
import { describe, expect, it } from 'vitest';
import type { Clock } from '../../src/runtime/clock.js';
import { Acknowledgements } from '../../src/websocket/Acknowledgements.js';
import { toQueuedMessage } from '../../src/websocket/OutboundQueue.js';

/** A clock whose timers fire only when the test advances it; every delay asked for is kept. */
function manualClock() {
  let now = 0;
  let nextId = 1;
  const timers = new Map<number, { at: number; fn: () => void }>();
  const delays: number[] = [];
  const clock: Clock & { advance(ms: number): void; delays: number[]; pending(): number } = {
    delays,
    now: () => now,
    setTimeout(fn, ms) {
      delays.push(ms);
      const id = nextId++;
      timers.set(id, { at: now + ms, fn: fn as () => void });
      return id;
    },
    clearTimeout: (id) => void timers.delete(id as number),
    advance(ms) {
      const until = now + ms;
      for (;;) {
        const due = [...timers.entries()].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0];
        if (due === undefined) break;
        timers.delete(due[0]);
        now = due[1].at;
        due[1].fn();
      }
      now = until;
    },
    pending: () => timers.size,
  };
  return clock;
}

const delivery = { messageId: (m: unknown) => (m as { id?: number }).id, ackId: (m: unknown) => (m as { ack?: number }).ack, ackTimeout: 100 };
const message = (id: number) => toQueuedMessage(JSON.stringify({ id }), { id });
const sink = { failures: [] as string[], callbackFailed(callback: string) { this.failures.push(callback); } };

describe('Acknowledgements', () => {
  it('times nothing while closed, even with overdue messages', () => {
    const clock = manualClock();
    const overdue: number[] = [];
    const acks = new Acknowledgements(delivery, clock, sink, (t) => overdue.push(t));
    acks.track(message(1));
    clock.advance(10_000);
    expect(clock.delays).toEqual([]);
    expect(overdue).toEqual([]);
    expect(acks.size).toBe(1);
  });

  it('open re-sends in order with a fresh clock; an overdue acknowledgement is reported once, then nothing until the next open', () => {
    const clock = manualClock();
    const overdue: number[] = [];
    const acks = new Acknowledgements(delivery, clock, sink, (t) => overdue.push(t));
    acks.track(message(1));
    acks.track(message(2));
    clock.advance(500);
    const resent: unknown[] = [];
    acks.open((m) => resent.push(m.original));
    expect(resent).toEqual([{ id: 1 }, { id: 2 }]);
    clock.advance(99);
    expect(overdue).toEqual([]);
    clock.advance(1);
    expect(overdue).toEqual([100]);
    clock.advance(10_000); // the runtime drops the link; until it closes, no re-arming
    expect(overdue).toEqual([100]);
    expect(clock.pending()).toBe(0);
    acks.close();
    acks.open(() => {});
    expect(clock.pending()).toBe(1);
    expect(clock.delays.every((d) => d >= delivery.ackTimeout)).toBe(true);
  });

  it('acknowledged messages are forgotten; the timer moves on to the next oldest, never below ackTimeout', () => {
    const clock = manualClock();
    const overdue: number[] = [];
    const acks = new Acknowledgements(delivery, clock, sink, (t) => overdue.push(t));
    acks.open(() => {});
    acks.track(message(1));
    clock.advance(60);
    acks.track(message(2));
    expect(acks.acknowledge({ ack: 1 })).toBe(true);
    expect(acks.acknowledge({ ack: 1 })).toBe(false);
    expect(acks.acknowledge({ other: true })).toBe(false);
    clock.advance(40); // the first timer fires: message 2 is not overdue yet
    expect(overdue).toEqual([]);
    clock.advance(100);
    expect(overdue).toEqual([100]);
    expect(clock.delays).toEqual([100, 100]);
  });

  it('messageId and ackId that throw: reported to the sink, the message untracked, the incoming one no ack', () => {
    const clock = manualClock();
    const failures: string[] = [];
    const throwing = {
      ...delivery,
      messageId: () => {
        throw new Error('no id');
      },
      ackId: () => {
        throw new Error('no ack');
      },
    };
    const acks = new Acknowledgements(throwing, clock, { callbackFailed: (c) => void failures.push(c) }, () => {});
    acks.track(message(1));
    expect(acks.size).toBe(0);
    expect(acks.acknowledge({ ack: 1 })).toBe(false);
    expect(failures).toEqual(['delivery.messageId', 'delivery.ackId']);
  });

  it('clear stops the timer and hands back what was waiting, oldest first', () => {
    const clock = manualClock();
    const acks = new Acknowledgements(delivery, clock, sink, () => {});
    acks.open(() => {});
    acks.track(message(1));
    acks.track(message(2));
    expect(acks.clear()).toEqual([{ id: 1 }, { id: 2 }]);
    expect(clock.pending()).toBe(0);
    expect(acks.size).toBe(0);
  });
});
