/**
 * What `EventSource` users reach for first, on `SSEConnection`, against a real
 * SSE server on 127.0.0.1: `once()`, `close()`, `reconnect()` and `readyState`
 * with the static `CONNECTING` / `OPEN` / `CLOSED`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SSEConnection, StatewireError, type SSEConnectionOptions, type SSEMessage } from '../../../src/index.js';
import { recordConnectionEvents, startSseServer } from '../../helpers/sseServer.js';
import { sleep, tracker, waitFor } from '../../helpers/wsServer.js';

const track = tracker();
afterEach(() => track.cleanup());

function connection(options: SSEConnectionOptions): SSEConnection {
  return track.conn(new SSEConnection({ retryDelay: 20, maxRetryDelay: 100, ...options }));
}

const settle = (p: Promise<unknown>) =>
  p.then(
    () => 'resolved',
    (e: unknown) => e,
  );

describe('once()', () => {
  it('runs for the first of two events of its name only, named or unnamed; on() sees both', async () => {
    const server = track.server(
      await startSseServer((s) => {
        s.open();
        s.send({ id: '1', event: 'price', data: { price: 1 } });
        s.send({ id: '2', data: 'first message' });
        s.send({ id: '3', event: 'price', data: { price: 2 } });
        s.send({ id: '4', data: 'second message' });
      }),
    );
    const conn = connection({ url: server.url });
    const oncePrices: SSEMessage[] = [];
    const onceMessages: SSEMessage[] = [];
    const allPrices: SSEMessage[] = [];
    expect(conn.once('price', (e) => oncePrices.push(e))).toBe(conn);
    conn.once('message', (e) => onceMessages.push(e));
    conn.on('price', (e) => allPrices.push(e));
    await conn.connect();
    await waitFor(() => conn.getStats().eventsReceived === 4);
    expect(allPrices.map((e) => e.data)).toEqual([{ price: 1 }, { price: 2 }]);
    expect(oncePrices).toEqual([{ id: '1', event: 'price', data: { price: 1 }, raw: '{"price":1}' }]);
    expect(onceMessages.map((e) => [e.id, e.data])).toEqual([['2', 'first message']]);
  });

  it('off() with the original handler removes a once() that has not run; a throwing once() handler is reported and still removed', async () => {
    const server = track.server(await startSseServer((s) => s.open()));
    const conn = connection({ url: server.url });
    const events = recordConnectionEvents(conn);
    let removedCalls = 0;
    let throwingCalls = 0;
    const removed = () => removedCalls++;
    conn.once('tick', removed);
    conn.off('tick', removed);
    conn.once('tick', () => {
      throwingCalls++;
      throw new Error('once bug');
    });
    await conn.connect();
    server.streams[0]!.send({ event: 'tick', data: '1' });
    server.streams[0]!.send({ event: 'tick', data: '2' });
    await waitFor(() => conn.getStats().eventsReceived === 2);
    expect(removedCalls).toBe(0);
    expect(throwingCalls).toBe(1);
    expect(events.of('callback_error')).toHaveLength(1);
    expect(events.of('callback_error')[0]!.message).toMatch(/on\('tick'\) handler threw: Error: once bug/);
    // Both events still reached receive().
    expect((await conn.receive(1000)).raw).toBe('1');
    expect((await conn.receive(1000)).raw).toBe('2');
  });

  it('a handler is registered once per name: once() after on() of the same handler adds nothing; off() removes it', async () => {
    const server = track.server(await startSseServer((s) => s.open()));
    const conn = connection({ url: server.url });
    const seen: string[] = [];
    const handler = (e: SSEMessage) => seen.push(e.raw);
    conn.on('tick', handler).once('tick', handler);
    await conn.connect();
    server.streams[0]!.send({ event: 'tick', data: 'a' });
    server.streams[0]!.send({ event: 'tick', data: 'b' });
    await waitFor(() => conn.getStats().eventsReceived === 2);
    expect(seen).toEqual(['a', 'b']);
    conn.off('tick', handler);
    server.streams[0]!.send({ event: 'tick', data: 'c' });
    await waitFor(() => conn.getStats().eventsReceived === 3);
    expect(seen).toEqual(['a', 'b']);
    expect(() => conn.once('tick', 'nope' as never)).toThrow(TypeError);
  });
});

describe('reconnect()', () => {
  it('drops the open stream and opens a new one at once (no backoff wait), sending the last event id', async () => {
    const server = track.server(
      await startSseServer((s) => {
        s.open();
        if (s.request.index === 0) {
          s.send({ id: '1', data: 'a' });
          s.send({ id: '2', data: 'b' });
        } else s.send({ id: '3', data: 'c' });
      }),
    );
    // A backoff of 10 s: a reconnect that waited for it would time the test out.
    const conn = connection({ url: server.url, retryDelay: 10_000, maxRetryDelay: 20_000 });
    await conn.connect();
    expect((await conn.receive(2000)).id).toBe('1');
    expect((await conn.receive(2000)).id).toBe('2');
    const started = Date.now();
    await conn.reconnect();
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(conn.readyState).toBe(SSEConnection.OPEN);
    expect(conn.isConnected()).toBe(true);
    expect(server.requests.map((r) => r.lastEventId)).toEqual([undefined, '2']);
    await server.waitForClosed(0);
    expect(server.openStreams).toBe(1);
    expect((await conn.receive(2000)).id).toBe('3');
    expect(conn.getStats()).toMatchObject({ connected: true, lastEventId: '3', eventsReceived: 3 });
  });

  it('while waiting to reconnect after a drop, skips the rest of the wait; while connecting, replaces the attempt that hangs', async () => {
    const server = track.server(
      await startSseServer((s) => {
        const index = s.request.index;
        // 0: opens and drops; 1: the reconnect's first attempt, never answered; 2: answered.
        if (index === 1) return;
        s.open();
        s.send({ id: String(index + 1), data: 'x' });
        if (index === 0) s.after(20, () => s.destroy());
      }),
    );
    const conn = connection({ url: server.url, retryDelay: 10_000, maxRetryDelay: 20_000, timeout: 30_000 });
    await conn.connect();
    await waitFor(() => !conn.isConnected() && conn.getStats().status === 'waiting');
    expect(conn.readyState).toBe(SSEConnection.CONNECTING);
    const first = conn.reconnect();
    await server.waitForRequests(2, 2_000);
    expect(server.requests[1]!.lastEventId).toBe('1');
    expect(conn.readyState).toBe(SSEConnection.CONNECTING);
    const second = conn.reconnect();
    await Promise.all([first, second]);
    expect(server.requests).toHaveLength(3);
    expect(server.requests[2]!.lastEventId).toBe('1');
    await server.waitForClosed(1);
    expect(conn.readyState).toBe(SSEConnection.OPEN);
  });

  it('on a connection never connected, opens the stream as connect() does; after dispose(), rejects saying so', async () => {
    const server = track.server(await startSseServer((s) => s.open()));
    const conn = connection({ url: server.url });
    await conn.reconnect();
    expect(conn.readyState).toBe(SSEConnection.OPEN);
    expect(server.requests).toHaveLength(1);
    conn.dispose();
    const outcome = await settle(conn.reconnect());
    expect(outcome).toBeInstanceOf(StatewireError);
    expect((outcome as Error).message).toMatch(/reconnect\(\).*disposed/);
    await sleep(100);
    expect(server.requests).toHaveLength(1);
  });

  it('rejects with the final answer of the new attempts (401), as connect() would', async () => {
    const server = track.server(await startSseServer((s) => (s.request.index === 0 ? s.open() : s.reject(401))));
    const conn = connection({ url: server.url });
    await conn.connect();
    const outcome = await settle(conn.reconnect());
    expect(outcome).toMatchObject({ code: 'HTTP_401' });
    expect(conn.readyState).toBe(SSEConnection.CLOSED);
  });
});

describe('readyState', () => {
  it('has EventSource values: CLOSED fresh, CONNECTING then OPEN on connect, CONNECTING after a server drop, CLOSED after disconnect and dispose', async () => {
    expect([SSEConnection.CONNECTING, SSEConnection.OPEN, SSEConnection.CLOSED]).toEqual([0, 1, 2]);
    let releaseFirst = () => {};
    const server = track.server(
      await startSseServer((s) => {
        // The first answer waits until the test has seen CONNECTING.
        if (s.request.index === 0) releaseFirst = () => s.open();
        else s.open();
      }),
    );
    const conn = connection({ url: server.url, retryDelay: 10_000, maxRetryDelay: 20_000 });
    expect(conn.readyState).toBe(SSEConnection.CLOSED);
    const opened = conn.connect();
    expect(conn.readyState).toBe(SSEConnection.CONNECTING);
    await server.waitForRequests(1);
    expect(conn.readyState).toBe(SSEConnection.CONNECTING);
    releaseFirst();
    await opened;
    expect(conn.readyState).toBe(SSEConnection.OPEN);
    server.destroyAll();
    await waitFor(() => !conn.isConnected());
    // Waiting 10 s to reconnect: CONNECTING, as an EventSource that lost its stream.
    expect(conn.getStats().status).toBe('waiting');
    expect(conn.readyState).toBe(SSEConnection.CONNECTING);
    await conn.disconnect();
    expect(conn.readyState).toBe(SSEConnection.CLOSED);
    conn.dispose();
    expect(conn.readyState).toBe(SSEConnection.CLOSED);
  });

  it('is CLOSED after the server stops the stream with 204', async () => {
    const server = track.server(await startSseServer((s) => s.reject(204)));
    const conn = connection({ url: server.url });
    await expect(conn.connect()).rejects.toMatchObject({ code: 'HTTP_204' });
    expect(conn.readyState).toBe(SSEConnection.CLOSED);
  });
});

describe('close()', () => {
  it('does what disconnect() does: the stream closes, no reconnect follows, a pending connect() rejects alike, connect() resumes', async () => {
    const server = track.server(
      await startSseServer((s) => {
        // `?hang`: never answered, so a connect() is still pending.
        if (s.request.url.endsWith('?hang')) return;
        s.open();
        s.send({ id: `e${s.request.index}`, data: 'x' });
      }),
    );
    const outcomes: unknown[] = [];
    for (const stop of ['close', 'disconnect'] as const) {
      const end = (c: SSEConnection) => (stop === 'close' ? c.close() : c.disconnect());
      const conn = connection({ url: server.url });
      await conn.connect();
      const { id } = await conn.receive(2000);
      const first = server.requests.length - 1;
      await end(conn);
      await server.waitForClosed(first);
      // retryDelay is 20 ms: a reconnect would have come by now.
      await sleep(150);
      const afterStop = { requests: server.requests.length - first, state: conn.readyState, connected: conn.isConnected(), status: conn.getStats().status };
      await conn.connect();
      const resumedWith = server.requests.at(-1)!.lastEventId === id;

      const hanging = connection({ url: `${server.url}?hang` });
      const pending = settle(hanging.connect());
      await server.waitForRequests(server.requests.length + 1);
      await end(hanging);
      await server.waitForClosed(server.requests.length - 1);
      outcomes.push({ afterStop, resumedWith, rejection: ((await pending) as Error).message, hangingState: hanging.readyState });
    }
    expect(outcomes[0]).toEqual(outcomes[1]);
    expect(outcomes[0]).toEqual({
      afterStop: { requests: 1, state: SSEConnection.CLOSED, connected: false, status: 'idle' },
      resumedWith: true,
      rejection: 'SSEConnection was disconnected',
      hangingState: SSEConnection.CLOSED,
    });
  });
});
