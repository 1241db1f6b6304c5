/**
 * A failed flush keeps the order (issue 9, item 12): the queued writes that fail
 * when the server kills the connection mid-flush come back in their original
 * order and are flushed again in that order on the next connection.
 */
import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketConnection } from '../../../src/index.js';
import { startWsServer, tracker, waitFor } from '../../helpers/wsServer.js';

const track = tracker();
afterEach(() => track.cleanup());

describe('flush after a reconnect', () => {
  it('writes that fail mid-flush are flushed again in their original order', async () => {
    const N = 40;
    const pad = 'x'.repeat(256 * 1024);
    // The first connection reads nothing (its TCP socket is paused, so the client's
    // writes back up in its buffers) and is killed once the flush was handed to the socket.
    const server = track.server(
      await startWsServer({
        onConnection: (socket, index) => {
          if (index === 1) (socket as unknown as { _socket: Socket })._socket.pause();
        },
      }),
    );
    const conn = track.conn(
      new WebSocketConnection({ url: server.url, healthUrl: false, reconnectDelay: 10, maxReconnectDelay: 20, maxQueuedBytes: 64 * 1024 * 1024, pingInterval: 0 }),
    );
    for (let seq = 0; seq < N; seq++) expect(conn.send({ seq, pad })).toBe(true);
    expect(conn.getStats().queuedMessages).toBe(N);
    await conn.connect(); // resolved after the flush: every message was written to the paused socket
    server.terminateAll();

    await server.waitForConnections(2, 5000);
    await waitFor(() => conn.isConnected() && conn.getStats().queuedMessages === 0, 5000, 'the second flush');
    // Writes complete in order, so a failed flush fails its tail: the last message comes again.
    const onSecond = () => server.messages.filter((m) => m.connection === 2);
    await waitFor(() => onSecond().some((m) => (m.json as { seq: number }).seq === N - 1), 5000, 'the last message on the second connection');
    const seqs = onSecond().map((m) => (m.json as { seq: number }).seq);
    expect(seqs.length).toBeGreaterThanOrEqual(2); // the kill did fail several writes
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    // What failed is the tail of the flush, contiguous, ending with the last message.
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => N - seqs.length + i));
  });
});
