/**
 * A `receive()` waiting on a stream that ends for good (the server answers the
 * reconnect with 204, `disconnect()`) rejects then, instead of waiting out its
 * timeout; a later `receive()` after `connect()` works again.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { NetworkError, SSEConnection, StatewireError } from '../../../src/index.js';
import { startSseServer } from '../../helpers/sseServer.js';
import { tracker } from '../../helpers/wsServer.js';

const track = tracker();
afterEach(() => track.cleanup());

describe('SSE receive() when the stream ends for good', () => {
  it('the reconnect is answered 204: the waiting receive() rejects with its NetworkError', async () => {
    const server = track.server(
      await startSseServer((s) => {
        if (s.request.index > 0) return s.reject(204);
        s.open();
        s.after(30, () => s.end());
      }),
    );
    const conn = track.conn(new SSEConnection({ url: server.url, retryDelay: 10, maxRetryDelay: 20 }));
    await conn.connect();
    const error = await conn.receive(60_000).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect(error).toMatchObject({ code: 'HTTP_204' });
  });

  it('disconnect() rejects the waiting receive(); after connect() receive() gets the next event', async () => {
    const server = track.server(
      await startSseServer((s) => {
        s.open();
        if (s.request.index > 0) s.send({ id: '1', data: 'again' });
      }),
    );
    const conn = track.conn(new SSEConnection({ url: server.url }));
    await conn.connect();
    const waiting = conn.receive(60_000);
    await conn.disconnect();
    const error = await waiting.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StatewireError);
    expect((error as Error).message).toMatch(/SSEConnection was disconnected/);
    await conn.connect();
    expect(await conn.receive(5_000)).toMatchObject({ data: 'again' });
  });
});
