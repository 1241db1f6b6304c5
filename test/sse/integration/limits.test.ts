/**
 * The limits `SSEConnection` watches on a real stream from 127.0.0.1: a
 * stream that goes quiet (`idleTimeout`), an event larger than
 * `maxEventBytes`, and an inbox nobody reads (`inboxSize`).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SSEConnection, TimeoutError, type SSEConnectionOptions } from '../../../src/index.js';
import { recordConnectionEvents, startSseServer } from '../../helpers/sseServer.js';
import { sleep, tracker, waitFor } from '../../helpers/wsServer.js';

const track = tracker();
afterEach(() => track.cleanup());

function connection(options: SSEConnectionOptions): SSEConnection {
  return track.conn(new SSEConnection({ retryDelay: 20, maxRetryDelay: 100, ...options }));
}

describe('idleTimeout', () => {
  it('a stream that sends one event and then nothing (socket open) is stalled: stream_stalled, the client closes it and reconnects', async () => {
    const server = track.server(
      await startSseServer((s) => {
        s.open();
        s.send({ id: String(s.request.index + 1), data: 'then silence' });
      }),
    );
    const conn = connection({ url: server.url, idleTimeout: 200 });
    const events = recordConnectionEvents(conn);
    await conn.connect();
    expect((await conn.receive(2_000)).id).toBe('1');
    await server.waitForRequests(2, 3_000);
    // The client gave up on the first stream itself (the server never closed it).
    await server.waitForClosed(0);
    expect(server.requests[0]!.closedEarly).toBe(true);
    expect(server.requests[1]!.lastEventId).toBe('1');
    expect(events.types().slice(0, 4)).toEqual(['connected', 'stream_stalled', 'connection_lost', 'reconnecting']);
    expect(events.of('stream_stalled')[0]).toMatchObject({ severity: 'warning', data: { idleTimeout: 200 } });
    expect(events.of('connection_lost')[0]!.data).toEqual({ reason: 'idle' });
    expect((await conn.receive(2_000)).id).toBe('2');
    // Causality: not stalled before idleTimeout had passed since the last byte.
    expect(server.requests[0]!.closedAt! - server.requests[0]!.at).toBeGreaterThanOrEqual(200);
  });

  it('a comment every 50 ms keeps the stream alive with idleTimeout 200', async () => {
    const server = track.server(
      await startSseServer((s) => {
        s.open();
        s.send({ id: '1', data: 'once' });
        s.every(50, () => s.comment('ping'));
      }),
    );
    const conn = connection({ url: server.url, idleTimeout: 200 });
    const events = recordConnectionEvents(conn);
    await conn.connect();
    await conn.receive(2_000);
    await sleep(700); // 3.5 idle periods
    expect(events.count('stream_stalled')).toBe(0);
    expect(events.types()).toEqual(['connected']);
    expect(server.requests).toHaveLength(1);
    expect(conn.isConnected()).toBe(true);
    expect((await conn.healthCheck()).isHealthy).toBe(true);
    // The pings are activity, not events.
    expect(conn.getStats().eventsReceived).toBe(1);
    await expect(conn.receive(50)).rejects.toBeInstanceOf(TimeoutError);
  });

  it('idleTimeout: 0 turns the check off: a silent stream stays open', async () => {
    const server = track.server(
      await startSseServer((s) => {
        s.open();
        s.send({ data: 'once' });
      }),
    );
    const conn = connection({ url: server.url, idleTimeout: 0 });
    const events = recordConnectionEvents(conn);
    await conn.connect();
    await sleep(300);
    expect(events.types()).toEqual(['connected']);
    expect(server.requests).toHaveLength(1);
    expect(conn.isConnected()).toBe(true);
  });
});

describe('maxEventBytes', () => {
  it('a 10 KB event with maxEventBytes 1024: event_too_large, reconnect, never delivered; smaller events before it were', async () => {
    const big = 'x'.repeat(10 * 1024);
    const server = track.server(
      await startSseServer((s) => {
        s.open();
        if (s.request.index === 0) {
          s.send({ id: '1', data: 'small one' });
          s.after(30, () => s.send({ id: '2', data: { small: 'two' } }));
          s.after(60, () => s.send({ id: '3', data: big }));
        } else {
          s.send({ id: '4', data: 'after the reconnect' });
        }
      }),
    );
    const conn = connection({ url: server.url, maxEventBytes: 1024 });
    const events = recordConnectionEvents(conn);
    const seen: string[] = [];
    conn.on('message', (m) => seen.push(m.id));
    await conn.connect();
    await server.waitForRequests(2, 3_000);
    expect((await conn.receive(2_000)).raw).toBe('small one');
    expect((await conn.receive(2_000)).data).toEqual({ small: 'two' });
    expect((await conn.receive(2_000)).raw).toBe('after the reconnect');
    expect(seen).toEqual(['1', '2', '4']);
    expect(events.types().slice(0, 4)).toEqual(['connected', 'event_too_large', 'connection_lost', 'reconnecting']);
    const tooLarge = events.of('event_too_large')[0]!;
    expect(tooLarge.severity).toBe('warning');
    expect(tooLarge.data).toMatchObject({ maxEventBytes: 1024 });
    expect((tooLarge.data as { bytes: number }).bytes).toBeGreaterThan(1024);
    expect(events.of('connection_lost')[0]!.data).toEqual({ reason: 'oversized' });
    // The reconnect resumes after the last event delivered; the client cut the stream.
    expect(server.requests[1]!.lastEventId).toBe('2');
    expect(server.requests[0]!.closedEarly).toBe(true);
    expect(conn.getStats().eventsReceived).toBe(3);
  });

  it('an event of exactly maxEventBytes (field names included) is delivered', async () => {
    // "data: " (6) + 1018 = 1024 bytes on the line.
    const data = 'y'.repeat(1018);
    const server = track.server(
      await startSseServer((s) => {
        s.open();
        s.write(`data: ${data}\n\n`);
      }),
    );
    const conn = connection({ url: server.url, maxEventBytes: 1024 });
    const events = recordConnectionEvents(conn);
    await conn.connect();
    expect((await conn.receive(2_000)).raw).toBe(data);
    expect(events.count('event_too_large')).toBe(0);
  });

  // Complete events in the same chunk as an oversized one still reach the parser
  // (regression: the whole chunk used to be refused, and a replaying server would send
  // them again with the same big event, so they were never delivered).
  it('complete events in the same chunk before the oversized one are delivered', async () => {
    const server = track.server(
      await startSseServer((s) => {
        s.open();
        if (s.request.index === 0) s.write(`id: 1\ndata: small\n\nid: 2\ndata: ${'x'.repeat(10 * 1024)}\n\n`);
        else s.send({ id: '3', data: 'next' });
      }),
    );
    const conn = connection({ url: server.url, maxEventBytes: 1024 });
    await conn.connect();
    await server.waitForRequests(2, 3_000);
    expect((await conn.receive(1_000)).raw).toBe('small');
    expect(server.requests[1]!.lastEventId).toBe('1');
  });
});

describe('inboxSize', () => {
  it('unread events beyond inboxSize are dropped oldest first and reported as message_dropped', async () => {
    const server = track.server(
      await startSseServer((s) => {
        s.open();
        for (let i = 1; i <= 5; i++) s.send({ id: String(i), event: 'tick', data: String(i) });
      }),
    );
    const conn = connection({ url: server.url, inboxSize: 2 });
    const events = recordConnectionEvents(conn);
    await conn.connect();
    await waitFor(() => conn.getStats().eventsReceived === 5, 2_000, 'five events');
    expect(events.of('message_dropped').map((e) => e.data)).toEqual([
      { event: 'tick', id: '1' },
      { event: 'tick', id: '2' },
      { event: 'tick', id: '3' },
    ]);
    expect((await conn.receive(1_000)).id).toBe('4');
    expect((await conn.receive(1_000)).id).toBe('5');
  });

  it('no message_dropped for events a handler took', async () => {
    const server = track.server(
      await startSseServer((s) => {
        s.open();
        for (let i = 1; i <= 5; i++) s.send({ id: String(i), data: String(i) });
      }),
    );
    const conn = connection({ url: server.url, inboxSize: 2 });
    const events = recordConnectionEvents(conn);
    const handled: string[] = [];
    conn.on('message', (m) => handled.push(m.id));
    await conn.connect();
    await waitFor(() => handled.length === 5, 2_000, 'five events');
    expect(events.count('message_dropped')).toBe(0);
  });
});
