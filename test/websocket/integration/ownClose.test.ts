/**
 * A close the app asks for is a `close` event, as on WebSocket and partysocket
 * (it used to emit none: the machine stops the socket with the session), once,
 * with the code and reason given; `wasClean` follows WebSocket's CloseEvent: a
 * close frame was exchanged (any code), false only for a dropped link (1006).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketConnection } from '../../../src/index.js';
import { sleep, startWsServer, tracker, waitFor } from '../../helpers/wsServer.js';

const track = tracker();
afterEach(() => track.cleanup());

type Close = { code: number; reason: string; wasClean: boolean };

describe("the app's own close", () => {
  it('disconnect() and close(4000, reason) each emit one clean close event with their code; a closed connection emits none', async () => {
    const server = track.server(await startWsServer());
    const conn = track.conn(new WebSocketConnection({ url: server.url, healthUrl: false }));
    const closes: Close[] = [];
    conn.on('close', (e: Close) => closes.push(e));
    await conn.connect();
    await conn.disconnect();
    await conn.connect();
    await conn.close(4000, 'logged out');
    await conn.disconnect(); // already closed: nothing to report
    await sleep(50); // the sockets' own close events, had they come back
    expect(closes).toEqual([
      { code: 1000, reason: 'closing', wasClean: true },
      { code: 4000, reason: 'logged out', wasClean: true },
    ]);
    await waitFor(() => server.closes.length === 2, 2_000, 'the server to see both closes');
    expect(server.closes.map((c) => [c.code, c.reason])).toEqual([
      [1000, 'closing'],
      [4000, 'logged out'],
    ]);
  });

  it("a server's close frame with code 4001 is clean; a dropped link (1006) is not", async () => {
    const server = track.server(await startWsServer());
    const conn = track.conn(new WebSocketConnection({ url: server.url, healthUrl: false, reconnectDelay: 10, maxReconnectDelay: 20 }));
    const closes: Close[] = [];
    conn.on('close', (e: Close) => closes.push(e));
    await conn.connect();
    server.closeAll(4001, 'go away');
    await waitFor(() => closes.length === 1 && conn.isConnected(), 3_000, 'the close and the reconnect');
    server.terminateAll();
    await waitFor(() => closes.length === 2, 3_000, 'the drop');
    expect(closes).toEqual([
      { code: 4001, reason: 'go away', wasClean: true },
      { code: 1006, reason: '', wasClean: false },
    ]);
  });
});
