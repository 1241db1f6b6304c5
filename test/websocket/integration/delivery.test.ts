/**
 * Acknowledged delivery (`delivery: { messageId, ackId }`) against a real `ws`
 * server that acknowledges each `{ id }` with `{ ack: id }` and kills the
 * connection at random points: at-least-once, re-sent in order.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketConnection } from '../../../src/index.js';
import { FaultWebSocketServer } from '../../../src/testing/index.js';
import { sleep, startWsServer, tracker, waitFor } from '../../helpers/wsServer.js';

const track = tracker();
afterEach(() => track.cleanup());

/** mulberry32: a small seeded PRNG, so a failing run can be replayed with its seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const delivery = {
  messageId: (m: unknown) => (m as { id?: number } | null)?.id,
  ackId: (m: unknown) => (m as { ack?: number } | null)?.ack,
};

describe('acknowledged delivery', () => {
  it('200 numbered messages, 20 kills at random points: every id reaches the server, nothing stays unacknowledged', async () => {
    const seed = Number(process.env.WS_DELIVERY_SEED) || (Math.random() * 2 ** 31) | 0;
    const random = prng(seed);
    // Kill when the server first sees one of 20 random ids; half the kills before the ack, half
    // right after it. A kill point first seen on a socket already going down kills the next one.
    const killIds = new Set<number>();
    while (killIds.size < 20) killIds.add(Math.floor(random() * 200));
    const firstSeen = new Set<number>();
    let pendingKills = 0;
    let kills = 0;
    const trace: string[] = [];

    const server = track.server(
      await startWsServer({
        onMessage: (socket, message) => {
          const id = (message.json as { id: number }).id;
          if (!firstSeen.has(id)) {
            firstSeen.add(id);
            if (killIds.has(id)) pendingKills++;
          }
          if (socket.readyState !== socket.OPEN) return false;
          const ack = () => socket.send(JSON.stringify({ ack: id }));
          if (pendingKills > 0) {
            pendingKills--;
            kills++;
            const afterAck = random() < 0.5;
            trace.push(`kill ${kills} on connection ${message.connection} at id ${id}${afterAck ? ' after its ack' : ''}`);
            if (afterAck) ack();
            socket.terminate();
            return false;
          }
          ack();
          return false;
        },
      }),
    );
    const conn = track.conn(new WebSocketConnection({ url: server.url, reconnectDelay: 5, maxReconnectDelay: 20, healthUrl: false, delivery }));
    for (const event of ['open', 'close', 'reconnecting'] as const) conn.on(event, (e?: unknown) => trace.push(`${event} ${JSON.stringify(e) ?? ''}`));
    await conn.connect();

    const returns: boolean[] = [];
    for (let id = 0; id < 200; id++) {
      returns.push(conn.send({ id }));
      if (id % 4 === 3) await sleep(1);
    }
    expect(returns.every(Boolean)).toBe(true);

    const report = () =>
      `seed ${seed}: kills ${kills}, ids seen ${firstSeen.size}, stats ${JSON.stringify(conn.getStats())}, machine ${JSON.stringify(conn.actor.getSnapshot().value)}\n  ${trace.slice(-25).join('\n  ')}`;
    await waitFor(() => kills === 20 && firstSeen.size === 200 && conn.isConnected() && conn.getStats().unacknowledged === 0, 10_000, report);
    await sleep(20);

    expect([...firstSeen].sort((a, b) => a - b), report()).toEqual(Array.from({ length: 200 }, (_, i) => i));
    expect(server.messages.length, report()).toBeGreaterThan(200); // re-sends happened
    expect(server.connections, report()).toBe(21);
    expect(conn.getStats(), report()).toMatchObject({ unacknowledged: 0, queuedMessages: 0, connected: true });
    // Re-sent in order: on every connection the ids arrive in increasing order.
    for (let c = 1; c <= server.connections; c++) {
      const onC = server.messages.filter((m) => m.connection === c).map((m) => (m.json as { id: number }).id);
      expect(onC, `${report()}\nconnection ${c}`).toEqual([...onC].sort((a, b) => a - b));
    }
  });

  it('unacknowledged messages are re-sent, in order, after a reconnect; acks are not delivered as messages', async () => {
    const server = track.server(new FaultWebSocketServer({ ack: true }));
    await server.start();
    server.dropOutgoing(3); // the first three acks are lost
    const conn = track.conn(new WebSocketConnection({ url: server.url, reconnectDelay: 10, maxReconnectDelay: 50, healthUrl: false, delivery }));
    const incoming: unknown[] = [];
    conn.on('message', (m: unknown) => incoming.push(m));
    await conn.connect();
    conn.send({ id: 1 });
    conn.send({ id: 2 });
    conn.send({ id: 3 });
    await server.waitForMessages(3);
    await waitFor(() => server.pendingDrops.outgoing === 0, 2000, 'the three acks to be dropped');
    expect(conn.getStats().unacknowledged).toBe(3);
    server.terminateAll();
    await server.waitForMessages(6);
    await waitFor(() => conn.getStats().unacknowledged === 0, 2000, 'the acks');
    expect(server.received.filter((m) => m.connection === 2).map((m) => m.json)).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }]);
    expect(incoming).toEqual([]);
  });
});
