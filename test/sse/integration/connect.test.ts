/**
 * `connect()` never opens a second stream, against a real server on 127.0.0.1.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SSEConnection, type SSEConnectionOptions } from '../../../src/index.js';
import { startSseServer } from '../../helpers/sseServer.js';
import { sleep, tracker, waitFor } from '../../helpers/wsServer.js';

const track = tracker();
afterEach(() => track.cleanup());

function connection(options: SSEConnectionOptions): SSEConnection {
  return track.conn(new SSEConnection({ retryDelay: 20, maxRetryDelay: 100, ...options }));
}

describe('connect() is idempotent', () => {
  it('three concurrent calls and one more once open make exactly one request', async () => {
    const server = track.server(
      await startSseServer((s) => {
        s.open();
        s.send({ data: 'hello' });
      }),
    );
    const conn = connection({ url: server.url });
    expect(conn.isConnected()).toBe(false);
    expect(conn.getStats()).toMatchObject({ connected: false, lastConnectedAt: null, eventsReceived: 0 });
    await Promise.all([conn.connect(), conn.connect(), conn.connect()]);
    expect(conn.isConnected()).toBe(true);
    await conn.connect();
    await sleep(150);
    expect(server.requests).toHaveLength(1);
    expect(server.openStreams).toBe(1);
    expect((await conn.receive(1_000)).raw).toBe('hello');
    expect(conn.getStats()).toMatchObject({ connected: true, status: 'idle' });
    expect(conn.getStats().lastConnectedAt).not.toBeNull();
  });

  it('connect() while the loop waits after a failure joins the loop: the next open resolves it, no extra request', async () => {
    const server = track.server(
      await startSseServer((s) => {
        if (s.request.index === 0) return s.reject(500);
        s.open();
      }),
    );
    const conn = connection({ url: server.url, retryDelay: 100 });
    const first = conn.connect();
    await waitFor(() => conn.actor.getSnapshot().matches({ session: 'waiting' }), 2_000, 'the wait after the 500');
    await Promise.all([first, conn.connect(), conn.connect()]);
    expect(conn.isConnected()).toBe(true);
    await sleep(150);
    expect(server.requests).toHaveLength(2);
    expect(server.openStreams).toBe(1);
  });
});
