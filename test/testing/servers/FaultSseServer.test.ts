/**
 * FaultSseServer (statewire/testing) against SSEConnection: ids and
 * Last-Event-ID resume, `retry:`, stalls, oversized events, ending and dropping
 * streams, rejected requests.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SSEConnection, type SSEMessage } from '../../../src/index.js';
import { FaultSseServer, formatSseEvent, waitUntil } from '../../../src/testing/index.js';

const servers: FaultSseServer[] = [];
const conns: SSEConnection[] = [];
afterEach(async () => {
  for (const c of conns.splice(0)) c.dispose();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
async function started(options?: ConstructorParameters<typeof FaultSseServer>[0]) {
  const server = new FaultSseServer(options);
  servers.push(server);
  await server.start();
  return server;
}
const sse = (url: string, extra: Partial<ConstructorParameters<typeof SSEConnection>[0]> = {}) => {
  const c = new SSEConnection({ url, retryDelay: 5, maxRetryDelay: 20, ...extra });
  conns.push(c);
  return c;
};

describe('FaultSseServer', () => {
  it('formats events', () => {
    expect(formatSseEvent({ id: '3', event: 'tick', data: 'a\nb', retry: 10 })).toBe('event: tick\nid: 3\nretry: 10\ndata: a\ndata: b\n\n');
  });

  it('serves its log with ids; ending each stream after perConnection events, it resumes after Last-Event-ID', async () => {
    const server = await started({ events: [{ data: 'a' }, { data: 'b' }, { data: 'c' }], perConnection: 1, retry: 5 });
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/events$/);
    const c = sse(server.url);
    await c.connect();
    const got: Array<SSEMessage> = [];
    for (let i = 0; i < 3; i++) got.push((await c.receive(3_000)) as SSEMessage);
    expect(got.map((m) => [m.id, m.data])).toEqual([
      ['1', 'a'],
      ['2', 'b'],
      ['3', 'c'],
    ]);
    expect(server.requests.slice(0, 3).map((r) => [r.lastEventId, r.sent])).toEqual([
      [undefined, ['1']],
      ['1', ['2']],
      ['2', ['3']],
    ]);
  });

  it('push() writes to open streams; stall() holds events back (idleTimeout finds it), resume() sends them', async () => {
    const server = await started();
    const c = sse(server.url, { idleTimeout: 150 });
    await c.connect();
    server.push({ event: 'price', data: { p: 1 } });
    expect(((await c.receive(2_000)) as SSEMessage).data).toEqual({ p: 1 });
    server.stall();
    server.push({ data: 'held' });
    await server.waitForRequests(2, 3_000); // the silent stream was given up and reopened after Last-Event-ID 1
    expect(server.requests[1]!.lastEventId).toBe('1');
    server.resume();
    expect(((await c.receive(2_000)) as SSEMessage).data).toBe('held');
  });

  it('an oversized event is cut off by maxEventBytes and the stream resumes', async () => {
    const server = await started({ events: [{ data: 'first' }] });
    const c = sse(server.url, { maxEventBytes: 1_000 });
    const events: string[] = [];
    c.onEvent((e) => events.push(e.eventType));
    await c.connect();
    expect(((await c.receive(2_000)) as SSEMessage).data).toBe('first');
    server.sendOversized(5_000);
    await server.waitForRequests(2, 3_000);
    expect(server.requests[1]!.lastEventId).toBe('1');
    expect(events).toContain('event_too_large'); // reported, not silent
  });

  it('endAll(), destroyAll() and rejectNext() make the client reconnect; resume: false replays from the start', async () => {
    const server = await started({ events: [{ data: 'x' }], resume: false });
    const c = sse(server.url);
    await c.connect();
    await c.receive(2_000);
    server.rejectNext(503, 1);
    server.endAll();
    await server.waitForRequests(3, 3_000);
    expect(server.requests.map((r) => r.status)).toEqual([200, 503, 200]);
    expect(((await c.receive(2_000)) as SSEMessage).id).toBe('1'); // replayed
    server.destroyAll();
    await server.waitForRequests(4, 3_000);
    await waitUntil(() => server.openStreams === 1);
  });
});
