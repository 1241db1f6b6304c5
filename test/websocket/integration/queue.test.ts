/**
 * The outbound queue of `WebSocketConnection` against real `ws` servers: what is
 * sent while down is flushed in order on (re)connect, bounded with every drop
 * reported, after the `onOpen` hook; `dispose()` reports what was left.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketConnection } from '../../../src/index.js';
import type { DroppedMessage, OverflowPolicy, WebSocketConnectionOptions } from '../../../src/index.js';
import { recordEvents, sleep, startWsServer, tracker, waitFor } from '../../helpers/wsServer.js';

const track = tracker();
afterEach(() => track.cleanup());

function connection(options: WebSocketConnectionOptions): WebSocketConnection {
  return track.conn(new WebSocketConnection({ reconnectDelay: 10, maxReconnectDelay: 50, healthUrl: false, ...options }));
}

function drops(conn: WebSocketConnection): DroppedMessage[] {
  const out: DroppedMessage[] = [];
  conn.on('message_dropped', (d: DroppedMessage) => out.push(d));
  return out;
}

describe('flush on reconnect', () => {
  it('messages sent while the server is down are flushed in order, before a message sent after the reconnect', async () => {
    const server = track.server(await startWsServer());
    const conn = connection({ url: server.url });
    await conn.connect();
    conn.send({ n: 'before' });
    await server.waitForMessages(1);
    await server.stop();
    await waitFor(() => conn.actor.getSnapshot().matches({ session: 'waiting' }), 2000, 'waiting');

    const results = [1, 2, 3, 4, 5].map((n) => conn.send({ n }));
    expect(results).toEqual([true, true, true, true, true]);
    expect(conn.getStats().queuedMessages).toBe(5);
    let sentOnOpen = false;
    conn.on('open', () => (sentOnOpen = conn.send({ n: 'after' })));
    await server.restart();
    await server.waitForMessages(7, 3000);

    expect(sentOnOpen).toBe(true);
    const second = server.messages.filter((m) => m.connection === 2).map((m) => m.json);
    expect(second).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }, { n: 5 }, { n: 'after' }]);
    expect(conn.getStats().queuedMessages).toBe(0);
  });

  it('what is sent before connect() is flushed in order on the first open; messagesSent counts it', async () => {
    const server = track.server(await startWsServer());
    const conn = connection({ url: server.url });
    conn.send('a');
    conn.send({ b: 1 });
    conn.send('c');
    expect(conn.getStats()).toMatchObject({ queuedMessages: 3, messagesSent: 0 });
    await conn.connect();
    await server.waitForMessages(3);
    expect(server.texts()).toEqual(['a', '{"b":1}', 'c']);
    expect(conn.getStats()).toMatchObject({ queuedMessages: 0, messagesSent: 3 });
  });
});

describe('bounds and overflow policies (maxQueuedMessages 3, five sends while down)', () => {
  const cases: Array<{ policy: OverflowPolicy | undefined; returns: boolean[]; dropped: number[]; flushed: number[] }> = [
    { policy: undefined, returns: [true, true, true, true, true], dropped: [1, 2], flushed: [3, 4, 5] },
    { policy: 'drop-oldest', returns: [true, true, true, true, true], dropped: [1, 2], flushed: [3, 4, 5] },
    { policy: 'drop-newest', returns: [true, true, true, false, false], dropped: [4, 5], flushed: [1, 2, 3] },
    // reject refuses (send() returns false, the caller keeps the message): nothing is dropped.
    { policy: 'reject', returns: [true, true, true, false, false], dropped: [], flushed: [1, 2, 3] },
  ];
  for (const c of cases) {
    it(`${c.policy ?? 'default (drop-oldest)'}: send() returns ${JSON.stringify(c.returns)}, drops ${JSON.stringify(c.dropped)}`, async () => {
      const server = track.server(await startWsServer());
      const conn = connection({ url: server.url, maxQueuedMessages: 3, ...(c.policy ? { overflow: c.policy } : {}) });
      const dropped = drops(conn);
      const returns = [1, 2, 3, 4, 5].map((n) => conn.send({ n }));
      expect(returns).toEqual(c.returns);
      expect(dropped).toEqual(c.dropped.map((n) => ({ message: { n }, reason: 'overflow' })));
      expect(conn.getStats().queuedMessages).toBe(3);
      await conn.connect();
      await server.waitForMessages(3);
      await sleep(50);
      expect(server.jsons()).toEqual(c.flushed.map((n) => ({ n })));
    });
  }

  it('maxQueuedBytes: a message larger than the bound is dropped as too-large; the byte bound evicts the oldest', async () => {
    const server = track.server(await startWsServer());
    const conn = connection({ url: server.url, maxQueuedBytes: 10 });
    const dropped = drops(conn);
    expect(conn.send('x'.repeat(11))).toBe(false);
    expect(dropped).toEqual([{ message: 'x'.repeat(11), reason: 'too-large' }]);
    expect(conn.send('aaaa')).toBe(true);
    expect(conn.send('bbbb')).toBe(true);
    expect(conn.send('cccc')).toBe(true); // 12 bytes > 10: 'aaaa' goes
    expect(dropped.slice(1)).toEqual([{ message: 'aaaa', reason: 'overflow' }]);
    await conn.connect();
    await server.waitForMessages(2);
    await sleep(50);
    expect(server.texts()).toEqual(['bbbb', 'cccc']);
  });

  it('streamAudio is not queued while down by default (reported not-connected); queueBinary: true queues it as binary', async () => {
    const server = track.server(await startWsServer());
    const plain = connection({ url: server.url });
    const dropped = drops(plain);
    const audio = new Uint8Array([9, 8, 7]).buffer;
    expect(plain.streamAudio(audio)).toBe(false);
    expect(dropped).toEqual([{ message: audio, reason: 'not-connected' }]);
    expect(plain.getStats().queuedMessages).toBe(0);

    const queuing = connection({ url: server.url, queueBinary: true });
    expect(queuing.streamAudio(new Uint8Array([1, 2, 3]))).toBe(true);
    expect(queuing.getStats().queuedMessages).toBe(1);
    await queuing.connect();
    await server.waitForMessages(1);
    expect(server.messages[0]!.isBinary).toBe(true);
    expect([...server.messages[0]!.data]).toEqual([1, 2, 3]);
  });
});

describe('onOpen hook', () => {
  it('runs (and is awaited) after every open, before the flush: sends made while it runs come after the queue', async () => {
    const server = track.server(await startWsServer());
    const order: string[] = [];
    const conn = connection({
      url: server.url,
      onOpen: async () => {
        order.push(`onOpen:${server.connections}:${server.messages.length}`);
        await sleep(30);
      },
    });
    conn.send({ q: 1 });
    conn.send({ q: 2 });
    void conn.connect();
    await server.waitForConnections(1);
    // The hook is still running: this send must not overtake the queue.
    await sleep(5);
    expect(conn.send({ q: 'during' })).toBe(true);
    await server.waitForMessages(3);
    expect(order).toEqual(['onOpen:1:0']); // nothing was flushed before the hook ran
    expect(server.jsons()).toEqual([{ q: 1 }, { q: 2 }, { q: 'during' }]);

    // Again after a reconnect.
    server.terminateAll();
    await server.waitForConnections(2);
    await waitFor(() => order.length === 2 && conn.isConnected(), 2000, 'the second onOpen');
    expect(order[1]).toMatch(/^onOpen:2:/);
  });

  it('the auth message sent from onOpen reaches the server before the queued messages', async () => {
    const server = track.server(await startWsServer());
    const conn = connection({
      url: server.url,
      onOpen: (c) => {
        (c as WebSocketConnection).send({ type: 'auth', token: 't' });
      },
    });
    conn.send({ q: 1 });
    conn.send({ q: 2 });
    await conn.connect();
    await server.waitForMessages(3);
    expect(server.jsons()).toEqual([{ type: 'auth', token: 't' }, { q: 1 }, { q: 2 }]);
  });

  it('an onOpen that throws closes the socket and retries; the queue is delivered once, on the next open', async () => {
    const server = track.server(await startWsServer());
    let calls = 0;
    const conn = connection({
      url: server.url,
      onOpen: () => {
        if (++calls === 1) throw new Error('auth refused');
      },
    });
    conn.send('queued');
    void conn.connect().catch(() => {});
    await server.waitForConnections(2, 3000);
    await server.waitForMessages(1);
    await sleep(50);
    expect(server.messages.map((m) => [m.connection, m.text])).toEqual([[2, 'queued']]);
    expect(calls).toBe(2);
  });
});

describe('dispose()', () => {
  it("reports still-queued messages through 'disposed' and message_dropped; afterwards send/receive/connect refuse", async () => {
    const server = track.server(await startWsServer());
    const conn = connection({ url: server.url });
    await conn.connect();
    await server.stop();
    await waitFor(() => !conn.isConnected(), 2000, 'the drop');
    conn.send({ n: 1 });
    conn.send('two');
    const events = recordEvents(conn, ['disposed', 'message_dropped']);
    const pending = conn.receive();
    conn.dispose();
    expect(events).toEqual([
      ['message_dropped', { message: { n: 1 }, reason: 'disposed' }],
      ['message_dropped', { message: 'two', reason: 'disposed' }],
      ['disposed', { queued: [{ n: 1 }, 'two'], unacknowledged: [] }],
    ]);
    await expect(pending).rejects.toThrow(/disposed/);
    expect(conn.send('late')).toBe(false);
    await expect(conn.connect()).rejects.toThrow(/disposed/);
    expect(conn.getStats().queuedMessages).toBe(0);
    conn.dispose(); // idempotent
  });

  it("with delivery, messages the server never acknowledged are reported as 'unacknowledged'", async () => {
    const server = track.server(await startWsServer()); // never acks
    const conn = connection({
      url: server.url,
      delivery: { messageId: (m) => (m as { id?: number }).id, ackId: (m) => (m as { ack?: number } | null)?.ack },
    });
    await conn.connect();
    conn.send({ id: 1 });
    conn.send({ id: 2 });
    await server.waitForMessages(2);
    expect(conn.getStats().unacknowledged).toBe(2);
    const events = recordEvents(conn, ['disposed']);
    conn.dispose();
    expect(events).toEqual([['disposed', { queued: [], unacknowledged: [{ id: 1 }, { id: 2 }] }]]);
    await waitFor(() => server.clients.size === 0, 2000, 'the server to see the close');
  });
});
