/**
 * FaultWebSocketServer (statewire/testing) against real clients: a raw `ws`
 * client and WebSocketConnection. Each fault is shown from the client's side.
 */
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { WebSocketConnection } from '../../../src/index.js';
import { FaultWebSocketServer, idAckDelivery, waitUntil } from '../../../src/testing/index.js';
import { nextEvent } from '../../helpers/wsServer.js';

const servers: FaultWebSocketServer[] = [];
const conns: WebSocketConnection[] = [];
afterEach(async () => {
  for (const c of conns.splice(0)) c.dispose();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
async function started(options?: ConstructorParameters<typeof FaultWebSocketServer>[0]) {
  const server = new FaultWebSocketServer(options);
  servers.push(server);
  await server.start();
  return server;
}
const conn = (url: string, extra: Partial<ConstructorParameters<typeof WebSocketConnection>[0]> = {}) => {
  const c = new WebSocketConnection({ url, reconnectDelay: 5, maxReconnectDelay: 20, healthUrl: false, pingInterval: 0, ...extra });
  conns.push(c);
  return c;
};
function raw(url: string): Promise<WebSocket> {
  const ws = new WebSocket(url);
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

describe('FaultWebSocketServer', () => {
  it('listens on 127.0.0.1 on a port the OS picks; close() stops it and connections are refused', async () => {
    const server = await started();
    expect(server.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/ws$/);
    expect(server.port).toBeGreaterThan(0);
    const ws = await raw(server.url);
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    await server.close();
    expect(await closed).toBe(1006);
    expect(server.running).toBe(false);
    await expect(raw(server.url)).rejects.toThrow(/ECONNREFUSED/);
    await server.close(); // idempotent
  });

  it('kill() drops clients without a close frame and refuses connections; restart() listens on the same port', async () => {
    const server = await started({ echo: true });
    const c = conn(server.url);
    await c.connect();
    const port = server.port;
    const close = nextEvent<{ code: number; wasClean: boolean }>(c, 'close');
    await server.kill();
    expect(await close).toMatchObject({ code: 1006, wasClean: false });
    await expect(raw(server.url)).rejects.toThrow(/ECONNREFUSED/);
    expect(c.send('while down')).toBe(true); // queued
    await server.restart();
    expect(server.port).toBe(port);
    await server.waitForMessages(1);
    expect(server.received.map((f) => [f.connection, f.text])).toEqual([[2, 'while down']]);
    expect(server.connections).toBe(2);
  });

  it('closeAll(code, reason) sends a close frame with them; terminateAll() keeps listening', async () => {
    const server = await started();
    const c = conn(server.url);
    await c.connect();
    const close = nextEvent<{ code: number; reason: string }>(c, 'close');
    server.closeAll(4001, 'go away');
    // A close frame was exchanged: clean, as WebSocket's CloseEvent says, whatever the code.
    expect(await close).toMatchObject({ code: 4001, reason: 'go away', wasClean: true });
    await server.waitForConnections(2); // 4001 is not 1000: the client reconnects
    await waitUntil(() => c.isConnected());
    const dropped = nextEvent<{ code: number }>(c, 'close');
    server.terminateAll();
    expect((await dropped).code).toBe(1006);
    await server.waitForConnections(3);
    expect(server.closes.map((x) => x.code)).toEqual([4001, 1006]);
  });

  it('autoPong: false never answers a ping (a dead peer for the heartbeat)', async () => {
    const server = await started({ autoPong: false });
    const ws = await raw(server.url);
    let pongs = 0;
    ws.on('pong', () => pongs++);
    ws.ping();
    const live = await started();
    const ws2 = await raw(live.url);
    await new Promise<void>((resolve) => {
      ws2.once('pong', () => resolve());
      ws2.ping();
    });
    expect(pongs).toBe(0);
    ws.terminate();
    ws2.terminate();
  });

  it('ack mode acknowledges { id } with { ack: id }, as idAckDelivery expects; acks are not delivered as messages', async () => {
    const server = await started({ ack: true });
    const c = conn(server.url, { delivery: idAckDelivery });
    const incoming: unknown[] = [];
    c.on('message', (m) => incoming.push(m));
    await c.connect();
    c.send({ id: 'a' });
    c.send({ id: 'b' });
    await server.waitForMessages(2);
    await waitUntil(() => c.getStats().unacknowledged === 0, 2_000, 'the acks');
    expect(server.jsons()).toEqual([{ id: 'a' }, { id: 'b' }]);
    expect(incoming).toEqual([]);
  });

  it('a custom ack protocol', async () => {
    const server = await started({ ack: { idOf: (m) => (m as { seq?: number }).seq, ackFor: (seq) => ({ type: 'ack', seq }) } });
    const ws = await raw(server.url);
    const reply = new Promise<string>((resolve) => ws.once('message', (d) => resolve(String(d))));
    ws.send(JSON.stringify({ seq: 7 }));
    expect(JSON.parse(await reply)).toEqual({ type: 'ack', seq: 7 });
    ws.terminate();
  });

  it('dropIncoming() swallows a frame (no ack: the client re-sends after ackTimeout); dropOutgoing() swallows an ack', async () => {
    const server = await started({ ack: true });
    const c = conn(server.url, { delivery: { ...idAckDelivery, ackTimeout: 100 } });
    await c.connect();
    server.dropIncoming();
    c.send({ id: 1 });
    await waitUntil(() => server.delivered().length === 1 && c.getStats().unacknowledged === 0, 3_000, 'the re-send');
    expect(server.received.map((f) => [f.connection, f.json, f.dropped])).toEqual([
      [1, { id: 1 }, true],
      [2, { id: 1 }, false],
    ]);
    server.dropOutgoing();
    c.send({ id: 2 });
    await waitUntil(() => server.delivered().length === 3 && c.getStats().unacknowledged === 0, 3_000, 'the re-send after a lost ack');
    expect(server.jsons()).toEqual([{ id: 1 }, { id: 2 }, { id: 2 }]);
    expect(server.pendingDrops).toEqual({ incoming: 0, outgoing: 0 });
  });

  it('delayOutgoing() holds every frame the server sends; send() reaches every client', async () => {
    const server = await started({ echo: true });
    const c = conn(server.url);
    const incoming: unknown[] = [];
    c.on('message', (m) => incoming.push(m));
    await c.connect();
    server.delayOutgoing(300);
    c.send('one');
    await server.waitForMessages(1);
    expect(incoming).toEqual([]); // the echo waits
    await waitUntil(() => incoming.length === 1, 3_000);
    server.delayOutgoing(0);
    expect(server.send({ hello: true })).toBe(1);
    await waitUntil(() => incoming.length === 2, 3_000);
    expect(incoming).toEqual(['one', { hello: true }]);
  });

  it('answers GET /health, rejects upgrades when told to, records handshakes', async () => {
    let up = 503;
    const server = await started({ health: () => up });
    expect((await fetch(`${server.httpUrl}/health`)).status).toBe(503);
    up = 200;
    expect((await fetch(`${server.httpUrl}/health`)).status).toBe(200);
    expect(server.healthRequests).toBe(2);
    const c = conn(`${server.url}?room=1`, { headers: { 'x-app': 'demo' } });
    await c.connect();
    expect(server.handshakes[0]).toMatchObject({ path: '/ws?room=1', headers: { 'x-app': 'demo' } });

    const refusing = await started({ rejectUpgrade: 401 });
    await expect(raw(refusing.url)).rejects.toThrow(/401/);
  });
});
