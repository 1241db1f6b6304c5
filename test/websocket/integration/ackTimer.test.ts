/**
 * The acknowledgement timer (issue 9, item 9): with `delivery` set and the oldest
 * unacknowledged message overdue, no timer may spin while the connection waits
 * to reconnect. Timer calls are counted through the injected `clock`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketConnection } from '../../../src/index.js';
import type { Clock } from '../../../src/index.js';
import { sleep, startWsServer, tracker, waitFor } from '../../helpers/wsServer.js';

const track = tracker();
afterEach(() => track.cleanup());

/** The system clock, recording the delay of every timer set while `counting`. */
function countingClock() {
  const delays: number[] = [];
  const clock: Clock & { counting: boolean; delays: number[] } = {
    counting: false,
    delays,
    now: () => Date.now(),
    setTimeout(fn, ms) {
      if (clock.counting) delays.push(ms);
      return setTimeout(fn, ms);
    },
    clearTimeout: (id) => clearTimeout(id as ReturnType<typeof setTimeout>),
  };
  return clock;
}

const delivery = {
  messageId: (m: unknown) => (m as { id?: number } | null)?.id,
  ackId: (m: unknown) => (m as { ack?: number } | null)?.ack,
  ackTimeout: 50,
};

describe('ack timer', () => {
  it('waiting to reconnect with an overdue unacknowledged message: no timer shorter than the smallest interval, no spinning', async () => {
    const server = track.server(await startWsServer()); // never acknowledges
    const clock = countingClock();
    const conn = track.conn(
      new WebSocketConnection({ url: server.url, clock, delivery, healthUrl: false, pingInterval: 0, reconnectDelay: 60_000, maxReconnectDelay: 60_000 }),
    );
    await conn.connect();
    conn.send({ id: 1 });
    await server.waitForMessages(1);
    await server.stop();
    await waitFor(() => conn.actor.getSnapshot().matches({ session: 'waiting' }), 3000, 'session.waiting');
    expect(conn.getStats().unacknowledged).toBe(1);

    clock.counting = true;
    await sleep(300); // six ack timeouts while waiting out a 60 s backoff
    clock.counting = false;
    expect(clock.delays.filter((d) => d < delivery.ackTimeout)).toEqual([]);
    expect(clock.delays.length).toBeLessThanOrEqual(6);
    expect(conn.getStats().unacknowledged).toBe(1); // still kept for the re-send

    // Back up: the message is re-sent and its acknowledgement clock starts again.
    await server.restart();
    conn.actor.send({ type: 'RETRY_NOW' });
    await server.waitForMessages(2, 3000);
    expect(server.messages.map((m) => m.json)).toEqual([{ id: 1 }, { id: 1 }]);
  });

  it('an overdue acknowledgement while open still drops the link (once) and re-sends', async () => {
    let acks = false;
    const server = track.server(await startWsServer({ ack: (m) => (acks ? (m as { id?: number }).id : undefined) }));
    const clock = countingClock();
    // 300 ms: room for the re-send's acknowledgement on a loaded machine, so only the first link is dropped.
    const conn = track.conn(
      new WebSocketConnection({ url: server.url, clock, delivery: { ...delivery, ackTimeout: 300 }, healthUrl: false, pingInterval: 0, reconnectDelay: 10, maxReconnectDelay: 20 }),
    );
    await conn.connect();
    conn.send({ id: 7 });
    await server.waitForMessages(1);
    acks = true;
    await server.waitForConnections(2, 3000);
    await waitFor(() => conn.getStats().unacknowledged === 0, 3000, 'the acknowledgement of the re-send');
    expect(server.closes.map((c) => c.connection)).toEqual([1]);
    expect(server.messages.map((m) => [m.connection, m.json])).toEqual([
      [1, { id: 7 }],
      [2, { id: 7 }],
    ]);
  });
});
