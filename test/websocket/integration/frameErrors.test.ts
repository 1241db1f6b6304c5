/**
 * A frame `ws` refuses on an open socket (issue 9, item 17): an invalid UTF-8
 * text frame or one larger than `maxPayload` closes the socket with 1006, and
 * ws's reason is reported as an `error` event (and `onEvent` with severity
 * error) before that close.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { NetworkError, WebSocketConnection } from '../../../src/index.js';
import type { ConnectionEvent } from '../../../src/index.js';
import { nextEvent, startWsServer, tracker } from '../../helpers/wsServer.js';

const track = tracker();
afterEach(() => track.cleanup());

async function firstErrorThenClose(send: (socket: import('ws').WebSocket) => void, maxPayload?: number) {
  const server = track.server(
    await startWsServer({
      onMessage: (socket) => {
        send(socket);
        return false;
      },
    }),
  );
  const conn = track.conn(new WebSocketConnection({ url: server.url, healthUrl: false, reconnectDelay: 10, ...(maxPayload ? { maxPayload } : {}) }));
  const order: string[] = [];
  const errors: Error[] = [];
  const events: ConnectionEvent[] = [];
  conn.on('error', (e: Error) => {
    order.push('error');
    errors.push(e);
  });
  conn.on('close', (e: { code: number }) => order.push(`close ${e.code}`));
  conn.onEvent((e) => e.severity === 'error' && events.push(e));
  await conn.connect();
  conn.send('go');
  await nextEvent(conn, 'close');
  return { order, errors, events };
}

describe('a frame ws refuses', () => {
  it('invalid UTF-8: an error event with ws reason, then close 1006', async () => {
    const { order, errors, events } = await firstErrorThenClose((s) => s.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false }));
    expect(order).toEqual(['error', 'close 1006']);
    expect(errors[0]).toBeInstanceOf(NetworkError);
    expect(errors[0]).toMatchObject({ code: 'WS_SOCKET_ERROR', reachedServer: true });
    expect(errors[0]!.message).toMatch(/invalid UTF-8 sequence/i);
    expect(events.some((e) => /invalid UTF-8 sequence/i.test(e.message))).toBe(true);
  });

  it('a frame over maxPayload: an error event with ws reason, then close 1006', async () => {
    const { order, errors } = await firstErrorThenClose((s) => s.send('x'.repeat(4096)), 1024);
    expect(order).toEqual(['error', 'close 1006']);
    expect(errors[0]!.message).toMatch(/max payload size exceeded/i);
  });
});
