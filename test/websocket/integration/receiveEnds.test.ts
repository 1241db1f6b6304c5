/**
 * A `receive()` waiting on a connection whose session ends for good (a drop
 * with `autoReconnect: false`, `disconnect()`, a parent stopping its machine)
 * rejects then, instead of waiting out its timeout: nothing more can arrive
 * until the next `connect()`. Messages already received are still read first.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { NetworkError, StatewireError, WebSocketConnection } from '../../../src/index.js';
import { startWsServer, tracker } from '../../helpers/wsServer.js';

const track = tracker();
afterEach(() => track.cleanup());

describe('receive() when the session ends for good', () => {
  it('a drop without reconnect rejects the waiting receive() with a NetworkError, not a TimeoutError', async () => {
    const server = track.server(await startWsServer());
    const conn = track.conn(new WebSocketConnection({ url: server.url, healthUrl: false, autoReconnect: false }));
    await conn.connect();
    const waiting = conn.receive(60_000);
    server.terminateAll();
    const error = await waiting.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as NetworkError).message).toMatch(/closed 1006/);
    expect(conn.getStats().status).toMatch(/^(closed|error)$/);
  });

  it('disconnect() rejects the waiting receive(); after connect() receive() works again', async () => {
    const server = track.server(await startWsServer({ echo: true }));
    const conn = track.conn(new WebSocketConnection({ url: server.url, healthUrl: false }));
    await conn.connect();
    const waiting = conn.receive(60_000);
    await conn.disconnect();
    const error = await waiting.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StatewireError);
    expect((error as Error).message).toMatch(/WebSocketConnection was disconnected/);
    await conn.connect();
    conn.send({ n: 1 });
    expect(await conn.receive(5_000)).toEqual({ n: 1 });
  });
});
