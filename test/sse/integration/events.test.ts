/**
 * What `SSEConnection` delivers from a real event stream on 127.0.0.1: ids,
 * names, multi-line data, JSON or text, the raw data, comments ignored; routing
 * by name for `on()` and everything in order for `receive()`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SSEConnection, TimeoutError, type SSEConnectionOptions, type SSEMessage } from '../../../src/index.js';
import { recordConnectionEvents, startSseServer } from '../../helpers/sseServer.js';
import { tracker, waitFor } from '../../helpers/wsServer.js';

const track = tracker();
afterEach(() => track.cleanup());

function connection(options: SSEConnectionOptions): SSEConnection {
  return track.conn(new SSEConnection({ retryDelay: 20, maxRetryDelay: 100, ...options }));
}

async function receiveN(conn: SSEConnection, n: number, timeout = 3_000): Promise<SSEMessage[]> {
  const out: SSEMessage[] = [];
  for (let i = 0; i < n; i++) out.push(await conn.receive(timeout));
  return out;
}

/** A mixed stream: comments, unnamed and named events, multi-line data, JSON and text. Held open afterwards. */
const MIXED =
  ': a comment before anything\n\n' +
  'id: 1\ndata: {"a":1,"b":[true,null]}\n\n' +
  'event: update\nid: 2\ndata: line one\ndata: line two\n\n' +
  ': keep-alive\n\n' +
  'id: 3\ndata: plain text, not JSON\n\n' +
  'event: update\nid: 4\ndata: [1,2,3]\n\n' +
  'id: 5\ndata: 42\n\n' +
  'event: other\nid: 6\ndata: {not json\n\n' +
  'id: 7\ndata: a\ndata:\ndata: b\n\n';

describe('events from a real stream', () => {
  it('receive() returns every event in order, named ones included, with id, name, parsed data and raw; comments are not events', async () => {
    const server = track.server(
      await startSseServer((s) => {
        s.open();
        s.write(MIXED);
      }),
    );
    const conn = connection({ url: server.url });
    await conn.connect();
    const got = await receiveN(conn, 7);
    expect(got).toEqual([
      { id: '1', event: 'message', data: { a: 1, b: [true, null] }, raw: '{"a":1,"b":[true,null]}' },
      { id: '2', event: 'update', data: 'line one\nline two', raw: 'line one\nline two' },
      { id: '3', event: 'message', data: 'plain text, not JSON', raw: 'plain text, not JSON' },
      { id: '4', event: 'update', data: [1, 2, 3], raw: '[1,2,3]' },
      // 'auto' parses only what looks like JSON: a number stays the string it was sent as.
      { id: '5', event: 'message', data: '42', raw: '42' },
      // Looks like JSON but is not: delivered as the string.
      { id: '6', event: 'other', data: '{not json', raw: '{not json' },
      // An empty data line is an empty line of the data.
      { id: '7', event: 'message', data: 'a\n\nb', raw: 'a\n\nb' },
    ]);
    // The comments produced nothing more.
    await expect(conn.receive(150)).rejects.toBeInstanceOf(TimeoutError);
    const stats = conn.getStats();
    expect(stats).toMatchObject({ connected: true, status: 'idle', eventsReceived: 7, lastEventId: '7' });
    expect(stats.bytesReceived).toBe(Buffer.byteLength(MIXED));
    expect(stats.lastActivityAt).not.toBeNull();
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]!.headers.accept).toBe('text/event-stream');
  });

  it("on('message') gets unnamed events only, on('<name>') only that name; receive() still sees them all", async () => {
    const server = track.server(
      await startSseServer((s) => {
        s.open();
        s.write(MIXED);
      }),
    );
    const conn = connection({ url: server.url });
    const unnamed: string[] = [];
    const updates: string[] = [];
    const others: string[] = [];
    conn.on('message', (m) => unnamed.push(m.id));
    conn.on('update', (m) => updates.push(m.id));
    conn.on('other', (m) => others.push(m.id));
    await conn.connect();
    await waitFor(() => conn.getStats().eventsReceived === 7, 3_000, 'seven events');
    expect(unnamed).toEqual(['1', '3', '5', '7']);
    expect(updates).toEqual(['2', '4']);
    expect(others).toEqual(['6']);
    expect((await receiveN(conn, 7)).map((m) => `${m.event}:${m.id}`)).toEqual([
      'message:1',
      'update:2',
      'message:3',
      'update:4',
      'message:5',
      'other:6',
      'message:7',
    ]);
  });

  it('off() stops a handler; a handler that throws neither stops the others nor receive()', async () => {
    const server = track.server(
      await startSseServer((s) => {
        s.open();
        s.send({ id: '1', event: 'tick', data: 'one' });
        s.after(100, () => s.send({ id: '2', event: 'tick', data: 'two' }));
      }),
    );
    const conn = connection({ url: server.url });
    const kept: string[] = [];
    const removed: string[] = [];
    const onRemoved = (m: SSEMessage) => removed.push(m.raw);
    conn.on('tick', () => {
      throw new Error('handler bug');
    });
    conn.on('tick', (m) => kept.push(m.raw));
    conn.on('tick', onRemoved);
    await conn.connect();
    expect((await conn.receive(2_000)).raw).toBe('one');
    conn.off('tick', onRemoved);
    expect((await conn.receive(2_000)).raw).toBe('two');
    expect(kept).toEqual(['one', 'two']);
    expect(removed).toEqual(['one']);
    expect(conn.isConnected()).toBe(true);
  });

  it("parse: 'text' never parses, 'json' parses everything it can, a function decides", async () => {
    const body = 'data: {"x":1}\n\ndata: 42\n\ndata: a,b\n\n';
    const server = track.server(
      await startSseServer((s) => {
        s.open();
        s.write(body);
      }),
    );
    const text = connection({ url: server.url, parse: 'text' });
    const json = connection({ url: server.url, parse: 'json' });
    const custom = connection({ url: server.url, parse: (t) => t.split(',') });
    await Promise.all([text.connect(), json.connect(), custom.connect()]);
    expect((await receiveN(text, 3)).map((m) => m.data)).toEqual(['{"x":1}', '42', 'a,b']);
    expect((await receiveN(json, 3)).map((m) => m.data)).toEqual([{ x: 1 }, 42, 'a,b']);
    expect((await receiveN(custom, 3)).map((m) => m.data)).toEqual([['{"x":1}'], ['42'], ['a', 'b']]);
  });

  it('CRLF and CR line endings are events like LF, even when split across writes', async () => {
    const server = track.server(
      await startSseServer((s) => {
        s.open();
        s.write('id: 1\r\ndata: crlf\r\n\r');
        s.after(20, () => {
          s.write('\nid: 2\rdata: cr\r\revent: named\r\ndata: x\r\ndata: y\r\n\r\n');
        });
      }),
    );
    const conn = connection({ url: server.url });
    await conn.connect();
    expect(await receiveN(conn, 3)).toEqual([
      { id: '1', event: 'message', data: 'crlf', raw: 'crlf' },
      { id: '2', event: 'message', data: 'cr', raw: 'cr' },
      // No id of its own: the stream's last event id.
      { id: '2', event: 'named', data: 'x\ny', raw: 'x\ny' },
    ]);
    await expect(conn.receive(100)).rejects.toBeInstanceOf(TimeoutError);
  });

  it('the connected event and health: connected once, healthy while events flow', async () => {
    const server = track.server(
      await startSseServer((s) => {
        s.open();
        s.send({ id: '1', data: 'x' });
      }),
    );
    const conn = connection({ url: server.url });
    const events = recordConnectionEvents(conn);
    await conn.connect();
    await conn.receive(2_000);
    expect(events.types()).toEqual(['connected']);
    expect(events.all[0]).toMatchObject({ severity: 'info', connectionName: 'sse' });
    const health = await conn.healthCheck();
    expect(health).toMatchObject({ isHealthy: true, details: { status: 'idle', lastEventId: '1' } });
    expect(await conn.send({ anything: true })).toBe(false);
    expect(server.requests).toHaveLength(1);
  });
});

describe('last event id', () => {
  // eventsource 4.1.1's MessageEvent.lastEventId is the event's own id ('' without one);
  // SSEMessage.id is the stream's last event id, as documented, and so is lastEventId (sent on reconnect).
  it("an event without an id keeps the stream's last event id ('7') in message.id and getStats().lastEventId", async () => {
    const server = track.server(
      await startSseServer((s) => {
        s.open();
        s.write('id: 7\ndata: a\n\n');
        s.after(20, () => s.write('data: b\n\n'));
      }),
    );
    const conn = connection({ url: server.url });
    await conn.connect();
    const [a, b] = await receiveN(conn, 2);
    expect(a!.id).toBe('7');
    expect(b!.id).toBe('7');
    expect(conn.getStats().lastEventId).toBe('7');
  });

  // Known limitation (spec deviation): an `id:` field with an empty value resets the last
  // event id (WHATWG HTML, server-sent events), so a reconnect should send no Last-Event-ID.
  // eventsource 4.1.1 reports '' both for "no id" and for an empty id (fixed upstream in
  // EventSource/eventsource#358, not yet released for Node 20), so SSEConnection keeps the
  // old id. This test flips to passing once that fix lands; then drop `.fails`.
  it.fails('(known limitation, eventsource 4.1.1) an empty id: resets the last event id, and the reconnect sends no Last-Event-ID', async () => {
    const server = track.server(
      await startSseServer((s) => {
        s.open();
        if (s.request.index === 0) {
          s.write('id: 1\ndata: a\n\n');
          s.after(20, () => {
            s.write('id\ndata: b\n\n');
            s.after(20, () => s.end());
          });
        }
      }),
    );
    const conn = connection({ url: server.url });
    await conn.connect();
    await receiveN(conn, 2);
    await server.waitForRequests(2);
    expect(conn.getStats().lastEventId).toBeNull();
    expect(server.requests[1]!.lastEventId).toBeUndefined();
  });
});
